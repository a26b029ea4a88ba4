/**
 * A manager's live state. Pure: an adapter stores it (one Redis hash per manager)
 * and applies transitions atomically. Wrap-up ends by time, not by an event, so
 * readers ask `statusAt(state, now)` rather than trusting the stored status.
 */
export type AgentStatus = 'offline' | 'available' | 'ringing' | 'on-call' | 'wrap-up' | 'paused';

export interface AgentState {
  /** The phone is registered; without it the manager is offline whatever else holds. */
  registered: boolean;
  /** What the manager is doing while registered (wrap-up may have ended since: see statusAt). */
  activity: 'idle' | 'ringing' | 'on-call' | 'wrap-up';
  callId: string | null;
  wrapUpUntil: number | null;
  /** Set while paused, by the manager, a supervisor, or automatically ('no-answer'). */
  pauseReason: string | null;
  consecutiveMisses: number;
  since: number;
}

export type AgentEvent =
  | { type: 'registered' }
  | { type: 'unregistered' }
  | { type: 'offered'; callId: string }
  | { type: 'answered'; callId: string }
  | { type: 'offer-failed'; callId: string; outcome: 'missed' | 'rejected' }
  | { type: 'call-ended'; callId: string; wrapUpMs: number }
  | { type: 'paused'; reason: string }
  | { type: 'unpaused' };

export interface AgentRules {
  /** Unanswered offers in a row after which the manager is paused with reason 'no-answer'. */
  autoPauseAfterMisses: number;
}

export interface Transition {
  state: AgentState;
  /** Set when this transition paused the manager automatically (raise manager.auto_paused). */
  autoPaused: boolean;
}

export const AUTO_PAUSE_REASON = 'no-answer';

export function newAgentState(now: number): AgentState {
  return { registered: false, activity: 'idle', callId: null, wrapUpUntil: null, pauseReason: null, consecutiveMisses: 0, since: now };
}

export function statusAt(state: AgentState, now: number): AgentStatus {
  if (!state.registered) return 'offline';
  if (state.activity === 'ringing' || state.activity === 'on-call') return state.activity;
  if (state.activity === 'wrap-up' && state.wrapUpUntil !== null && now < state.wrapUpUntil) return 'wrap-up';
  return state.pauseReason !== null ? 'paused' : 'available';
}

/** Free to be offered a call right now. */
export function isAvailable(state: AgentState, now: number): boolean {
  return statusAt(state, now) === 'available';
}

export function applyAgentEvent(state: AgentState, event: AgentEvent, now: number, rules: AgentRules): Transition {
  const unchanged = { state, autoPaused: false };
  const next = (patch: Partial<AgentState>): Transition => ({ state: { ...state, ...patch, since: now }, autoPaused: false });
  const ownsCall = 'callId' in event && state.callId === event.callId;
  switch (event.type) {
    case 'registered':
      return state.registered ? unchanged : next({ registered: true });
    case 'unregistered':
      // A call in progress keeps its media; the manager shows offline once it ends.
      return next({ registered: false });
    case 'offered':
      return isAvailable(state, now) ? next({ activity: 'ringing', callId: event.callId, wrapUpUntil: null }) : unchanged;
    case 'answered':
      return ownsCall ? next({ activity: 'on-call', consecutiveMisses: 0 }) : unchanged;
    case 'offer-failed': {
      if (!ownsCall || state.activity !== 'ringing') return unchanged;
      const misses = event.outcome === 'missed' ? state.consecutiveMisses + 1 : state.consecutiveMisses;
      const autoPause = event.outcome === 'missed' && misses >= rules.autoPauseAfterMisses && state.pauseReason === null;
      const result = next({ activity: 'idle', callId: null, consecutiveMisses: misses, ...(autoPause ? { pauseReason: AUTO_PAUSE_REASON } : {}) });
      return { ...result, autoPaused: autoPause };
    }
    case 'call-ended':
      return ownsCall ? next({ activity: 'wrap-up', callId: null, wrapUpUntil: now + event.wrapUpMs }) : unchanged;
    case 'paused':
      return next({ pauseReason: event.reason });
    case 'unpaused':
      return next({ pauseReason: null, consecutiveMisses: 0 });
  }
}
