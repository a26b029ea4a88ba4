import type { Logger } from 'pino';
import { registrationSeconds } from '../../core/agents/registration-expiry.js';
import type { Config } from '../../config/config-schema.js';
import { digestHa1 } from '../../core/agents/digest-ha1.js';
import type { LiveCall } from '../../core/calls/live-call.js';
import { reject, type NewCallRequest, type RoutingDecision } from '../../core/calls/routing-decision.js';
import type { CallEvents } from '../../services/call-events.js';
import type { CallRouter } from '../../services/call-router.js';
import type { Registrations } from '../../services/registrations.js';
import type { TrunkStatus } from '../../services/trunk-status.js';
import type { HandledEvents } from '../../services/router-lease.port.js';
import type { CachedRegistrationStore } from '../memory/cached-registration-store.js';
import type { EvapiClient } from './evapi-client.js';
import type { KamailioEvent, RouteRequest, RoutingDecisionMessage } from './evapi-protocol.js';
import { StandbyGate, type TakeoverReport } from './standby-gate.js';

export interface KamailioBridgeDeps {
  config: Config;
  evapi: EvapiClient;
  /** Only its decision is asked for, so a wrapper (the metrics' timer) can stand in. */
  router: Pick<CallRouter, 'decide'>;
  events: CallEvents;
  registrations: Registrations;
  trunks: TrunkStatus;
  /** The managers now (a reload changes them); default: config.managers. */
  managers?: () => Config['managers'];
  log: Logger;
  /**
   * Several instances on one Kamailio (failover): only the lease holder handles events;
   * without this, every event is handled (one instance, tests).
   */
  leadership?: {
    isActive: () => boolean;
    handled: HandledEvents;
    /** Whether a call is known (live): a replayed route request of a known call was answered already. */
    isLive: (callId: string) => Promise<boolean>;
    /** The registrations mirror a standby keeps warm from the REGISTERs it hears (the holder stores them). */
    registrationCache: Pick<CachedRegistrationStore, 'remember' | 'forget'>;
    windowMs: number;
  };
}

/** A route request older than this is refused: its caller is already on a retransmission timer. */
const STALE_ROUTE_REQUEST_MS = 1000;

type Transaction = { tindex: number; tlabel: number };

/** Events that need no answer: retried when handling fails, for about half a minute. */
const REPORTS = new Set<KamailioEvent['event']>(['cancelled', 'answered', 'ended', 'registered', 'unregistered', 'trunk_next']);
const REPORT_RETRIES = 18;

/**
 * Translates between Kamailio's evapi messages and the services: answers route
 * requests and failed ring attempts, resumes calls that waited in line, forwards
 * call and registration events, and pushes the managers' digest credentials
 * whenever the channel (re)connects.
 */
export class KamailioBridge {
  private readonly gate: StandbyGate | null;
  /** Managers withdrawn while running: withdrawn again on a reconnect, in case Kamailio missed it. */
  private readonly withdrawn = new Set<string>();

  constructor(private readonly deps: KamailioBridgeDeps) {
    const lead = deps.leadership;
    this.gate = lead
      ? new StandbyGate({
          isActive: lead.isActive,
          handled: lead.handled,
          windowMs: lead.windowMs,
          firstDecisionMs: deps.config.sipSecurity.firstDecisionSeconds * 1000,
          warm: (event) => this.warm(event, lead.registrationCache),
          handle: (event) => this.handle(event),
          refuseUnusable: (request) => this.refuseUnusable(request),
          replayRoute: async (request) => {
            if (await lead.isLive(request.callid)) return 'known';
            await this.route(request, Math.round(request.ts * 1000), { replayed: true });
            return 'routed';
          },
          log: deps.log.child({ component: 'failover' }),
        })
      : null;
  }

  start(): void {
    this.deps.evapi.on('connected', () => this.pushCredentials());
    const gate = this.gate;
    if (gate) {
      this.deps.evapi.on('event', (event, payload) => event.event !== 'rpc' && gate.heard(event, payload));
      this.deps.evapi.on('unusable', (request) => gate.unusable(request));
    } else {
      this.deps.evapi.on('event', (event) => void this.handle(event));
      this.deps.evapi.on('unusable', (request) => this.refuseUnusable(request));
    }
    this.deps.evapi.start();
  }

  /** This instance took the router lease: it replays what the previous router left unfinished. */
  async takeOver(): Promise<TakeoverReport | null> {
    return this.gate ? this.gate.takeOver() : null;
  }

  /** Resolves when the events in hand are handled (an orderly hand-over), or after `timeoutMs`. */
  async idle(timeoutMs: number): Promise<void> {
    await this.gate?.idle(timeoutMs);
  }

  /** This instance lost the router lease: it only listens. */
  standBy(): void {
    this.gate?.standBy();
  }

  /**
   * A standby's view stays current: registrations (routing reads them the moment it takes
   * over) and trunks' state (its /api/trunks and health; the router raises trunk.down/up).
   * A trunk's change reported in the moment the router died is then not raised by the
   * standby's replay (its state has it already); the next change is.
   */
  private warm(event: KamailioEvent, cache: Pick<CachedRegistrationStore, 'remember' | 'forget'>): void {
    if (event.event === 'trunk_status') this.deps.trunks.reported(event.trunk, event.status, Math.round(event.ts * 1000), { quiet: true });
    if (event.event === 'unregistered') cache.forget(event.user);
    if (event.event !== 'registered' || !this.managers().some((m) => m.extension === event.user)) return;
    const seconds = registrationSeconds(event.expires, event.ts);
    const at = Math.round(event.ts * 1000);
    cache.remember(event.user, { contact: event.contact, source: event.source, ...(event.regcallid ? { callId: event.regcallid } : {}), expiresAt: at + seconds * 1000 }, seconds);
  }

  // Kamailio holds the caller until it hears from us: refuse what we cannot read.
  private refuseUnusable(request: Parameters<StandbyGate['unusable']>[0]): void {
    this.send(request.callId ?? '(unreadable)', request, reject(400));
  }

  /** Resumes a call Kamailio holds suspended (it waited in line). */
  resume(call: LiveCall, decision: RoutingDecision): void {
    if (this.deps.leadership && !this.deps.leadership.isActive()) {
      // A line left in the memory of an instance that lost the lease: the router now holding it took the line over (reconciliation).
      this.deps.log.warn({ callId: call.callId }, 'waiting call not resumed: this instance no longer routes');
      return;
    }
    if (!call.transaction) {
      this.deps.log.error({ callId: call.callId }, 'cannot resume a call without its kamailio transaction');
      return;
    }
    this.send(call.callId, call.transaction, decision);
  }

  /** A route request found suspended in Kamailio that no process answered (the one asked died). */
  async routeAgain(request: NewCallRequest & { transaction: Transaction }): Promise<void> {
    this.send(request.callId, request.transaction, await this.deps.router.decide(request, { resumed: true }));
  }

  /** Asks Kamailio to ring the manager and REFER him to the client (click-to-call). False when disconnected. */
  bridge(managerUri: string, clientUri: string): boolean {
    return this.deps.evapi.send({ type: 'bridge', from: managerUri, to: clientUri });
  }

  private managers(): Config['managers'] {
    return this.deps.managers?.() ?? this.deps.config.managers;
  }

  private pushCredentials(): void {
    const managers = this.managers();
    for (const m of managers) this.pushCredential(m.extension, m);
    for (const extension of this.withdrawn) if (!managers.some((m) => m.extension === extension)) this.pushCredential(extension, null);
    const disabled = managers.filter((m) => m.disabled).length;
    this.deps.log.info({ managers: managers.length - disabled, disabled }, 'digest credentials pushed to kamailio');
  }

  /**
   * One manager's digest credential into Kamailio's htable, live (a reload); null, or a
   * disabled manager, withdraws it (an empty HA1 removes the entry). False when disconnected:
   * every credential is pushed again when the channel reconnects.
   */
  pushCredential(extension: string, manager: Config['managers'][number] | null): boolean {
    const ha1 = manager && !manager.disabled ? digestHa1(extension, this.deps.config.sip.domain, manager.password) : '';
    if (manager) this.withdrawn.delete(extension);
    else this.withdrawn.add(extension);
    return this.deps.evapi.send({ type: 'credential', user: extension, ha1 });
  }

  private async handle(event: KamailioEvent, attempt = 0): Promise<void> {
    if (event.event === 'rpc') return; // a reply for KamailioRpc, which listens on the same channel
    const at = Math.round(event.ts * 1000);
    try {
      switch (event.event) {
        case 'route':
          return await this.route(event, at);
        case 'branch_failed': {
          const next = await this.deps.events.branchFailed(event.callid, event.code, event.canceled === 1, at);
          if (next && event.tindex !== undefined && event.tlabel !== undefined) this.send(event.callid, { tindex: event.tindex, tlabel: event.tlabel }, next);
          return;
        }
        case 'cancelled':
          return await this.deps.events.cancelled(event.callid, at, event.src_ip === undefined ? null : `${event.src_ip}:${event.src_port ?? ''}`);
        case 'answered':
          return await this.deps.events.answered(event.callid, at, event.src);
        case 'ended':
          return await this.deps.events.ended(event.callid, at);
        case 'registered':
          return await this.deps.registrations.registered(event.user, { contact: event.contact, source: event.source, callId: event.regcallid }, registrationSeconds(event.expires, event.ts), at);
        case 'unregistered':
          return await this.deps.registrations.unregistered(event.user);
        case 'trunk_next':
          return await this.deps.events.trunkFailedOver(
            event.callid,
            { code: event.code, skipped: event.skipped.split(',').filter(Boolean), next: event.next ? { trunk: event.next, uri: event.next_uri } : null },
            at,
          );
        case 'trunk_status':
          return this.deps.trunks.reported(event.trunk, event.status, at);
      }
    } catch (err) {
      const callId = 'callid' in event ? event.callid : undefined;
      // A report (answer, hang-up, registration) is sent once and never again: a store
      // that failed for a moment (Redis restarting) must not cost the call its record.
      if (REPORTS.has(event.event) && attempt < REPORT_RETRIES) {
        this.deps.log.warn({ err, callId, event: event.event, attempt: attempt + 1 }, 'kamailio event not handled yet: retrying');
        setTimeout(() => void this.handle(event, attempt + 1), Math.min(250 * 2 ** attempt, 2000)).unref();
        return;
      }
      this.deps.log.error({ err, callId, event: event.event }, 'failed to handle a kamailio event');
      // A suspended call must always get an answer, or its caller hears nothing until Kamailio's timer.
      if (event.event === 'route') this.send(event.callid, event, reject(500));
      if (event.event === 'branch_failed' && event.canceled === 0 && event.tindex !== undefined && event.tlabel !== undefined) {
        this.send(event.callid, { tindex: event.tindex, tlabel: event.tlabel }, reject(500, true));
      }
    }
  }

  /**
   * `replayed`: heard while standing by and left unanswered by the router that died; it
   * waited for the takeover (not for an overloaded service), and the Call-ID may carry
   * the dead router's claim (CallIdGuard.claimReplayed).
   */
  private async route(request: RouteRequest, at: number, { replayed = false } = {}): Promise<void> {
    const waitedMs = Date.now() - at;
    if (!replayed && waitedMs > STALE_ROUTE_REQUEST_MS) {
      // Overloaded: the caller has been retransmitting; refuse at once rather than add to the backlog.
      this.deps.log.warn({ callId: request.callid, waitedMs }, 'route request too old: refused with 503');
      return this.send(request.callid, request, { action: 'reject', code: 503, reason: 'Overloaded' });
    }
    const transaction = { tindex: request.tindex, tlabel: request.tlabel };
    const decision = await this.deps.router.decide({
      callId: request.callid,
      source: request.source,
      fromUser: request.from_user,
      dialled: request.ruri_user || request.to_user,
      receivedAt: at,
      transaction,
      invitedFrom: `${request.src_ip}:${request.src_port}`,
      ...(request.from_tag && request.sdp ? { offer: { fromTag: request.from_tag, sdp: request.sdp } } : {}),
      ...(request.trunk ? { trunk: request.trunk } : {}),
    }, { replayed });
    this.send(request.callid, transaction, decision);
  }

  private send(callId: string, transaction: Transaction, decision: RoutingDecision): void {
    if (!this.deps.evapi.send(toMessage(transaction, decision))) {
      this.deps.log.error({ callId }, 'kamailio disconnected before the routing answer could be sent');
    }
  }
}

function toMessage({ tindex, tlabel }: Transaction, decision: RoutingDecision): RoutingDecisionMessage {
  const address = { type: 'decision' as const, tindex, tlabel };
  switch (decision.action) {
    case 'reject':
      return { ...address, action: 'reject', code: decision.code, reason: decision.reason, media: decision.media ? 'yes' : 'no' };
    case 'wait':
      return { ...address, action: 'wait', ringback: decision.quiet ? 'no' : 'yes' };
    case 'early':
      return { ...address, action: 'early', sdp: decision.sdp };
    case 'route':
      return {
        ...address,
        action: 'route',
        // Empty: Kamailio asks the service after every failure (no trunk list to walk).
        failover: decision.failover ?? '',
        routes: {
          version: '1.0',
          routing: decision.parallel ? 'parallel' : 'serial',
          routes: decision.targets.map((t) => ({
            uri: t.uri,
            ...(t.nextHop ? { dst_uri: t.nextHop } : {}),
            fr_inv_timer: t.ringTimeoutMs,
            fr_timer: 4000,
            ...(t.fromUri || t.extraHeaders ? { headers: { ...(t.fromUri ? { from: { uri: t.fromUri } } : {}), ...(t.extraHeaders ? { extra: t.extraHeaders } : {}) } } : {}),
          })),
        },
      };
  }
}
