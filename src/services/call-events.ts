import type { Logger } from 'pino';
import type { AgentStateStore } from '../core/agents/agent-ports.js';
import { AUTO_PAUSE_REASON, DND_PAUSE_REASON, NEVER_AUTO_PAUSE, type OfferOutcome } from '../core/agents/agent-state.js';
import { answeringManager, applyAnswer, callParties, endRinging, failOverTrunk, ringingAttempts, type LiveAttempt, type LiveCall } from '../core/calls/live-call.js';
import type { CallbackTaskStore, ClientHistory } from '../core/calls/missed-call.js';
import { reject, type RoutingDecision } from '../core/calls/routing-decision.js';
import { localDate } from '../core/scenarios/business-hours.js';
import type { CallLedger } from './call-ledger.js';
import type { DomainEvents } from './domain-events.js';
import type { InboundDistributor, ScenarioSource } from './inbound-distributor.js';
import type { KeyedQueue } from './keyed-queue.js';

/** A phone's own refusals: busy (486), busy everywhere (600), declined (603). */
const REFUSALS: ReadonlySet<number> = new Set([486, 600, 603]);

export interface CallEventsDeps {
  agents: AgentStateStore;
  calls: CallLedger;
  distributor: InboundDistributor;
  scenarios: ScenarioSource;
  clients: ClientHistory;
  callbacks: CallbackTaskStore;
  events: DomainEvents;
  queue: KeyedQueue;
  /** Wrap-up after a manager's own (outbound, internal) calls. */
  wrapUpMs: number;
  /** Zone of the managers' working day, for calls outside any scenario. */
  timezone: string;
  log: Logger;
}

/**
 * Follows each call through Kamailio's events (ring attempt failed, answered,
 * ended, caller hung up while waiting): keeps managers' state right, and closes
 * the call with its record.
 */
export class CallEvents {
  constructor(private readonly deps: CallEventsDeps) {}

  /**
   * The ringing branches failed. Kamailio keeps the call suspended and waits for
   * what comes next (unless the caller cancelled): the next manager, the line, or a final code.
   */
  branchFailed(callId: string, code: number, canceled: boolean, at: number): Promise<RoutingDecision | null> {
    return this.deps.queue.run(callId, async () => {
      const log = this.deps.log.child({ callId });
      const call = await this.deps.calls.get(callId);
      if (!call) {
        log.warn({ code }, 'ring attempt of an unknown call failed: refused');
        return canceled ? null : reject(code, true);
      }
      const { call: after, ended } = endRinging(call, code, canceled, at);
      log.info({ code, canceled, managers: ended.map((a) => a.manager) }, 'ring attempt failed');
      await Promise.all(ended.map((attempt) => this.releaseOffer(after, attempt, code, canceled, at)));
      if (canceled) {
        await this.close(after, at);
        return null;
      }
      if (after.progress) return (await this.deps.distributor.afterFailedOffer(after, at)).decision;
      await this.close(after, at);
      return reject(code, true);
    });
  }

  /**
   * Kamailio moved a call on along its trunk list (by itself: no decision is asked). `code`
   * is how the trunk tried last failed (0: it was at its concurrent-call limit and never
   * tried), `skipped` the trunks passed over at their limit, `next` the trunk tried now;
   * null when none was left: Kamailio refused the call (503) and nothing more will come.
   */
  trunkFailedOver(callId: string, report: { code: number; skipped: string[]; next: { trunk: string; uri: string } | null }, at: number): Promise<void> {
    return this.deps.queue.run(callId, async () => {
      const call = await this.deps.calls.get(callId);
      if (!call) return this.unknown(callId, 'trunk_next');
      let after = failOverTrunk(call, report.code, null, at);
      for (const trunk of report.skipped) after = failOverTrunk(failOverTrunk(after, 0, { trunk, uri: `trunk:${trunk}` }, at), 0, null, at);
      if (report.next) after = failOverTrunk(after, 0, report.next, at);
      this.deps.log.warn({ callId, code: report.code, from: call.trunk ?? null, skipped: report.skipped, next: report.next?.trunk ?? null }, report.next ? 'trunk failed: the call goes on through the next trunk' : 'no trunk left with room: call refused');
      if (report.next) {
        await this.deps.calls.put(after);
        return;
      }
      await this.close({ ...after, rejected: { code: 503, reason: 'every trunk of the call is at its concurrent-call limit' } }, at);
    });
  }

  /**
   * The caller hung up. Only a call waiting in line needs this: a ringing one gets branchFailed.
   * `from` is where the CANCEL came from: Kamailio reports a CANCEL by its Call-ID, and one
   * sent by anyone else who knows the Call-ID (matched to his own INVITE) must not take
   * the caller out of the line.
   */
  cancelled(callId: string, at: number, from: string | null): Promise<void> {
    return this.deps.queue.run(callId, async () => {
      const call = await this.deps.calls.get(callId);
      if (!call || ringingAttempts(call).length > 0) return;
      if (call.invitedFrom && from !== call.invitedFrom) {
        this.deps.log.warn({ callId, from, invitedFrom: call.invitedFrom }, 'CANCEL from another address than the INVITE ignored');
        return;
      }
      if (!this.deps.distributor.leaveLine(callId)) return;
      await this.deps.distributor.callerLeft(call);
      this.deps.log.info({ callId }, 'caller hung up while waiting in line');
      await this.close({ ...call, canceled: true }, at);
    });
  }

  answered(callId: string, at: number, answeredFrom?: string): Promise<void> {
    return this.deps.queue.run(callId, async () => {
      const call = await this.deps.calls.get(callId);
      if (!call) return this.unknown(callId, 'answered');
      // A dialog starts once: a second report is a replay (a standby taking over), not a second answer.
      if (call.answeredAt !== null) return this.unknown(callId, 'answered again');
      await this.answer(call, at, answeredFrom);
    });
  }

  /**
   * Found at reconciliation: the call was answered while the service was away
   * (Kamailio's dialog is up), at a time known to the second.
   */
  answeredWhileAway(callId: string, at: number): Promise<void> {
    return this.deps.queue.run(callId, async () => {
      const call = await this.deps.calls.get(callId);
      if (!call || call.answeredAt !== null) return;
      this.deps.log.warn({ callId }, 'call answered while the service was away: answer time from kamailio');
      await this.answer({ ...call, timesApproximate: true }, at);
    });
  }

  /**
   * Found at reconciliation: Kamailio no longer has the call, it ended while the
   * service was away. Closed with the best times there are (the caller hung up,
   * if nobody answered), marked approximate; managers it held are freed.
   */
  endedWhileAway(callId: string, estimate: { answeredAt: number | null; endedAt: number }): Promise<void> {
    return this.deps.queue.run(callId, async () => {
      let call = await this.deps.calls.get(callId);
      if (!call) return;
      call = { ...call, timesApproximate: true };
      this.deps.log.warn({ callId, answered: call.answeredAt !== null || estimate.answeredAt !== null }, 'call ended while the service was away: closed with estimated times');
      if (call.answeredAt === null && estimate.answeredAt !== null && ringingAttempts(call).length > 0) {
        call = await this.answer(call, Math.min(estimate.answeredAt, estimate.endedAt));
      }
      const endedAt = Math.max(estimate.endedAt, call.answeredAt ?? call.startedAt);
      if (call.answeredAt === null) {
        const { call: after, ended } = endRinging(call, 487, true, endedAt);
        await Promise.all(ended.map((attempt) => this.releaseOffer(after, attempt, 487, true, endedAt)));
        this.deps.distributor.leaveLine(callId);
        call = { ...after, canceled: true };
      }
      await this.close(call, endedAt);
    });
  }

  private async answer(call: LiveCall, at: number, answeredFrom?: string): Promise<LiveCall> {
    const callId = call.callId;
    const { call: answered, answeredBy } = applyAnswer(call, at, answeredFrom);
    this.deps.log.info({ callId, manager: answeredBy?.manager ?? null }, 'call answered');
    this.deps.events.emit('call.answered', { ...callParties(answered), at: new Date(at).toISOString() });
    const others = ringingAttempts(call).filter((a) => a.manager && a.manager !== answeredBy?.manager);
    await Promise.all([
      answeredBy?.manager ? this.deps.agents.answered(answeredBy.manager, callId, at) : undefined,
      ...others.map((a) => this.releaseOffer(answered, a, 487, true, at)),
      this.deps.calls.put(answered),
    ]);
    if (answeredBy?.manager && answered.progress) {
      const step = this.deps.scenarios.byName(answered.progress.scenario)?.steps[answered.progress.step];
      const ringTimeoutMs = (step?.ringTimeout ?? 15) * 1000;
      this.deps.distributor.updateScore(answeredBy.manager, { kind: 'answered', timeToAnswerMs: at - answeredBy.startedAt, ringTimeoutMs }, at);
    }
    return answered;
  }

  ended(callId: string, at: number): Promise<void> {
    return this.deps.queue.run(callId, async () => {
      const call = await this.deps.calls.get(callId);
      if (!call) return this.unknown(callId, 'ended');
      this.deps.log.info({ callId }, 'call ended');
      await this.close(call, at);
    });
  }

  /** Frees the managers this call held, remembers who talked to the client, and writes the record. */
  private async close(call: LiveCall, at: number): Promise<void> {
    const talker = answeringManager(call);
    const talkSeconds = call.answeredAt === null ? 0 : Math.max(0, at - call.answeredAt) / 1000;
    const { wrapUpMs, day } = this.afterCallOf(call, at);
    const held = [...new Set([talker, call.placedBy].filter((m): m is string => m !== null))];
    const client = call.direction === 'inbound' ? call.callerNumber : call.calleeNumber;
    await Promise.all([
      ...held.map((m) => this.deps.agents.callEnded(m, call.callId, at, wrapUpMs, talkSeconds, day)),
      talker && call.direction !== 'internal' ? this.deps.clients.remember(client, talker, at) : undefined,
      // The number he dialled is the one he knows: calls back to him show it (trunks.md).
      call.direction === 'inbound' && call.companyNumber ? this.deps.clients.rememberLine(client, call.companyNumber) : undefined,
      call.direction === 'outbound' && call.answeredAt !== null ? this.deps.callbacks.closeFor(client, call.callId, new Date(at)) : undefined,
    ]);
    if (held.length > 0) this.deps.distributor.dispatchAt(at + wrapUpMs);
    await this.deps.calls.close(call, at);
  }

  private async releaseOffer(call: LiveCall, attempt: LiveAttempt, code: number, canceled: boolean, at: number): Promise<void> {
    if (!attempt.manager) return;
    // Only a manager's silence counts as a miss; busy or declined is a choice (but a phone
    // refusing every offer has do-not-disturb on), a caller's hang-up is no one's.
    const outcome: OfferOutcome = canceled ? 'cancelled' : attempt.result === 'no-answer' ? 'missed' : REFUSALS.has(code) ? 'declined' : 'rejected';
    if (call.direction !== 'inbound') {
      await this.deps.agents.offerFailed(attempt.manager, call.callId, 'cancelled', at, NEVER_AUTO_PAUSE);
      return;
    }
    const autoPaused = await this.deps.distributor.offerFailed(call, attempt.manager, outcome, at);
    if (autoPaused) {
      const state = (await this.deps.agents.read([attempt.manager], at)).get(attempt.manager);
      const reason = state?.pauseReason ?? AUTO_PAUSE_REASON;
      this.deps.log.warn({ callId: call.callId, manager: attempt.manager, code, reason }, reason === DND_PAUSE_REASON ? 'manager paused automatically: his phone refuses every call' : 'manager paused automatically after missed calls');
      this.deps.events.emit('manager.auto_paused', {
        extension: attempt.manager,
        reason,
        consecutiveMisses: state?.consecutiveMisses ?? 0,
        consecutiveDeclines: state?.consecutiveDeclines ?? 0,
        callId: call.callId,
        at: new Date(at).toISOString(),
      });
    }
  }

  private afterCallOf(call: LiveCall, at: number): { wrapUpMs: number; day: string } {
    const scenario = call.progress ? this.deps.scenarios.byName(call.progress.scenario) : undefined;
    const step = scenario?.steps[call.progress!.step];
    const wrapUpMs = step ? step.wrapUp * 1000 : this.deps.wrapUpMs;
    const day = localDate(scenario?.timezone ?? this.deps.timezone, new Date(at));
    return { wrapUpMs, day };
  }

  private unknown(callId: string, event: string): void {
    // A call from before a restart with lost state, or a duplicate event: nothing to update.
    this.deps.log.warn({ callId, event }, 'event for an unknown call ignored');
  }
}
