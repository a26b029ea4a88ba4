import type { CallProgress } from '../routing/call-progress.js';
import type { AttemptResult, CallParties, CallRecord, Direction, Disposition, MenuChoice } from './call-record.js';

/**
 * A call in progress, as the service knows it between Kamailio's events.
 * Plain JSON (times in epoch ms) so it can live in Redis between events.
 * Ring attempts are appended as the router offers the call: one at a time for
 * serial strategies, several at once for ring-all.
 */
export interface LiveCall {
  callId: string;
  direction: Direction;
  callerNumber: string;
  calleeNumber: string;
  companyNumber: string | null;
  /** The manager who placed an outbound or internal call. */
  placedBy: string | null;
  startedAt: number;
  answeredAt: number | null;
  canceled: boolean;
  attempts: LiveAttempt[];
  /** Set when the service refused the call before any branch rang. */
  rejected: { code: number; reason: string } | null;
  /** Set when an inbound call ran through every step of its scenario unanswered (the caller got `code`). */
  missed: { code: number; reason: string } | null;
  /** Kamailio's transaction, so a call waiting in line can be resumed later. */
  transaction: { tindex: number; tlabel: number } | null;
  /** Where an inbound call is in its scenario; null for other calls. */
  progress: CallProgress | null;
  /**
   * Where its INVITE came from (ip:port). A CANCEL is sent hop by hop along the INVITE's
   * path, so a real one comes from there too; one from elsewhere is someone else's.
   */
  invitedFrom?: string | null;
  /**
   * The caller's media leg when rtpengine plays him announcements before anyone
   * answers (183 with rtpengine's SDP): a refusal must close the session.
   */
  media?: { callId: string; fromTag: string } | null;
  /** Answer or end time estimated at reconciliation (the service was away when it happened). */
  timesApproximate?: boolean;
  /** The trunk the call came in on, or is going out through now (after any failover). */
  trunk?: string | null;
  /** The caller's DTMF menu choice (step counted from 1). */
  menuChoice?: MenuChoice | null;
}

export interface LiveAttempt {
  manager: string | null;
  target: string;
  /** The address the branch is sent to (the phone's registration source), to tell who answered. */
  nextHop: string | null;
  startedAt: number;
  endedAt: number | null;
  result: AttemptResult | null;
  sipCode: number | null;
}

export type NewLiveCall = Pick<LiveCall, 'callId' | 'direction' | 'callerNumber' | 'calleeNumber' | 'companyNumber' | 'placedBy' | 'startedAt'> &
  Partial<Pick<LiveCall, 'transaction' | 'progress' | 'invitedFrom' | 'trunk'>>;

export interface NewAttempt {
  manager: string | null;
  target: string;
  nextHop?: string;
}

export function startLiveCall(call: NewLiveCall): LiveCall {
  return {
    transaction: null,
    progress: null,
    ...call,
    answeredAt: null,
    canceled: false,
    rejected: null,
    missed: null,
    attempts: [],
  };
}

export function rejectedLiveCall(call: NewLiveCall, code: number, reason: string): LiveCall {
  return { ...startLiveCall(call), rejected: { code, reason } };
}

export function missedLiveCall(call: LiveCall, reason: string, code = 480): LiveCall {
  return { ...call, missed: { code, reason } };
}

/** Maps a branch's final SIP status to how the ring attempt ended. */
export function attemptResultOf(code: number, canceled: boolean): AttemptResult {
  if (canceled || code === 487) return 'cancelled';
  if (code === 486 || code === 600) return 'busy';
  if (code === 603) return 'rejected';
  if (code === 408 || code === 480) return 'no-answer';
  return 'unreachable';
}

export function addAttempts(call: LiveCall, targets: readonly NewAttempt[], at: number): LiveCall {
  const added = targets.map((t) => ({ manager: t.manager, target: t.target, nextHop: t.nextHop ?? null, startedAt: at, endedAt: null, result: null, sipCode: null }));
  return { ...call, attempts: [...call.attempts, ...added] };
}

/**
 * Kamailio moved an outbound call on to the next trunk of its list: the ringing attempt
 * ended with `code` (0: the trunk was skipped at its concurrent-call limit, never tried),
 * and the next trunk's attempt starts. `next` null: no trunk was left.
 */
export function failOverTrunk(call: LiveCall, code: number, next: { trunk: string; uri: string } | null, at: number): LiveCall {
  const attempts = call.attempts.map((a) =>
    a.endedAt !== null ? a : { ...a, endedAt: at, sipCode: code === 0 ? null : code, result: code === 0 ? ('busy' as const) : attemptResultOf(code, false) },
  );
  const ended = { ...call, attempts };
  return next ? { ...addAttempts(ended, [{ manager: null, target: next.uri }], at), trunk: next.trunk } : ended;
}

/** Attempts still ringing. */
export function ringingAttempts(call: LiveCall): LiveAttempt[] {
  return call.attempts.filter((a) => a.endedAt === null);
}

/** Every ringing branch ended with this final code (Kamailio reports the best of a parallel fork). */
export function endRinging(call: LiveCall, code: number, canceled: boolean, at: number): { call: LiveCall; ended: LiveAttempt[] } {
  const ended: LiveAttempt[] = [];
  const attempts = call.attempts.map((a) => {
    if (a.endedAt !== null) return a;
    const done = { ...a, endedAt: at, sipCode: code, result: attemptResultOf(code, canceled) };
    ended.push(done);
    return done;
  });
  return { call: { ...call, attempts, canceled: call.canceled || canceled }, ended };
}

/**
 * The call was picked up. With several branches ringing, the one whose next hop
 * sent the answer wins and the others were cancelled by Kamailio.
 */
export function applyAnswer(call: LiveCall, at: number, answeredFrom?: string): { call: LiveCall; answeredBy: LiveAttempt | null } {
  const ringing = ringingAttempts(call);
  const winner = ringing.length === 1 ? ringing[0] : ringing.find((a) => a.nextHop !== null && a.nextHop === answeredFrom) ?? ringing[0];
  const attempts = call.attempts.map((a) => {
    if (a.endedAt !== null) return a;
    return a === winner ? { ...a, endedAt: at, result: 'answered' as const, sipCode: 200 } : { ...a, endedAt: at, result: 'cancelled' as const, sipCode: 487 };
  });
  const answeredBy = winner ? attempts[call.attempts.indexOf(winner)]! : null;
  return { call: { ...call, attempts, answeredAt: at }, answeredBy };
}

/** The manager who talked in this call, if it was answered by one. */
export function answeringManager(call: LiveCall): string | null {
  return call.attempts.find((a) => a.result === 'answered')?.manager ?? null;
}

/** The parties of a live call for its events: the manager talking, else ringing, else who placed it. */
export function callParties(call: LiveCall): CallParties {
  return partiesWith(call, answeringManager(call) ?? ringingAttempts(call)[0]?.manager ?? call.placedBy);
}

function partiesWith(call: LiveCall, manager: string | null): CallParties {
  return {
    callId: call.callId,
    direction: call.direction,
    callerNumber: call.callerNumber,
    calleeNumber: call.calleeNumber,
    companyNumber: call.companyNumber,
    manager,
  };
}

export function finishCall(call: LiveCall, at: number): CallRecord {
  const disposition = dispositionOf(call);
  const endedAt = Math.max(at, call.startedAt);
  const ringEnd = call.answeredAt ?? endedAt;
  const last = [...call.attempts].reverse().find((a) => a.sipCode !== null);
  return {
    // The record names who talked (or placed the call), never a phone that only rang.
    ...partiesWith(call, answeringManager(call) ?? call.placedBy),
    startedAt: new Date(call.startedAt),
    answeredAt: call.answeredAt === null ? null : new Date(call.answeredAt),
    endedAt: new Date(endedAt),
    ringSeconds: seconds(ringEnd - call.startedAt),
    talkSeconds: call.answeredAt === null ? 0 : seconds(endedAt - call.answeredAt),
    disposition,
    sipCode: disposition === 'answered' ? null : call.rejected?.code ?? call.missed?.code ?? (call.canceled ? 487 : last?.sipCode ?? null),
    reason: disposition === 'answered' ? null : reasonOf(call, disposition),
    ...(call.timesApproximate ? { timesApproximate: true } : {}),
    ...(call.trunk ? { trunk: call.trunk } : {}),
    ...(call.menuChoice ? { menuChoice: call.menuChoice } : {}),
    attempts: call.attempts.map((a) => ({
      manager: a.manager,
      target: a.target,
      startedAt: new Date(a.startedAt),
      endedAt: new Date(a.endedAt ?? endedAt),
      result: a.result ?? (call.canceled ? 'cancelled' : 'unreachable'),
      sipCode: a.sipCode,
    })),
  };
}

function dispositionOf(call: LiveCall): Disposition {
  if (call.answeredAt !== null) return 'answered';
  if (call.canceled) return 'cancelled';
  if (call.missed) return 'missed';
  if (call.rejected) return 'failed';
  const results = call.attempts.map((a) => a.result).filter((r) => r !== null);
  if (results.length > 0 && results.every((r) => r === 'busy' || r === 'rejected')) return 'busy';
  if (results.some((r) => r === 'no-answer')) return 'no-answer';
  return 'failed';
}

function reasonOf(call: LiveCall, disposition: Disposition): string {
  if (call.missed) return call.missed.reason;
  if (call.rejected) return call.rejected.reason;
  const tried = new Set(call.attempts.map((a) => a.manager ?? a.target)).size;
  const who = call.direction === 'inbound' ? `${tried} manager${tried === 1 ? '' : 's'}` : 'the callee';
  switch (disposition) {
    case 'cancelled':
      return call.attempts.some((a) => a.result === 'cancelled' || a.endedAt === null) ? 'the caller hung up while ringing' : 'the caller hung up while waiting';
    case 'busy':
      return call.direction === 'inbound' ? `all ${who} busy` : 'the callee was busy';
    case 'no-answer':
      return `no answer from ${who}`;
    default:
      return `every route failed (${who} tried)`;
  }
}

function seconds(ms: number): number {
  return Math.max(0, Math.round(ms)) / 1000;
}
