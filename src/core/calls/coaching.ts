import type { ApiRole } from '../../config/api-roles.js';

/**
 * Coaching a call in progress (issue 16, point 4). Pure rules: who may, what each mode
 * carries where, what is audited. The media path is in services/live-coaching.ts.
 *
 * - whisper: the supervisor's voice reaches the manager only; the client hears nothing of it.
 * - barge: the supervisor's voice reaches the manager and, through the manager's leg, the
 *   client; both hear him, and the recording carries him on the manager's channel.
 */
export const COACH_MODES = ['whisper', 'barge'] as const;
export type CoachMode = (typeof COACH_MODES)[number];

export function isCoachMode(value: unknown): value is CoachMode {
  return typeof value === 'string' && (COACH_MODES as readonly string[]).includes(value);
}

/** Only supervisors and admins coach, as only they listen; a manager never may, not even his colleagues. */
export function mayCoach(role: ApiRole): boolean {
  return role === 'supervisor' || role === 'admin';
}

/** The recording audit log's action for a coaching attempt (migration 0027). */
export type CoachAuditAction = CoachMode | `${CoachMode}-refused`;

export function coachAuditAction(mode: CoachMode, refused: boolean): CoachAuditAction {
  return refused ? `${mode}-refused` : mode;
}

/**
 * What the manager's browser phone does with the supervisor's stream: always plays it to
 * the manager; in barge it also mixes it into what it sends on the call, so the client
 * hears it. Whisper never touches the call's outgoing audio.
 */
export function coachRouting(mode: CoachMode): { toManager: true; toClient: boolean } {
  return { toManager: true, toClient: mode === 'barge' };
}

/** A coaching session as every service instance shares it (the manager's phone finds it by his extension). */
export interface CoachSession {
  /** Also the rtpengine call-id of the coaching media (`coach-<id>`), apart from the call's own. */
  coachId: string;
  /** The call being coached (its SIP Call-ID). */
  callId: string;
  /** The manager on the call: his browser phone receives the supervisor's stream. */
  extension: string;
  mode: CoachMode;
  /** The supervisor's login, shown on the manager's phone. */
  supervisor: string;
  /** rtpengine's offer of the supervisor's stream to the manager's browser (`subscribe request`). */
  offerSdp: string;
  /** The subscription's tag at rtpengine, for the manager's answer. */
  managerTag: string;
  startedAt: string;
}

/** Coaching sessions shared by every service instance (Redis; in memory for one). */
export interface CoachSessionStore {
  put(session: CoachSession, ttlSeconds: number): Promise<void>;
  get(coachId: string): Promise<CoachSession | null>;
  /** The sessions whose stream goes to this manager, oldest first. */
  forExtension(extension: string): Promise<CoachSession[]>;
  remove(coachId: string): Promise<void>;
}
