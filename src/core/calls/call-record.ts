/** What one finished call looks like once every event about it has arrived. Pure data. */

export type Direction = 'inbound' | 'outbound' | 'internal';

/** Why the call ended, from the caller's point of view. */
export const DISPOSITIONS = ['answered', 'busy', 'no-answer', 'missed', 'failed', 'cancelled'] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

/** How one ring attempt (one serial-fork branch) ended. */
export type AttemptResult = 'answered' | 'busy' | 'no-answer' | 'rejected' | 'unreachable' | 'cancelled';

export interface RingAttempt {
  /** Manager extension, or null when the branch went to the trunk. */
  manager: string | null;
  /** The SIP URI that was rung. */
  target: string;
  startedAt: Date;
  endedAt: Date | null;
  result: AttemptResult;
  /** Final SIP status of the branch (486, 408, 200 ...), null if unknown. */
  sipCode: number | null;
}

export interface CallRecord {
  callId: string;
  direction: Direction;
  callerNumber: string;
  calleeNumber: string;
  /** The company line the call came in on (inbound) or went out with (outbound). */
  companyNumber: string | null;
  /** The manager who talked, or for unanswered calls the one who placed it (outbound). */
  manager: string | null;
  startedAt: Date;
  answeredAt: Date | null;
  endedAt: Date;
  ringSeconds: number;
  talkSeconds: number;
  disposition: Disposition;
  /** Final SIP status sent to the caller when the call was not answered. */
  sipCode: number | null;
  /** Human-readable reason for an unanswered call ("all managers busy", ...). */
  reason: string | null;
  attempts: RingAttempt[];
  /**
   * The call ended while the service was away: its end (and maybe its answer) time
   * is the best estimate there was, not an event's. Absent when measured.
   */
  timesApproximate?: boolean;
  /** The trunk that carried the call (the last one tried when none answered); absent for internal calls. */
  trunk?: string;
  /** The caller's answer to the scenario's DTMF menu; absent when no menu played. */
  menuChoice?: MenuChoice;
}

/** `digit` null: the caller pressed nothing the menu offers and the default was taken. `step` counts from 1. */
export interface MenuChoice {
  digit: string | null;
  step: number;
}

/**
 * Who and what a call is about, as every call event carries it; `manager` is the one
 * ringing, talking, or who placed the call.
 */
export type CallParties = Pick<CallRecord, 'callId' | 'direction' | 'callerNumber' | 'calleeNumber' | 'companyNumber' | 'manager'>;

/** The record as JSON (API responses, events): dates as ISO 8601 strings. */
export type RingAttemptJson = Omit<RingAttempt, 'startedAt' | 'endedAt'> & { startedAt: string; endedAt: string | null };
export type CallRecordJson = Omit<CallRecord, 'startedAt' | 'answeredAt' | 'endedAt' | 'attempts'> & {
  startedAt: string;
  answeredAt: string | null;
  endedAt: string;
  attempts: RingAttemptJson[];
};

export function toCallRecordJson(r: CallRecord): CallRecordJson {
  return {
    ...r,
    startedAt: r.startedAt.toISOString(),
    answeredAt: r.answeredAt?.toISOString() ?? null,
    endedAt: r.endedAt.toISOString(),
    attempts: r.attempts.map((a) => ({
      ...a,
      startedAt: a.startedAt.toISOString(),
      endedAt: a.endedAt?.toISOString() ?? null,
    })),
  };
}
