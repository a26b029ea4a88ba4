import { performance } from 'node:perf_hooks';
import { NEVER_AUTO_PAUSE } from '../core/agents/agent-state.js';
import type { Logger } from 'pino';
import { activeManagers, type Config } from '../config/config-schema.js';
import type { AgentStateStore, Registration, RegistrationStore } from '../core/agents/agent-ports.js';
import { classifyCall, type CallIntent } from '../core/calls/dial-plan.js';
import { addAttempts, callParties, rejectedLiveCall, startLiveCall, type LiveCall, type NewLiveCall } from '../core/calls/live-call.js';
import { reject, type NewCallRequest, type RouteTarget, type RoutingDecision } from '../core/calls/routing-decision.js';
import type { CallIdClaims } from '../core/calls/call-id-claims.port.js';
import type { CallLedger } from './call-ledger.js';
import type { InboundDistributor, ScenarioSource } from './inbound-distributor.js';
import type { DomainEvents } from './domain-events.js';
import type { KeyedQueue } from './keyed-queue.js';
import { outboundRoutes } from './trunk-route.js';
import { failoverPattern } from '../core/trunks/choose-trunks.js';

/** The auto-answer hints phones honour (Polycom/Yealink Alert-Info, Snom/Grandstream Call-Info). */
const AUTO_ANSWER_HEADERS = 'Alert-Info: <http://www.notused.com>;info=alert-autoanswer\r\nCall-Info: <sip:leadline>;answer-after=0\r\n';

/** A colleague's phone is a single ring attempt: it may be busy, never "waiting in line". */
const INTERNAL_RULES = { maxConcurrentCalls: 1, skipBusy: true };

export interface CallRouterDeps {
  config: Config;
  scenarios: ScenarioSource;
  registrations: RegistrationStore;
  agents: AgentStateStore;
  calls: CallLedger;
  /** Refuses a new call whose Call-ID another call has (see call-id-claims.port.ts, CallIdGuard). */
  callIds: CallIdClaims & { claimReplayed(callId: string): Promise<boolean> };
  distributor: InboundDistributor;
  /** The managers' extensions (enabled ones); default: from config. A reload changes this set. */
  extensions?: Set<string>;
  queue: KeyedQueue;
  events: DomainEvents;
  /**
   * The company line a client knows: the number he last called, else his lead's line.
   * Without it outbound calls use the manager's line.
   */
  clientLine?: (clientNumber: string) => Promise<string | null>;
  log: Logger;
}

/** Decides where every new call goes: inbound ones by their scenario, the managers' own calls directly. */
export class CallRouter {
  private readonly extensions: Set<string>;

  constructor(private readonly deps: CallRouterDeps) {
    // Shared with the reloader (config-reloader.ts), which adds and withdraws managers live.
    this.extensions = deps.extensions ?? new Set(activeManagers(deps.config).map((m) => m.extension));
  }

  /**
   * `resumed`: the request of a call Kamailio kept suspended after the process it asked
   * died unanswered (found at reconciliation): the Call-ID is claimed already, by this call.
   * `replayed`: a request a standby heard and answers at its takeover: the dead router
   * may have claimed its Call-ID already (CallIdGuard.claimReplayed).
   */
  async decide(request: NewCallRequest, { resumed = false, replayed = false } = {}): Promise<RoutingDecision> {
    const startedAt = performance.now();
    const intent = classifyCall({ source: request.source, fromUser: request.fromUser, dialled: request.dialled }, { extensions: this.extensions });
    const claimed = (): Promise<boolean> => (replayed ? this.deps.callIds.claimReplayed(request.callId) : this.deps.callIds.claim(request.callId));
    const decision = await this.deps.queue.run(request.callId, async () =>
      resumed || (await claimed()) ? this.decideIntent(request, intent) : this.refuseCollision(request),
    );
    if (decision.action !== 'reject') this.announce(request.callId);
    const decisionMs = Math.round((performance.now() - startedAt) * 1000) / 1000;
    this.deps.log.info(
      { callId: request.callId, intent: intent.kind, action: decision.action, decisionMs, ...(decision.action === 'reject' ? { code: decision.code } : {}) },
      'call routed',
    );
    return decision;
  }

  /**
   * Another call has this Call-ID: refused with 482 (RFC 3261's answer to a request merged
   * with another) before anything is reserved or written, so the other call's record,
   * recording and live state stay as they are.
   */
  private refuseCollision(request: NewCallRequest): RoutingDecision {
    this.deps.log.warn({ callId: request.callId, source: request.source, fromUser: request.fromUser }, 'new call refused: its Call-ID belongs to another call');
    return { action: 'reject', code: 482, reason: 'Call-ID In Use' };
  }

  /** call.started, with the parties as the live call has them (after the first decision). */
  private announce(callId: string): void {
    void this.deps.calls.get(callId).then((call) => {
      if (call) this.deps.events.emit('call.started', { ...callParties(call), at: new Date(call.startedAt).toISOString() });
    });
  }

  private async decideIntent(request: NewCallRequest, intent: CallIntent): Promise<RoutingDecision> {
    switch (intent.kind) {
      case 'reject': {
        // A manager's misdial is his own (outbound) call, so he sees it in his list.
        const fromPhone = request.source === 'phone';
        return this.refuse(this.newCall(request, fromPhone ? 'outbound' : 'inbound', null, fromPhone ? request.fromUser : null), intent.code, intent.reason);
      }
      case 'inbound':
        return this.routeInbound(request, intent.companyNumber);
      case 'internal':
        return this.routeInternal(request, intent.fromExtension, intent.extension);
      case 'outbound':
        return this.routeOutbound(request, intent.fromExtension, intent.number);
      case 'click-to-call':
        return this.routeClickToCall(request, intent.extension);
    }
  }

  /**
   * The first leg of a click-to-call: Kamailio calls the manager's phone, with an
   * auto-answer hint; once he answers it REFERs him to the client, and his phone
   * places that call itself (an ordinary outbound call: recorded, counted as a dial).
   */
  private async routeClickToCall(request: NewCallRequest, extension: string): Promise<RoutingDecision> {
    const base = { ...this.newCall(request, 'internal', null, null), callerNumber: 'click-to-call' };
    const now = request.receivedAt;
    const reg = await this.reserveExtension(request.callId, extension, now);
    if (!reg) return this.refuse(base, 486, `click-to-call: extension ${extension} is busy or offline`);
    await this.deps.calls.put(addAttempts(startLiveCall(base), [{ manager: extension, target: reg.contact, nextHop: reg.source }], now));
    const ringTimeoutMs = this.deps.config.routing.ringTimeoutSeconds * 1000;
    return { action: 'route', targets: [{ uri: reg.contact, nextHop: reg.source, ringTimeoutMs, extraHeaders: AUTO_ANSWER_HEADERS }] };
  }

  private async routeInbound(request: NewCallRequest, dialled: string): Promise<RoutingDecision> {
    const scenario = this.deps.scenarios.scenarioFor(dialled);
    const call = { ...this.newCall(request, 'inbound', scenario ? dialled : null, null), trunk: request.trunk ?? null };
    if (!scenario) return this.refuse(call, 404, `no scenario in dialplans/ serves ${dialled}`);
    return (await this.deps.distributor.start(startLiveCall(call), scenario, request.offer)).decision;
  }

  private async routeInternal(request: NewCallRequest, from: string, extension: string): Promise<RoutingDecision> {
    const base = this.newCall(request, 'internal', null, from);
    const now = request.receivedAt;
    const reg = await this.reserveExtension(request.callId, extension, now);
    if (!reg) {
      const state = (await this.deps.agents.read([extension], now)).get(extension);
      return state?.registered ? this.refuse(base, 486, `extension ${extension} is busy`) : this.refuse(base, 480, `extension ${extension} is not registered`);
    }
    const route = { uri: reg.contact, nextHop: reg.source, ringTimeoutMs: this.deps.config.routing.ringTimeoutSeconds * 1000 };
    return this.open(addAttempts(startLiveCall(base), [{ manager: extension, target: reg.contact, nextHop: reg.source }], now), from, route);
  }

  /** Reserves one manager's phone for a call; null when he is busy or offline (nothing stays reserved). */
  private async reserveExtension(callId: string, extension: string, now: number): Promise<Registration | null> {
    const reserved = await this.deps.agents.reserve(callId, [extension], 1, INTERNAL_RULES, now);
    if (reserved.length === 0) return null;
    const reg = (await this.deps.registrations.registered([extension])).get(extension);
    // Reserved but his registration just vanished: give the reservation back.
    if (!reg) await this.deps.agents.offerFailed(extension, callId, 'cancelled', now, NEVER_AUTO_PAUSE);
    return reg ?? null;
  }

  /**
   * Out through the trunks the rules choose (src/core/trunks/choose-trunks.ts), in order:
   * Kamailio walks the list itself on a failure and reports each move (trunkFailedOver).
   */
  private async routeOutbound(request: NewCallRequest, from: string, number: string): Promise<RoutingDecision> {
    const managerLine = this.deps.config.managers.find((m) => m.extension === from)?.line ?? null;
    const clientLine = this.deps.clientLine ? await this.deps.clientLine(number).catch(() => null) : null;
    const { choice, targets } = outboundRoutes(this.deps.config, number, { managerLine, clientLine });
    const first = targets[0]!;
    this.deps.log.info(
      { callId: request.callId, line: choice.line, lineFrom: choice.lineFrom, rule: choice.rule, trunks: choice.attempts.map((a) => a.trunk) },
      'outbound call: trunks chosen',
    );
    const base = { ...this.newCall(request, 'outbound', choice.line, from), trunk: first.trunk ?? null };
    const call = addAttempts(startLiveCall(base), [{ manager: null, target: first.uri }], request.receivedAt);
    await Promise.all([this.deps.calls.put(call), this.deps.agents.placedCall(from, call.callId, call.startedAt)]);
    return { action: 'route', targets, failover: failoverPattern(this.deps.config.outbound.failoverOn) };
  }

  private newCall(request: NewCallRequest, direction: LiveCall['direction'], line: string | null, placedBy: string | null): NewLiveCall {
    return {
      callId: request.callId,
      direction,
      callerNumber: request.fromUser,
      calleeNumber: request.dialled,
      companyNumber: line,
      placedBy,
      startedAt: request.receivedAt,
      transaction: request.transaction ?? null,
      invitedFrom: request.invitedFrom ?? null,
    };
  }

  /** A manager's own call: he is on it from now, and the call is stored before Kamailio rings anyone. */
  private async open(call: LiveCall, placedBy: string, route: RouteTarget): Promise<RoutingDecision> {
    await Promise.all([this.deps.calls.put(call), this.deps.agents.placedCall(placedBy, call.callId, call.startedAt)]);
    return { action: 'route', targets: [route] };
  }

  /** A refused call is still a call: it is written down with the reason. */
  private async refuse(call: NewLiveCall, code: number, reason: string): Promise<RoutingDecision> {
    await this.deps.calls.close(rejectedLiveCall(call, code, reason), call.startedAt);
    return reject(code);
  }
}
