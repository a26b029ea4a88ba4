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
  /** Set while paused, by the manager, a supervisor, or automatically ('no-answer'). */
  pauseReason: string | null;
  consecutiveMisses: number;
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

export type OfferOutcome = 'missed' | 'rejected' | 'cancelled';

export const AUTO_PAUSE_REASON = 'no-answer';

export function newAgentState(now: number): AgentState {
  return {
    registered: false,
    ringingFor: null,
    calls: [],
    wrapUpUntil: null,
    pauseReason: null,
    consecutiveMisses: 0,
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
  | { type: 'offer-failed'; callId: string; outcome: OfferOutcome; autoPauseAfterMisses: number }
  | { type: 'placed-call'; callId: string }
  | { type: 'call-ended'; callId: string; wrapUpMs: number; talkSeconds: number; day: string }
  | { type: 'paused'; reason: string }
  | { type: 'unpaused' };

export interface Transition {
  state: AgentState;
  /** False when the event did not apply (not reserved for that call, not free, ...). */
  applied: boolean;
  /** Set when this transition paused the manager automatically (raise manager.auto_paused). */
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
      return next({ ringingFor: null, calls: [...state.calls, event.callId], consecutiveMisses: 0, wrapUpUntil: null });
    case 'offer-failed': {
      if (state.ringingFor !== event.callId) return unchanged;
      const misses = event.outcome === 'missed' ? state.consecutiveMisses + 1 : state.consecutiveMisses;
      const autoPause = event.outcome === 'missed' && misses >= event.autoPauseAfterMisses && state.pauseReason === null;
      const result = next({ ringingFor: null, consecutiveMisses: misses, ...(autoPause ? { pauseReason: AUTO_PAUSE_REASON } : {}) });
      return { ...result, autoPaused: autoPause };
    }
    case 'placed-call':
      return state.calls.includes(event.callId) ? unchanged : next({ calls: [...state.calls, event.callId], wrapUpUntil: null });
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
      return next({ pauseReason: null, consecutiveMisses: 0 });
  }
}
