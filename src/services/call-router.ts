import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { Config } from '../config/config-schema.js';
import type { AgentActivityStore, RegistrationStore, RotationCounter } from '../core/agents/agent-ports.js';
import { classifyCall, type CallIntent } from '../core/calls/dial-plan.js';
import { finishCall, rejectedLiveCall, startLiveCall, type LiveCall } from '../core/calls/live-call.js';
import type { LiveCallStore } from '../core/calls/live-call-store.js';
import type { NewCallRequest, RouteTarget, RoutingDecision } from '../core/calls/routing-decision.js';
import { rotateManagers } from '../core/routing/rotation.js';
import type { CallRecordSink } from './call-record-sink.js';

/** An external callee gets longer to pick up than a manager on shift. */
const OUTBOUND_RING_TIMEOUT_MS = 60_000;

export interface CallRouterDeps {
  config: Config;
  registrations: RegistrationStore;
  activity: AgentActivityStore;
  rotation: RotationCounter;
  liveCalls: LiveCallStore;
  records: CallRecordSink;
  log: Logger;
}

/** Decides where every new call goes, and opens its live record. */
export class CallRouter {
  private readonly extensions: string[];
  private readonly extensionSet: Set<string>;

  constructor(private readonly deps: CallRouterDeps) {
    this.extensions = deps.config.managers.map((m) => m.extension);
    this.extensionSet = new Set(this.extensions);
  }

  async decide(request: NewCallRequest): Promise<RoutingDecision> {
    const startedAt = performance.now();
    const log = this.deps.log.child({ callId: request.callId });
    const intent = classifyCall(
      { source: request.source, fromUser: request.fromUser, dialled: request.dialled },
      { companyNumbers: this.deps.config.companyNumbers, extensions: this.extensionSet },
    );
    const decision = await this.decideIntent(request, intent);
    const decisionMs = Math.round((performance.now() - startedAt) * 1000) / 1000;
    log.info({ intent: intent.kind, action: decision.action, decisionMs, ...(decision.action === 'reject' ? { code: decision.code } : { branches: decision.targets.length }) }, 'call routed');
    return decision;
  }

  private async decideIntent(request: NewCallRequest, intent: CallIntent): Promise<RoutingDecision> {
    switch (intent.kind) {
      case 'reject':
        return this.reject(this.baseCall(request, 'inbound', null, null), intent.code, intent.reason);
      case 'inbound':
        return this.routeInbound(request, intent.companyNumber);
      case 'internal':
        return this.routeInternal(request, intent.fromExtension, intent.extension);
      case 'outbound':
        return this.routeOutbound(request, intent.fromExtension, intent.number);
    }
  }

  private async routeInbound(request: NewCallRequest, line: string): Promise<RoutingDecision> {
    const call = this.baseCall(request, 'inbound', line, null);
    const [registered, holds, sequence] = await Promise.all([
      this.deps.registrations.registered(this.extensions),
      this.deps.activity.holds(this.extensions),
      this.deps.rotation.next(line),
    ]);
    const order = rotateManagers(this.extensions, (e) => registered.has(e) && !holds.has(e), sequence).slice(0, this.deps.config.routing.maxRingAttempts);
    if (order.length === 0) {
      const reason = registered.size === 0 ? 'no manager is registered' : 'every registered manager is on a call';
      return this.reject(call, 480, reason);
    }
    const ringTimeoutMs = this.deps.config.routing.ringTimeoutSeconds * 1000;
    const targets = order.map((extension) => {
      const reg = registered.get(extension)!;
      return { manager: extension, target: reg.contact, route: { uri: reg.contact, nextHop: reg.source, ringTimeoutMs } };
    });
    return this.open(call, targets);
  }

  private async routeInternal(request: NewCallRequest, from: string, extension: string): Promise<RoutingDecision> {
    const call = this.baseCall(request, 'internal', null, from);
    const [registered, holds] = await Promise.all([
      this.deps.registrations.registered([extension]),
      this.deps.activity.holds([extension]),
    ]);
    const reg = registered.get(extension);
    if (!reg) return this.reject(call, 480, `extension ${extension} is not registered`);
    if (holds.has(extension)) return this.reject(call, 486, `extension ${extension} is on another call`);
    const ringTimeoutMs = this.deps.config.routing.ringTimeoutSeconds * 1000;
    return this.open(call, [{ manager: extension, target: reg.contact, route: { uri: reg.contact, nextHop: reg.source, ringTimeoutMs } }]);
  }

  private async routeOutbound(request: NewCallRequest, from: string, number: string): Promise<RoutingDecision> {
    const trunk = this.deps.config.trunks[0]!;
    const call = this.baseCall(request, 'outbound', trunk.callerId, from);
    const uri = `sip:${number}@${trunk.address}:${trunk.port}`;
    const fromUri = `sip:${trunk.callerId}@${this.deps.config.sip.domain}`;
    return this.open(call, [{ manager: null, target: uri, route: { uri, ringTimeoutMs: OUTBOUND_RING_TIMEOUT_MS, fromUri } }]);
  }

  private baseCall(request: NewCallRequest, direction: LiveCall['direction'], line: string | null, placedBy: string | null) {
    return {
      callId: request.callId,
      direction,
      callerNumber: request.fromUser,
      calleeNumber: request.dialled,
      companyNumber: line,
      placedBy,
      startedAt: request.receivedAt,
    };
  }

  private open(
    base: ReturnType<CallRouter['baseCall']>,
    targets: { manager: string | null; target: string; route: RouteTarget }[],
  ): RoutingDecision {
    const call = startLiveCall({ ...base, targets: targets.map(({ manager, target }) => ({ manager, target })) });
    const first = targets[0]?.manager;
    // The writes are queued on the store's connection before we answer, so the next
    // decision (same connection, same order) already sees these holds; waiting for
    // their acknowledgement would only add a round trip to every call's post-dial delay.
    Promise.all([
      this.deps.liveCalls.put(call),
      first ? this.deps.activity.hold(first, 'ringing', call.callId, call.startedAt) : undefined,
      base.placedBy ? this.deps.activity.hold(base.placedBy, 'on-call', call.callId, call.startedAt) : undefined,
    ]).catch((err: unknown) => this.deps.log.error({ err, callId: call.callId }, 'could not store the new call: its manager is not held'));
    return { action: 'route', targets: targets.map((t) => t.route) };
  }

  /** A refused call is still a call: it is written down with the reason. */
  private reject(base: ReturnType<CallRouter['baseCall']>, code: number, reason: string): RoutingDecision {
    this.deps.records.write(finishCall(rejectedLiveCall(base, code, reason), base.startedAt));
    return { action: 'reject', code, reason: reasonPhrase(code) };
  }
}

function reasonPhrase(code: number): string {
  const phrases: Record<number, string> = { 404: 'Not Found', 480: 'Temporarily Unavailable', 486: 'Busy Here', 503: 'Service Unavailable' };
  return phrases[code] ?? 'Rejected';
}
