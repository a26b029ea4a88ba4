import type { AgentStateStore, AnswerScoreStore } from '../../core/agents/agent-ports.js';
import {
  applyAgentEvent,
  DND_PAUSE_REASON,
  newAgentState,
  type AgentEvent,
  type AgentState,
  type AutoPausePolicy,
  type OfferOutcome,
  type OfferRules,
  type Transition,
} from '../../core/agents/agent-state.js';
import type { AnswerScore } from '../../core/routing/answer-score.js';
import { pickInTurn } from '../../core/routing/rotation.js';

/**
 * The in-memory twin of RedisAgentStateStore: the reference model itself
 * (applyAgentEvent) over a Map, for unit tests of the services and as the model
 * the Redis store is checked against. `isRegistered` plays the registration key:
 * e.g. `(e) => registrations.entries.has(e)` with a MemoryRegistrationStore.
 */
export class MemoryAgentStateStore implements AgentStateStore {
  /** Stored without `registered`, which is always asked of `isRegistered`. */
  private readonly states = new Map<string, AgentState>();
  private readonly turns = new Map<string, number>();

  constructor(private readonly isRegistered: (extension: string) => boolean) {}

  async read(extensions: readonly string[], now: number): Promise<Map<string, AgentState>> {
    return new Map(extensions.map((e) => [e, this.current(e, now)]));
  }

  async reserve(callId: string, candidates: readonly string[], count: number, rules: OfferRules, now: number): Promise<string[]> {
    const reserved: string[] = [];
    for (const extension of candidates) {
      if (reserved.length >= count) break;
      if (this.apply(extension, { type: 'reserved', callId, rules }, now).applied) reserved.push(extension);
    }
    return reserved;
  }

  async reserveInTurn(line: string, callId: string, members: readonly string[], offerable: ReadonlySet<string>, rules: OfferRules, now: number): Promise<string | null> {
    const pick = pickInTurn(members.length, this.turns.get(line) ?? 0, (i) => offerable.has(members[i]!) && this.apply(members[i]!, { type: 'reserved', callId, rules }, now).applied);
    if (pick.offered === null) return null;
    this.turns.set(line, pick.turn);
    return members[pick.offered]!;
  }

  async answered(extension: string, callId: string, now: number): Promise<boolean> {
    return this.apply(extension, { type: 'answered', callId }, now).applied;
  }

  async offerFailed(extension: string, callId: string, outcome: OfferOutcome, now: number, policy: AutoPausePolicy): Promise<{ released: boolean; autoPaused: boolean }> {
    const t = this.apply(extension, { type: 'offer-failed', callId, outcome, policy }, now);
    return { released: t.applied, autoPaused: t.autoPaused };
  }

  async placedCall(extension: string, callId: string, now: number): Promise<void> {
    this.apply(extension, { type: 'placed-call', callId }, now);
  }

  async callEnded(extension: string, callId: string, now: number, wrapUpMs: number, talkSeconds: number, day: string): Promise<boolean> {
    return this.apply(extension, { type: 'call-ended', callId, wrapUpMs, talkSeconds, day }, now).applied;
  }

  async pause(extension: string, reason: string, now: number): Promise<void> {
    this.apply(extension, { type: 'paused', reason }, now);
  }

  async unpause(extension: string, now: number): Promise<void> {
    this.apply(extension, { type: 'unpaused' }, now);
  }

  async registeredAfresh(extension: string, now: number): Promise<boolean> {
    const before = this.current(extension, now).pauseReason;
    return this.apply(extension, { type: 'registered-afresh' }, now).applied && before === DND_PAUSE_REASON;
  }

  private current(extension: string, now: number): AgentState {
    return { ...(this.states.get(extension) ?? newAgentState(now)), registered: this.isRegistered(extension) };
  }

  /** Like the Lua scripts, stores nothing when the event does not apply. */
  private apply(extension: string, event: AgentEvent, now: number): Transition {
    const transition = applyAgentEvent(this.current(extension, now), event, now);
    if (transition.applied) this.states.set(extension, transition.state);
    return transition;
  }
}

export class MemoryAnswerScoreStore implements AnswerScoreStore {
  readonly entries = new Map<string, AnswerScore>();

  async read(extensions: readonly string[]): Promise<Map<string, AnswerScore>> {
    return new Map(extensions.filter((e) => this.entries.has(e)).map((e) => [e, this.entries.get(e)!]));
  }

  async write(extension: string, score: AnswerScore): Promise<void> {
    this.entries.set(extension, { ...score });
  }
}
