/** What the routing needs to know about managers' phones and calls. No I/O here: adapters implement these. */
import type { AnswerScore } from '../routing/answer-score.js';
import type { AgentState, AutoPausePolicy, OfferOutcome, OfferRules } from './agent-state.js';

export interface Registration {
  /** The Contact the phone registered. */
  contact: string;
  /** Where the REGISTER came from (sip:ip:port): the address that reaches the phone through NAT. */
  source: string;
  /** The Call-ID of the phone's REGISTERs: kept across refreshes, new when the phone starts afresh (RFC 3261 10.2). */
  callId?: string;
  /** When the binding runs out (epoch ms), so it can be given back to a restarted Kamailio. */
  expiresAt?: number;
}

export interface RegistrationStore {
  setRegistered(extension: string, registration: Registration, expiresSeconds: number): Promise<void>;
  setUnregistered(extension: string): Promise<void>;
  /** The registered ones among these extensions. */
  registered(extensions: readonly string[]): Promise<Map<string, Registration>>;
}

/**
 * Managers' live state, shared by every service instance. Each method that changes
 * state is one atomic operation (one Lua script in Redis), so two instances never
 * reserve one manager for two calls. `registered` in the returned states comes from
 * the RegistrationStore's keys: a phone that stops registering goes offline by itself.
 */
export interface AgentStateStore {
  /** The state of each of these managers; one never seen comes back as newAgentState (offline). */
  read(extensions: readonly string[], now: number): Promise<Map<string, AgentState>>;
  /**
   * Walks `candidates` in order and reserves (ringing for `callId`) each one who
   * canOffer() right now, until `count` are reserved. Returns them in candidate order.
   */
  reserve(callId: string, candidates: readonly string[], count: number, rules: OfferRules, now: number): Promise<string[]>;
  /**
   * Round-robin (pickInTurn in rotation.ts): reserves the first of `members` (the
   * group's full list, in order) at or after the `line`'s turn who is in `offerable`
   * and canOffer() right now, and moves the turn to just after him, in one step.
   * Returns him, or null (turn unchanged).
   */
  reserveInTurn(line: string, callId: string, members: readonly string[], offerable: ReadonlySet<string>, rules: OfferRules, now: number): Promise<string | null>;
  /** The reserved manager picked up: ringing -> on a call. False when he was not reserved for this call. */
  answered(extension: string, callId: string, now: number): Promise<boolean>;
  /**
   * The offer ended without an answer: frees the reservation if this call holds it,
   * counts a miss or a refusal, and pauses the manager with reason 'no-answer' or
   * 'dnd-on-phone' as `policy` says (applyAgentEvent 'offer-failed').
   */
  offerFailed(extension: string, callId: string, outcome: OfferOutcome, now: number, policy: AutoPausePolicy): Promise<{ released: boolean; autoPaused: boolean }>;
  /** A manager places a call himself (outbound or internal): he is on that call from now. */
  placedCall(extension: string, callId: string, now: number): Promise<void>;
  /** A call he was on ended: wrap-up starts and today's counters grow (`day` is the local date, YYYY-MM-DD). */
  callEnded(extension: string, callId: string, now: number, wrapUpMs: number, talkSeconds: number, day: string): Promise<boolean>;
  pause(extension: string, reason: string, now: number): Promise<void>;
  /** Also clears the runs of misses and refusals, so an unpaused manager starts afresh. */
  unpause(extension: string, now: number): Promise<void>;
  /** His phone registered anew (not a refresh): ends a 'dnd-on-phone' pause. True when that brought him back. */
  registeredAfresh(extension: string, now: number): Promise<boolean>;
}

/** Answer scores of performance-weighted routing; kept apart from the state so status changes never reset them. */
export interface AnswerScoreStore {
  read(extensions: readonly string[]): Promise<Map<string, AnswerScore>>;
  write(extension: string, score: AnswerScore): Promise<void>;
}

/**
 * The round-robin turn of a line's callback tasks, shared by every service instance:
 * takes the first member at or after the turn whose `eligible` flag is set and moves
 * the turn past him (pickInTurn), or returns null and leaves the turn when nobody is.
 */
export interface CallbackTurns {
  take(line: string, eligible: readonly boolean[]): Promise<number | null>;
}
