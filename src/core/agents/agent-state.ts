/**
 * A manager's live state. Pure: the Redis adapter stores it (one hash per manager)
 * and applies each transition atomically in a Lua script that follows these
 * functions; tests hold the two to the same results. Wrap-up ends by time, not by
 * an event, so readers ask `statusAt(state, now)` rather than storing a status.
 */
export type AgentStatus = 'offline' | 'available' | 'ringing' | 'on-call' | 'wrap-up' | 'paused';

export interface AgentState {
  /** The phone is registered (read from the registration, not stored here). */
  registered: boolean;
  /** The call this manager is reserved for while his phone rings; one at a time. */
  ringingFor: string | null;
  /** Answered calls in progress (more than one only with call waiting: max_concurrent > 1). */
  calls: string[];
  wrapUpUntil: number | null;
  /** Set while paused, by the manager, a supervisor, or automatically ('no-answer', 'dnd-on-phone'). */
  pauseReason: string | null;
  consecutiveMisses: number;
  /** Offers in a row his phone refused (486/600/603) while he was believed free: do-not-disturb on the phone. */
  consecutiveDeclines: number;
  /** When that run of refusals began, epoch ms; null when there is none. */
  declinesSince: number | null;
  /** Last change of activity, epoch ms (the board shows "for how long"). */
  since: number;
  /** When the manager last became free (end of his last wrap-up); null if never on a call. */
  freeSince: number | null;
  /** Local date (YYYY-MM-DD) the two counters below belong to. */
  day: string | null;
  callsToday: number;
  talkSecondsToday: number;
}

/** A step's limits on whom it may offer a call to. */
export interface OfferRules {
  maxConcurrentCalls: number;
  /** Do not ring a manager already on a call (then maxConcurrentCalls never matters). */
  skipBusy: boolean;
}

/**
 * How an offer ended without an answer: `missed` rang out (his silence), `declined`
 * his phone refused it (486, 600, 603: busy or do-not-disturb set on the phone),
 * `rejected` any other failure, `cancelled` nobody's doing (the caller hung up,
 * another phone answered).
 */
export type OfferOutcome = 'missed' | 'declined' | 'rejected' | 'cancelled';

export const AUTO_PAUSE_REASON = 'no-answer';
/** A phone that refuses every offer while Leadline believes its manager free. */
export const DND_PAUSE_REASON = 'dnd-on-phone';

/** When a manager is paused automatically (routing config). */
export interface AutoPausePolicy {
  /** Missed offers in a row. */
  afterMisses: number;
  /** Refusals in a row from a phone believed free ... */
  dndAfterDeclines: number;
  /** ... all within this long of the first. */
  dndWindowMs: number;
}

/** For offers that never count against anyone (outbound, stale holds). */
export const NEVER_AUTO_PAUSE: AutoPausePolicy = { afterMisses: Number.MAX_SAFE_INTEGER, dndAfterDeclines: Number.MAX_SAFE_INTEGER, dndWindowMs: 0 };

export function newAgentState(now: number): AgentState {
  return {
    registered: false,
    ringingFor: null,
    calls: [],
    wrapUpUntil: null,
    pauseReason: null,
    consecutiveMisses: 0,
    consecutiveDeclines: 0,
    declinesSince: null,
    since: now,
    freeSince: null,
    day: null,
    callsToday: 0,
    talkSecondsToday: 0,
  };
}

export function statusAt(state: AgentState, now: number): AgentStatus {
  if (state.ringingFor !== null) return 'ringing';
  if (state.calls.length > 0) return 'on-call';
  if (!state.registered) return 'offline';
  if (state.wrapUpUntil !== null && now < state.wrapUpUntil) return 'wrap-up';
  return state.pauseReason !== null ? 'paused' : 'available';
}

/** May this manager be offered a call right now under these rules? */
export function canOffer(state: AgentState, now: number, rules: OfferRules): boolean {
  if (!state.registered || state.ringingFor !== null || state.pauseReason !== null) return false;
  if (state.wrapUpUntil !== null && now < state.wrapUpUntil) return false;
  if (state.calls.length === 0) return true;
  return !rules.skipBusy && state.calls.length < rules.maxConcurrentCalls;
}

/** Today's counters as of `day`: a new local day starts them from zero. */
export function countersFor(state: AgentState, day: string): { callsToday: number; talkSecondsToday: number } {
  return state.day === day ? { callsToday: state.callsToday, talkSecondsToday: state.talkSecondsToday } : { callsToday: 0, talkSecondsToday: 0 };
}

export type AgentEvent =
  | { type: 'reserved'; callId: string; rules: OfferRules }
  | { type: 'answered'; callId: string }
  | { type: 'offer-failed'; callId: string; outcome: OfferOutcome; policy: AutoPausePolicy }
  | { type: 'placed-call'; callId: string }
  | { type: 'call-ended'; callId: string; wrapUpMs: number; talkSeconds: number; day: string }
  | { type: 'paused'; reason: string }
  | { type: 'unpaused' }
  /** His phone registered anew (not a refresh): a phone switched off and on again, or re-configured. */
  | { type: 'registered-afresh' };

export interface Transition {
  state: AgentState;
  /** False when the event did not apply (not reserved for that call, not free, ...). */
  applied: boolean;
  /** Set when this transition paused the manager automatically (raise manager.auto_paused; the reason is in the state). */
  autoPaused: boolean;
}

/** The reference every store implementation follows. */
export function applyAgentEvent(state: AgentState, event: AgentEvent, now: number): Transition {
  const unchanged: Transition = { state, applied: false, autoPaused: false };
  const next = (patch: Partial<AgentState>): Transition => ({ state: { ...state, ...patch, since: now }, applied: true, autoPaused: false });
  switch (event.type) {
    case 'reserved':
      return canOffer(state, now, event.rules) ? next({ ringingFor: event.callId }) : unchanged;
    case 'answered':
      if (state.ringingFor !== event.callId) return unchanged;
      return next({ ringingFor: null, calls: [...state.calls, event.callId], consecutiveMisses: 0, wrapUpUntil: null, ...backFromDnd(state) });
    case 'offer-failed': {
      if (state.ringingFor !== event.callId) return unchanged;
      const misses = event.outcome === 'missed' ? state.consecutiveMisses + 1 : state.consecutiveMisses;
      const declines = declineRun(state, event.outcome, event.policy, now);
      const reason =
        state.pauseReason !== null ? null
        : event.outcome === 'missed' && misses >= event.policy.afterMisses ? AUTO_PAUSE_REASON
        : declines.consecutiveDeclines >= event.policy.dndAfterDeclines ? DND_PAUSE_REASON
        : null;
      const result = next({ ringingFor: null, consecutiveMisses: misses, ...declines, ...(reason ? { pauseReason: reason } : {}) });
      return { ...result, autoPaused: reason !== null };
    }
    case 'placed-call':
      return state.calls.includes(event.callId) ? unchanged : next({ calls: [...state.calls, event.callId], wrapUpUntil: null, ...backFromDnd(state) });
    case 'call-ended': {
      if (!state.calls.includes(event.callId)) return unchanged;
      const counters = countersFor(state, event.day);
      const calls = state.calls.filter((c) => c !== event.callId);
      const wrapUpUntil = now + event.wrapUpMs;
      return next({
        calls,
        wrapUpUntil,
        freeSince: calls.length === 0 ? wrapUpUntil : state.freeSince,
        day: event.day,
        callsToday: counters.callsToday + 1,
        talkSecondsToday: counters.talkSecondsToday + event.talkSeconds,
      });
    }
    case 'paused':
      return next({ pauseReason: event.reason });
    case 'unpaused':
      return next({ pauseReason: null, consecutiveMisses: 0, consecutiveDeclines: 0, declinesSince: null });
    case 'registered-afresh':
      return state.pauseReason === DND_PAUSE_REASON || state.consecutiveDeclines > 0 ? next(backFromDnd(state)) : unchanged;
  }
}

/**
 * The run of refusals after this offer. Only a refusal from a phone believed free
 * counts (on a call, with call waiting, busy is the truth); a refusal long after the
 * run began starts a new run; an offer that rang out or failed otherwise ends it; a
 * cancel is nobody's doing and leaves it as it is.
 */
function declineRun(state: AgentState, outcome: OfferOutcome, policy: AutoPausePolicy, now: number): Pick<AgentState, 'consecutiveDeclines' | 'declinesSince'> {
  if (outcome === 'cancelled') return { consecutiveDeclines: state.consecutiveDeclines, declinesSince: state.declinesSince };
  if (outcome !== 'declined' || state.calls.length > 0) return { consecutiveDeclines: 0, declinesSince: null };
  if (state.declinesSince === null || now - state.declinesSince > policy.dndWindowMs) return { consecutiveDeclines: 1, declinesSince: now };
  return { consecutiveDeclines: state.consecutiveDeclines + 1, declinesSince: state.declinesSince };
}

/** His phone takes calls again: a do-not-disturb pause ends by itself (any other pause stays). */
function backFromDnd(state: AgentState): Partial<AgentState> {
  return { consecutiveDeclines: 0, declinesSince: null, ...(state.pauseReason === DND_PAUSE_REASON ? { pauseReason: null } : {}) };
}
