import type { Logger } from 'pino';
import type { AgentStateStore, AnswerScoreStore, RegistrationStore } from '../core/agents/agent-ports.js';
import { NEVER_AUTO_PAUSE, type AutoPausePolicy, type OfferOutcome, type OfferRules } from '../core/agents/agent-state.js';
import { addAttempts, missedLiveCall, type LiveCall } from '../core/calls/live-call.js';
import { lastManagerWithin, type ClientHistory } from '../core/calls/missed-call.js';
import { reject, type RoutingDecision, type RouteTarget } from '../core/calls/routing-decision.js';
import { markOffered, markSuspended, nextStep, planStep, startProgress, type CallProgress } from '../core/routing/call-progress.js';
import { chooseOffer, type OfferContext } from '../core/routing/choose-offer.js';
import { recordOffer, initialScore } from '../core/routing/answer-score.js';
import { localDate, openStateAt } from '../core/scenarios/business-hours.js';
import { closedReason } from '../core/scenarios/closed-reason.js';
import type { GroupStep, Scenario, Step, StickyStep, Voicemail } from '../core/scenarios/scenario-schema.js';
import type { CallLedger } from './call-ledger.js';
import type { KeyedQueue } from './keyed-queue.js';
import type { MissedCalls } from './missed-calls.js';
import { needsEarlyMedia, welcomeSounds } from '../core/scenarios/scenario-sounds.js';
import type { Announcer } from './announcer.js';
import type { DtmfMenu, MenuResult } from './dtmf-menu.js';
import type { VoicemailService } from './voicemail.js';
import { WaitingLine } from './waiting-line.js';

export interface ScenarioSource {
  scenarioFor(dialled: string): Scenario | undefined;
  byName(name: string): Scenario | undefined;
}

export interface InboundDistributorDeps {
  scenarios: ScenarioSource;
  registrations: RegistrationStore;
  agents: AgentStateStore;
  scores: AnswerScoreStore;
  calls: CallLedger;
  clients: ClientHistory;
  /** The client's owner in the CRM (leads), for sticky steps with crm_owner; absent without leads. */
  crmOwnerOf?: (callerNumber: string) => Promise<string | null>;
  /** The route of a call forwarded out through the trunk (after hours). */
  /** The routes out to an external number, one per trunk, and the failover pattern Kamailio walks them with. */
  trunkRoutes: (number: string) => { targets: RouteTarget[]; failover: string };
  missed: MissedCalls;
  /** Per-call queue shared with CallEvents: one call's events never interleave. */
  queue: KeyedQueue;
  autoPause: AutoPausePolicy;
  /** Kamailio gives up on a suspended call after this long (its fr timer): never wait past it. */
  maxCallWaitMs: number;
  /** Resumes a call Kamailio holds suspended (after waiting in line). */
  resume: (call: LiveCall, decision: RoutingDecision) => void;
  /** Greeting, music and place in line through rtpengine; absent: ringback only. */
  announcer?: Announcer;
  /** The scenario's DTMF menu, after the welcome; absent: the menu is skipped (first step). */
  menu?: Pick<DtmfMenu, 'run' | 'cancel'>;
  /** The voice mailbox (missed.voicemail, after_hours: voicemail); absent: a callback task only. */
  voicemail?: Pick<VoicemailService, 'expect'>;
  log: Logger;
  random?: () => number;
  clock?: () => number;
}

/** Candidates per reservation attempt of a serial step (each costs the script two keys). */
const RESERVE_SLICE = 4;
/** Fresh looks at the managers before a caller is made to wait because others took them first. */
const RESERVE_ATTEMPTS = 3;

/** How often waiting calls are re-offered even without a "manager freed" signal (other instances, wrap-up ends). */
const DISPATCH_INTERVAL_MS = 1000;

/**
 * Runs inbound calls through their scenario: after-hours, then each step in turn
 * (sticky manager, groups by strategy), reserving managers atomically, waiting in
 * line with ringback while everyone is busy, and handing unanswered calls to
 * MissedCalls. Every decision about one call runs in that call's queue.
 */
export class InboundDistributor {
  readonly waiting = new WaitingLine();
  /** Calls hearing their welcome (greeting, recording notice) before the first ring. */
  private readonly greeting = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private dispatching: Promise<void> | null = null;
  private dispatchAgain = false;
  private readonly ticker: NodeJS.Timeout;
  private readonly random: () => number;
  private readonly clock: () => number;

  constructor(private readonly deps: InboundDistributorDeps) {
    this.random = deps.random ?? Math.random;
    this.clock = deps.clock ?? Date.now;
    this.ticker = setInterval(() => {
      if (this.waiting.size > 0) this.dispatchSoon();
    }, DISPATCH_INTERVAL_MS);
    this.ticker.unref();
  }

  stop(): void {
    clearInterval(this.ticker);
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  /** A new inbound call on a line this scenario serves. The caller holds the call's queue. */
  async start(call: LiveCall, scenario: Scenario, offer?: { fromTag: string; sdp: string }): Promise<{ call: LiveCall; decision: RoutingDecision }> {
    const now = call.startedAt;
    const sticky = await this.clientManagerFor(scenario, call.callerNumber, now);
    const started = { ...call, progress: startProgress(scenario, now, sticky) };
    const open = openStateAt(scenario, new Date(now));
    if (!open.open) return this.afterHours(started, scenario, closedReason(scenario, open));
    if (offer && this.deps.announcer && needsEarlyMedia(scenario)) {
      const leg = { callId: call.callId, fromTag: offer.fromTag };
      const sdp = await this.deps.announcer.open(leg, offer.sdp);
      if (sdp) return this.welcome({ ...started, media: leg }, scenario, sdp, now);
    }
    return this.advance(started, scenario, now, false);
  }

  /**
   * 183 with rtpengine's SDP now; the greeting and recording notice play while the
   * call stays suspended, and only then is the first manager rung (or the line joined).
   */
  private async welcome(call: LiveCall, scenario: Scenario, sdp: string, now: number): Promise<{ call: LiveCall; decision: RoutingDecision }> {
    const announcer = this.deps.announcer!;
    const held = { ...call, progress: markSuspended(call.progress!) };
    this.greeting.add(call.callId);
    void announcer.welcome(call.media!, welcomeSounds(scenario)).then(async () => {
      // With nothing to play this runs at once: let the 183 ('early') reach Kamailio first.
      await new Promise((r) => setImmediate(r));
      // "Press 1 for sales...": still no worker held; the caller's key picks the first step.
      let choice: MenuResult | null = null;
      if (scenario.menu && this.deps.menu && this.greeting.has(call.callId)) {
        choice = await this.deps.menu.run(call.media!, scenario.menu);
        if (!choice) return;
      }
      await this.deps.queue.run(call.callId, async () => {
        // Hung up during the welcome: cancelled() closed the call already.
        if (!this.greeting.delete(call.callId)) return;
        const current = await this.deps.calls.get(call.callId);
        const live = current ? this.deps.scenarios.byName(current.progress!.scenario) : undefined;
        if (!current || !live) return;
        // The first step's max_wait counts from the first ring, not from the call's start.
        const now = this.clock();
        // The file may have changed while the menu played: a step it no longer has means its first.
        const step = !choice ? current.progress!.step : choice.step < live.steps.length ? choice.step : 0;
        const chosen = choice ? { menuChoice: { digit: choice.digit, step: step + 1 } } : {};
        const result = await this.advance({ ...current, ...chosen, progress: { ...current.progress!, step, stepStartedAt: now } }, live, now, false);
        // Waiting: the transaction is still held from the 183, and the line has it now.
        if (result.decision.action === 'wait') return;
        await this.leaveLineQuietly(result.call);
        this.deps.resume(result.call, result.decision);
      });
    });
    return this.settled(held, { action: 'early', sdp }, now);
  }

  /**
   * The ringing branches ended without an answer (not cancelled by the caller):
   * record the misses and decide what the caller gets next. The caller holds the call's queue.
   */
  async afterFailedOffer(call: LiveCall, now: number): Promise<{ call: LiveCall; decision: RoutingDecision }> {
    const scenario = call.progress ? this.deps.scenarios.byName(call.progress.scenario) : undefined;
    if (!scenario) return this.settled(call, reject(480, true), now);
    return this.advance(call, scenario, now, false);
  }

  /** Feedback for the answer score and the auto-pause rule; frees the manager for waiting calls. */
  async offerFailed(call: LiveCall, manager: string, outcome: OfferOutcome, now: number): Promise<boolean> {
    const { released, autoPaused } = await this.deps.agents.offerFailed(manager, call.callId, outcome, now, this.deps.autoPause);
    if (outcome !== 'cancelled') this.updateScore(manager, outcome === 'missed' ? { kind: 'missed' } : { kind: 'rejected' }, now);
    if (released) this.dispatchSoon();
    return autoPaused;
  }

  updateScore(manager: string, outcome: Parameters<typeof recordOffer>[1], now: number): void {
    // Read-modify-write is safe here: a manager is offered one call at a time (the reservation).
    void (async () => {
      const current = (await this.deps.scores.read([manager])).get(manager) ?? initialScore(now);
      await this.deps.scores.write(manager, recordOffer(current, outcome, now));
    })().catch((err: unknown) => this.deps.log.warn({ err, manager }, 'answer score not updated'));
  }

  /** The call left the line (or its welcome): routed, answered elsewhere, or the caller hung up. */
  leaveLine(callId: string): boolean {
    this.clearTimer(callId);
    const welcomed = this.greeting.delete(callId);
    if (welcomed) {
      this.deps.announcer?.skipWelcome(callId);
      this.deps.menu?.cancel(callId);
    }
    return this.waiting.remove(callId) !== undefined || welcomed;
  }

  /** The caller is gone before anyone answered: his announcements and rtpengine session too. */
  async callerLeft(call: LiveCall): Promise<void> {
    if (call.media) await this.deps.announcer?.close(call.media);
  }

  /** Leaving the line for a manager's phone: the music stops before it rings. */
  private async leaveLineQuietly(call: LiveCall): Promise<void> {
    this.leaveLine(call.callId);
    if (call.media) await this.deps.announcer?.silence(call.media);
  }

  /** Someone may have become free: offer waiting calls again, one dispatch at a time. */
  dispatchSoon(): void {
    if (this.dispatching) {
      this.dispatchAgain = true;
      return;
    }
    this.dispatching = this.dispatch()
      .catch((err: unknown) => this.deps.log.error({ err }, 'dispatching waiting calls failed'))
      .finally(() => {
        this.dispatching = null;
        if (this.dispatchAgain) {
          this.dispatchAgain = false;
          this.dispatchSoon();
        }
      });
  }

  /** Re-offer once this manager's wrap-up is over. */
  dispatchAt(at: number): void {
    const delay = Math.max(0, at - this.clock()) + 5;
    setTimeout(() => this.dispatchSoon(), delay).unref();
  }

  private async dispatch(): Promise<void> {
    for (const [, line] of this.waiting.byScenario()) {
      // Once a call of a step found nobody free, the later calls of that step would not either.
      const stuck = new Set<number>();
      for (const entry of line) {
        await this.deps.queue.run(entry.callId, async () => {
          if (!this.waiting.get(entry.callId)) return;
          const call = await this.deps.calls.get(entry.callId);
          const scenario = call?.progress ? this.deps.scenarios.byName(call.progress.scenario) : undefined;
          if (!call || !scenario || stuck.has(call.progress!.step)) return;
          const result = await this.advance(call, scenario, this.clock(), true);
          if (result.decision.action === 'wait') {
            if (result.call.progress!.tried.length === 0) stuck.add(result.call.progress!.step); // one who tried someone already may leave others free
            return;
          }
          await this.leaveLineQuietly(result.call);
          this.deps.resume(result.call, result.decision);
        });
      }
    }
  }

  /**
   * A call found suspended in Kamailio after the service was away (the line lived in
   * the memory of the process that died): it takes its place in line again, by
   * arrival, and is offered at once if someone is free.
   */
  rejoinLine(callId: string): Promise<void> {
    return this.deps.queue.run(callId, async () => {
      const call = await this.deps.calls.get(callId);
      const scenario = call?.progress ? this.deps.scenarios.byName(call.progress.scenario) : undefined;
      // Routed meanwhile (ringing, answered, settled) or already back in line: nothing to do.
      if (!call || !scenario || this.waiting.get(callId) || call.answeredAt !== null || call.rejected || call.missed) return;
      if (call.attempts.some((a) => a.endedAt === null)) return;
      const result = await this.advance(call, scenario, this.clock(), true);
      if (result.decision.action === 'wait') return;
      await this.leaveLineQuietly(result.call);
      this.deps.resume(result.call, result.decision);
    });
  }

  private async onWaitDeadline(callId: string): Promise<void> {
    await this.deps.queue.run(callId, async () => {
      this.timers.delete(callId);
      if (!this.waiting.get(callId)) return;
      const call = await this.deps.calls.get(callId);
      const scenario = call?.progress ? this.deps.scenarios.byName(call.progress.scenario) : undefined;
      if (!call || !scenario) {
        this.leaveLine(callId);
        return;
      }
      const result = await this.advance(call, scenario, this.clock(), true);
      if (result.decision.action === 'wait') return;
      await this.leaveLineQuietly(result.call);
      this.deps.resume(result.call, result.decision);
    });
  }

  /**
   * Walks the steps from where the call is until one rings someone, the call
   * must wait, or no step is left (missed). `inLine` is true when the call is
   * already waiting (suspended): then waiting on costs no new suspension.
   */
  private async advance(call: LiveCall, scenario: Scenario, now: number, inLine: boolean): Promise<{ call: LiveCall; decision: RoutingDecision }> {
    let progress = call.progress!;
    let lineFull = false;
    const log = this.deps.log.child({ callId: call.callId });
    for (let guard = 0; guard <= scenario.steps.length + 1; guard++) {
      if (now - call.startedAt >= this.deps.maxCallWaitMs) return this.miss(call, progress, scenario, 'waited the longest time Kamailio holds a call', now);
      const plan = planStep(scenario, progress, now);
      if (plan.kind === 'missed') {
        // A full line is a clear, fast refusal (486): the caller may try again, the trunk learns we are busy.
        if (lineFull) return this.miss(call, progress, scenario, `the waiting line of ${scenario.name} is full`, now, 486);
        const reason = call.attempts.length === 0 ? `nobody in ${scenario.name} was signed in and free` : plan.reason;
        return this.miss(call, progress, scenario, reason, now);
      }
      if (plan.kind === 'next-step') {
        progress = nextStep(progress, now);
        continue;
      }
      const { step } = plan;
      const mustQueue = !inLine && step.kind === 'group' && this.waiting.hasAhead(scenario.name, progress.priority);
      const { offer, anyoneSignedIn } = mustQueue ? { offer: null, anyoneSignedIn: true } : await this.reserve(call.callId, scenario, step, plan.candidates, now);
      if (offer && offer.targets.length > 0) {
        log.info({ scenario: scenario.name, step: progress.step, managers: offer.managers }, 'call offered');
        const offered = addAttempts({ ...call, progress: markOffered(progress, offer.managers) }, offer.attempts, now);
        return this.settled(offered, { action: 'route', targets: offer.targets, parallel: offer.parallel }, now);
      }
      if (step.kind === 'sticky' || !anyoneSignedIn) {
        // The client's own manager is busy or away, or nobody of the group is signed in
        // (no point waiting for phones that are off): on to the next step.
        progress = nextStep(progress, now);
        continue;
      }
      if (!this.roomInLine(call.callId, scenario.name, progress.step, step.maxWaiting)) {
        log.warn({ scenario: scenario.name, step: progress.step, maxWaiting: step.maxWaiting }, 'the waiting line of this step is full: on to the next step');
        progress = nextStep(progress, now);
        lineFull = true;
        continue;
      }
      const deadline = Math.min(plan.deadline, call.startedAt + this.deps.maxCallWaitMs);
      const waiting = await this.wait({ ...call, progress }, deadline, inLine, now, log);
      // Queued behind others while a manager may be free: the line is served in order at once
      // (once this call is in it: a dispatch started earlier would not see it).
      if (mustQueue) this.dispatchSoon();
      return waiting;
    }
    return this.miss(call, progress, scenario, 'no step could take the call', now);
  }

  private async reserve(callId: string, scenario: Scenario, step: Step, candidates: string[], now: number) {
    const rules = { maxConcurrentCalls: step.maxConcurrentCalls, skipBusy: step.skipBusy };
    const { managers, parallel, anyoneSignedIn } =
      step.kind === 'group' && step.strategy === 'round-robin'
        ? await this.reserveInTurn(callId, scenario, step, candidates, rules, now)
        : await this.reserveByStrategy(callId, scenario, step, candidates, rules, now);
    if (managers.length === 0) return { offer: null, anyoneSignedIn };
    const registered = await this.deps.registrations.registered(managers);
    const attempts = managers.flatMap((manager) => {
      const reg = registered.get(manager);
      return reg ? [{ manager, target: reg.contact, nextHop: reg.source }] : [];
    });
    // A phone that unregistered since the snapshot: give its reservation back.
    const gone = managers.filter((m) => !registered.has(m));
    await Promise.all(gone.map((m) => this.deps.agents.offerFailed(m, callId, 'cancelled', now, NEVER_AUTO_PAUSE)));
    const targets: RouteTarget[] = attempts.map((a) => ({ uri: a.target, nextHop: a.nextHop, ringTimeoutMs: step.ringTimeout * 1000 }));
    return { offer: { managers: attempts.map((a) => a.manager), attempts, targets, parallel }, anyoneSignedIn };
  }

  /**
   * Round-robin reserves in one script that also moves the group's turn (rotation.ts):
   * the turn moves once per offer, whichever path asked, and is shared by every instance.
   */
  private async reserveInTurn(callId: string, scenario: Scenario, step: GroupStep, candidates: string[], rules: OfferRules, now: number) {
    const members = scenario.groups[step.group] ?? [];
    const manager = await this.deps.agents.reserveInTurn(`${scenario.name}:${step.group}`, callId, members, new Set(candidates), rules, now);
    if (manager) return { managers: [manager], parallel: false, anyoneSignedIn: true };
    const states = await this.deps.agents.read(candidates, now);
    return { managers: [], parallel: false, anyoneSignedIn: candidates.some((c) => states.get(c)?.registered) };
  }

  private async reserveByStrategy(callId: string, scenario: Scenario, step: Step, candidates: string[], rules: OfferRules, now: number) {
    const strategy = step.kind === 'group' ? step.strategy : null;
    const day = localDate(scenario.timezone, new Date(now));
    let anyoneSignedIn = false;
    let managers: string[] = [];
    let parallel = false;
    // Calls routed at the same moment may take the managers this snapshot saw free:
    // look again (the snapshot is refreshed by then) before making the caller wait.
    for (let attempt = 0; attempt < RESERVE_ATTEMPTS && managers.length === 0; attempt++) {
      const [states, scores] = await Promise.all([
        this.deps.agents.read(candidates, now),
        strategy === 'performance-weighted' ? this.deps.scores.read(candidates) : new Map(),
      ]);
      anyoneSignedIn = candidates.some((c) => states.get(c)?.registered);
      const context: OfferContext = { states, scores, random: this.random, now, day };
      const choice = chooseOffer(step, candidates, context);
      if (choice.order.length === 0) break;
      parallel = choice.mode === 'parallel';
      managers = parallel ? await this.deps.agents.reserve(callId, choice.order, choice.order.length, rules, now) : await this.reserveOne(callId, choice.order, rules, now);
    }
    return { managers, parallel, anyoneSignedIn };
  }

  /**
   * Serial strategies reserve one manager: offer the script the first few in the
   * strategy's order (usually one of them is still free), and only if another call
   * just took them all, the rest of the list in one go.
   */
  private async reserveOne(callId: string, order: readonly string[], rules: OfferRules, now: number): Promise<string[]> {
    const first = await this.deps.agents.reserve(callId, order.slice(0, RESERVE_SLICE), 1, rules, now);
    if (first.length > 0 || order.length <= RESERVE_SLICE) return first;
    return this.deps.agents.reserve(callId, order.slice(RESERVE_SLICE), 1, rules, now);
  }

  private async wait(call: LiveCall, deadline: number, inLine: boolean, now: number, log: Logger): Promise<{ call: LiveCall; decision: RoutingDecision }> {
    const progress: CallProgress = inLine ? call.progress! : markSuspended(call.progress!);
    const waiting = { ...call, progress };
    const entry = this.waiting.get(call.callId);
    if (entry) Object.assign(entry, { deadline, step: progress.step }); // already in line: it keeps its place (add() would move it to the back)
    else this.waiting.add({ callId: call.callId, scenario: progress.scenario, priority: progress.priority, step: progress.step, since: call.startedAt, deadline });
    this.clearTimer(call.callId);
    const timer = setTimeout(() => void this.onWaitDeadline(call.callId), Math.max(0, deadline - this.clock()));
    timer.unref();
    this.timers.set(call.callId, timer);
    if (!inLine) log.info({ scenario: progress.scenario, step: progress.step, waiting: this.waiting.size }, 'every manager is busy: the call waits in line');
    const scenario = this.deps.scenarios.byName(progress.scenario);
    const step = scenario?.steps[progress.step];
    if (call.media && this.deps.announcer && step?.whileWaiting) {
      this.deps.announcer.startWaiting(call.media, step.whileWaiting, scenario!.language ?? 'en', () => this.waiting.positionOf(call.callId));
    }
    return this.settled(waiting, { action: 'wait', ...(call.media ? { quiet: true } : {}) }, now);
  }

  private async miss(call: LiveCall, progress: CallProgress, scenario: Scenario, reason: string, now: number, code?: number) {
    // A full line (486) is refused fast, never kept on for a message.
    const box = code === undefined ? scenario.missed.voicemail : null;
    if (box && this.deps.voicemail) return this.toVoicemail(missedLiveCall({ ...call, progress }, `${reason}; voicemail offered`), scenario, box, now);
    const missed = missedLiveCall({ ...call, progress }, reason, code);
    this.deps.missed.report(missed, scenario);
    if (missed.media) void this.callerLeft(missed);
    return this.settled(missed, reject(missed.missed!.code, missed.attempts.length > 0 || !!missed.media), now);
  }

  /**
   * The call is missed (its record says so, its callback task is made) and goes on to
   * the mailbox: the caller is answered there, and a message he leaves is attached later.
   */
  private async toVoicemail(missed: LiveCall, scenario: Scenario, box: Voicemail, now: number): Promise<{ call: LiveCall; decision: RoutingDecision }> {
    this.deps.missed.report(missed, scenario);
    if (missed.media) await this.deps.announcer?.silence(missed.media);
    const target = this.deps.voicemail!.expect(missed, scenario, box);
    await this.deps.calls.close(missed, now);
    return { call: missed, decision: { action: 'route', targets: [target] } };
  }

  private afterHours(call: LiveCall, scenario: Scenario, why: string): Promise<{ call: LiveCall; decision: RoutingDecision }> {
    const action = scenario.afterHours;
    const now = call.startedAt;
    this.deps.log.info({ callId: call.callId, scenario: scenario.name, action: action.action, why }, `line closed, ${action.action}: ${why}`);
    switch (action.action) {
      case 'forward': {
        const { targets, failover } = this.deps.trunkRoutes(action.to);
        const first = targets[0]!;
        const forwarded = addAttempts({ ...call, trunk: first.trunk ?? null }, [{ manager: null, target: first.uri }], now);
        return this.settled(forwarded, { action: 'route', targets, failover }, now);
      }
      case 'hangup':
        return this.settled({ ...call, rejected: { code: 480, reason: why } }, reject(480), now);
      case 'voicemail': {
        if (this.deps.voicemail) {
          return this.toVoicemail(missedLiveCall(call, `${why}; voicemail offered`), scenario, { prompt: action.message ?? null, maxSeconds: action.maxSeconds }, now);
        }
        // No mailbox wired (unit tests): the nearest real thing is a callback task for the morning.
        const missed = missedLiveCall(call, `${why}${scenario.missed.callback ? '; a callback task was created' : ''}`);
        this.deps.missed.report(missed, scenario);
        return this.settled(missed, reject(480), now);
      }
    }
  }

  /**
   * The client's own manager, for a sticky step: his owner in the CRM when the step
   * asks for it and one is known, else whoever last talked to him within `days`.
   * (MissedCalls looks him up itself for callbacks.)
   */
  private async clientManagerFor(scenario: Scenario, caller: string, now: number): Promise<string | null> {
    const sticky = scenario.steps.find((s): s is StickyStep => s.kind === 'sticky');
    if (!sticky) return null;
    const owner = sticky.crmOwner && this.deps.crmOwnerOf ? await this.deps.crmOwnerOf(caller) : null;
    return owner ?? lastManagerWithin(this.deps.clients, caller, sticky.days, now);
  }

  /** Stores the call, or closes it (record written) when the decision ends it. */
  private async settled(call: LiveCall, decision: RoutingDecision, now: number): Promise<{ call: LiveCall; decision: RoutingDecision }> {
    if (decision.action === 'reject') await this.deps.calls.close(call, now);
    else this.deps.calls.store(call, (err) => this.deps.log.error({ err, callId: call.callId }, 'live call not stored in the shared store'));
    return { call, decision };
  }

  /** May this call wait in this step's line? One already waiting there keeps its place. */
  private roomInLine(callId: string, scenario: string, step: number, maxWaiting: number): boolean {
    const entry = this.waiting.get(callId);
    if (entry?.scenario === scenario && entry.step === step) return true;
    return this.waiting.countAt(scenario, step) < maxWaiting;
  }

  private clearTimer(callId: string): void {
    clearTimeout(this.timers.get(callId));
    this.timers.delete(callId);
  }
}
