import type { Logger } from 'pino';
import type { AgentStateStore } from '../../core/agents/agent-ports.js';
import { applyAgentEvent, newAgentState, type AgentEvent, type AgentState, type AutoPausePolicy, type OfferOutcome, type OfferRules } from '../../core/agents/agent-state.js';

/** How often the mirror is re-read from the shared store (other instances' changes, wrap-ups). */
const REFRESH_EVERY_MS = 1000;

/**
 * A mirror of every manager's state in memory, in front of the shared store.
 * Routing reads the mirror (no round trip, no 2 x N Redis commands per call);
 * every change still goes through the shared store's atomic scripts, which stay
 * the authority: a stale mirror can only make a reservation fail or wait, never
 * double-book a manager. Successful changes are applied to the mirror with the
 * same reference model the scripts follow, and the mirror is re-read every
 * second to pick up other instances' changes.
 */
export class CachedAgentStateStore implements AgentStateStore {
  private readonly memory = new Map<string, AgentState>();
  /** Bumped on every local change, so a refresh that started earlier does not overwrite it. */
  private readonly changedAt = new Map<string, number>();
  private sequence = 0;
  /** The re-read after missed reservations that has not been sent yet (see refreshAfterMiss). */
  private pendingRefresh: { extensions: Set<string>; done: Promise<void> } | null = null;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly shared: AgentStateStore,
    private readonly extensions: readonly string[],
    private readonly isRegistered: (extension: string) => boolean,
    private readonly log: Logger,
  ) {}

  /** Loads the mirror, then keeps it fresh until stop(). */
  async start(now: number): Promise<void> {
    await this.refresh(this.extensions, now);
    this.timer = setInterval(() => {
      this.refresh(this.extensions, Date.now()).catch((err: unknown) => this.log.warn({ err }, 'agent state mirror not refreshed'));
    }, REFRESH_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async read(extensions: readonly string[], now: number): Promise<Map<string, AgentState>> {
    const out = new Map<string, AgentState>();
    for (const e of extensions) {
      const state = this.memory.get(e) ?? newAgentState(now);
      const registered = this.isRegistered(e);
      // States are never changed in place (every change sets a new object), so the mirror's
      // own object is handed out when it is right: no copy of every manager per decision.
      out.set(e, state.registered === registered ? state : { ...state, registered });
    }
    return out;
  }

  async reserve(callId: string, candidates: readonly string[], count: number, rules: OfferRules, now: number): Promise<string[]> {
    const reserved = await this.shared.reserve(callId, candidates, count, rules, now);
    // The script checked each manager itself; mirror what it did, whatever the mirror believed.
    for (const e of reserved) this.set(e, { ...this.stateOf(e, now), ringingFor: callId, since: now });
    if (reserved.length < count) await this.refreshAfterMiss(candidates, now);
    return reserved;
  }

  async reserveInTurn(line: string, callId: string, members: readonly string[], offerable: ReadonlySet<string>, rules: OfferRules, now: number): Promise<string | null> {
    const reserved = await this.shared.reserveInTurn(line, callId, members, offerable, rules, now);
    if (reserved) this.set(reserved, { ...this.stateOf(reserved, now), ringingFor: callId, since: now });
    else await this.refreshAfterMiss(members, now);
    return reserved;
  }

  async answered(extension: string, callId: string, now: number): Promise<boolean> {
    return this.applied(extension, await this.shared.answered(extension, callId, now), { type: 'answered', callId }, now);
  }

  async offerFailed(extension: string, callId: string, outcome: OfferOutcome, now: number, policy: AutoPausePolicy) {
    const result = await this.shared.offerFailed(extension, callId, outcome, now, policy);
    this.applied(extension, result.released, { type: 'offer-failed', callId, outcome, policy }, now);
    return result;
  }

  async placedCall(extension: string, callId: string, now: number): Promise<void> {
    await this.shared.placedCall(extension, callId, now);
    this.applied(extension, true, { type: 'placed-call', callId }, now);
  }

  async callEnded(extension: string, callId: string, now: number, wrapUpMs: number, talkSeconds: number, day: string): Promise<boolean> {
    return this.applied(extension, await this.shared.callEnded(extension, callId, now, wrapUpMs, talkSeconds, day), { type: 'call-ended', callId, wrapUpMs, talkSeconds, day }, now);
  }

  async pause(extension: string, reason: string, now: number): Promise<void> {
    await this.shared.pause(extension, reason, now);
    this.applied(extension, true, { type: 'paused', reason }, now);
  }

  async unpause(extension: string, now: number): Promise<void> {
    await this.shared.unpause(extension, now);
    this.applied(extension, true, { type: 'unpaused' }, now);
  }

  async registeredAfresh(extension: string, now: number): Promise<boolean> {
    const back = await this.shared.registeredAfresh(extension, now);
    this.applied(extension, true, { type: 'registered-afresh' }, now);
    return back;
  }

  private applied(extension: string, done: boolean, event: AgentEvent, now: number): boolean {
    if (done) this.set(extension, applyAgentEvent(this.stateOf(extension, now), event, now).state);
    return done;
  }

  private stateOf(extension: string, now: number): AgentState {
    return this.memory.get(extension) ?? newAgentState(now);
  }

  private set(extension: string, state: AgentState): void {
    this.memory.set(extension, state);
    this.changedAt.set(extension, ++this.sequence);
  }

  /**
   * A reservation found the mirror wrong (someone it believed free was not): read those
   * managers again. While every manager is busy each new call misses, and a re-read per
   * call is two commands per manager (hundreds at 150 managers) for the same answer: the
   * misses whose replies arrive in the same turn of the event loop share one re-read,
   * sent after all of them, so each still sees state newer than its own script's result.
   */
  private refreshAfterMiss(extensions: readonly string[], now: number): Promise<void> {
    if (this.pendingRefresh) {
      for (const e of extensions) this.pendingRefresh.extensions.add(e);
      return this.pendingRefresh.done;
    }
    const batch = { extensions: new Set(extensions), done: Promise.resolve() };
    batch.done = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      this.pendingRefresh = null;
      return this.refresh([...batch.extensions], now);
    });
    this.pendingRefresh = batch;
    return batch.done;
  }

  private async refresh(extensions: readonly string[], now: number): Promise<void> {
    const startedAt = this.sequence;
    const fresh = await this.shared.read(extensions, now);
    for (const [e, state] of fresh) {
      if ((this.changedAt.get(e) ?? 0) > startedAt) continue; // changed here while the read was in flight
      this.memory.set(e, state);
    }
  }
}
