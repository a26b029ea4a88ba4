import type { AttemptResult, CallRecord, Direction, Disposition } from './call-record.js';

/**
 * A call in progress, as the service knows it between Kamailio's events.
 * Plain JSON (times in epoch ms) so it can live in Redis between events.
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
  /** Index of the attempt ringing now. */
  current: number;
  canceled: boolean;
  attempts: LiveAttempt[];
  /** Set when the service refused the call before any branch rang. */
  rejected: { code: number; reason: string } | null;
}

export interface LiveAttempt {
  manager: string | null;
  target: string;
  startedAt: number | null;
  endedAt: number | null;
  result: AttemptResult | null;
  sipCode: number | null;
}

export type NewLiveCall = Omit<LiveCall, 'answeredAt' | 'current' | 'canceled' | 'attempts' | 'rejected'> & {
  targets: { manager: string | null; target: string }[];
};

export function startLiveCall(call: NewLiveCall): LiveCall {
  const { targets, ...rest } = call;
  return {
    ...rest,
    answeredAt: null,
    current: 0,
    canceled: false,
    rejected: null,
    attempts: targets.map((t, i) => ({ ...t, startedAt: i === 0 ? call.startedAt : null, endedAt: null, result: null, sipCode: null })),
  };
}

export function rejectedLiveCall(call: Omit<NewLiveCall, 'targets'>, code: number, reason: string): LiveCall {
  return { ...startLiveCall({ ...call, targets: [] }), rejected: { code, reason } };
}

/** Maps a branch's final SIP status to how the ring attempt ended. */
export function attemptResultOf(code: number, canceled: boolean): AttemptResult {
  if (canceled || code === 487) return 'cancelled';
  if (code === 486 || code === 600) return 'busy';
  if (code === 603) return 'rejected';
  if (code === 408 || code === 480) return 'no-answer';
  return 'unreachable';
}

export interface BranchOutcome {
  call: LiveCall;
  /** The manager whose phone stopped ringing. */
  released: string | null;
  /** The manager whose phone rings next, if any. */
  ringing: string | null;
  /** True when no branch is left: the call is over. */
  finished: boolean;
}

export function applyBranchFailure(call: LiveCall, code: number, canceled: boolean, at: number): BranchOutcome {
  const attempts = call.attempts.map((a) => ({ ...a }));
  const failed = attempts[call.current];
  if (failed) {
    failed.endedAt = at;
    failed.sipCode = code;
    failed.result = attemptResultOf(code, canceled);
  }
  const next = canceled ? undefined : attempts[call.current + 1];
  if (next) next.startedAt = at;
  return {
    call: { ...call, attempts, canceled: call.canceled || canceled, current: next ? call.current + 1 : call.current },
    released: failed?.manager ?? null,
    ringing: next?.manager ?? null,
    finished: next === undefined,
  };
}

export function applyAnswer(call: LiveCall, at: number): LiveCall {
  const attempts = call.attempts.map((a, i) => (i === call.current ? { ...a, endedAt: at, result: 'answered' as const, sipCode: 200 } : a));
  return { ...call, attempts, answeredAt: at };
}

/** Everyone whose state this call holds: the manager who placed it and the one ringing or talking. */
export function managersHeldBy(call: LiveCall): string[] {
  const ringingOrTalking = call.attempts[call.current]?.manager ?? null;
  return [call.placedBy, ringingOrTalking].filter((m): m is string => m !== null);
}

export function finishCall(call: LiveCall, at: number): CallRecord {
  const answered = call.attempts.find((a) => a.result === 'answered');
  const disposition = dispositionOf(call);
  const endedAt = Math.max(at, call.startedAt);
  const ringEnd = call.answeredAt ?? endedAt;
  const last = [...call.attempts].reverse().find((a) => a.sipCode !== null);
  return {
    callId: call.callId,
    direction: call.direction,
    callerNumber: call.callerNumber,
    calleeNumber: call.calleeNumber,
    companyNumber: call.companyNumber,
    manager: answered?.manager ?? call.placedBy,
    startedAt: new Date(call.startedAt),
    answeredAt: call.answeredAt === null ? null : new Date(call.answeredAt),
    endedAt: new Date(endedAt),
    ringSeconds: seconds(ringEnd - call.startedAt),
    talkSeconds: call.answeredAt === null ? 0 : seconds(endedAt - call.answeredAt),
    disposition,
    sipCode: disposition === 'answered' ? null : call.rejected?.code ?? (call.canceled ? 487 : last?.sipCode ?? null),
    reason: disposition === 'answered' ? null : reasonOf(call, disposition),
    attempts: call.attempts
      .filter((a) => a.startedAt !== null)
      .map((a) => ({
        manager: a.manager,
        target: a.target,
        startedAt: new Date(a.startedAt!),
        endedAt: a.endedAt === null ? new Date(endedAt) : new Date(a.endedAt),
        result: a.result ?? (call.canceled ? 'cancelled' : 'unreachable'),
        sipCode: a.sipCode,
      })),
  };
}

function dispositionOf(call: LiveCall): Disposition {
  if (call.answeredAt !== null) return 'answered';
  if (call.canceled) return 'cancelled';
  if (call.rejected) return 'failed';
  const results = call.attempts.map((a) => a.result).filter((r) => r !== null);
  if (results.length > 0 && results.every((r) => r === 'busy' || r === 'rejected')) return 'busy';
  if (results.some((r) => r === 'no-answer')) return 'no-answer';
  return 'failed';
}

function reasonOf(call: LiveCall, disposition: Disposition): string {
  if (call.rejected) return call.rejected.reason;
  const tried = call.attempts.filter((a) => a.startedAt !== null).length;
  const who = call.direction === 'inbound' ? `${tried} manager${tried === 1 ? '' : 's'}` : 'the callee';
  switch (disposition) {
    case 'cancelled':
      return 'the caller hung up while ringing';
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
