import type { Logger } from 'pino';
import type { Config } from '../../config/config-schema.js';
import { digestHa1 } from '../../core/agents/digest-ha1.js';
import type { RoutingDecision } from '../../core/calls/routing-decision.js';
import type { CallEvents } from '../../services/call-events.js';
import type { CallRouter } from '../../services/call-router.js';
import type { Registrations } from '../../services/registrations.js';
import type { EvapiClient } from './evapi-client.js';
import type { KamailioEvent, RouteRequest, RoutingDecisionMessage } from './evapi-protocol.js';

export interface KamailioBridgeDeps {
  config: Config;
  evapi: EvapiClient;
  router: CallRouter;
  events: CallEvents;
  registrations: Registrations;
  log: Logger;
}

/** A route request older than this is refused: its caller is already on a retransmission timer. */
const STALE_ROUTE_REQUEST_MS = 1000;

/**
 * Translates between Kamailio's evapi messages and the services: answers route
 * requests, forwards call and registration events, and pushes the managers'
 * digest credentials whenever the channel (re)connects.
 */
export class KamailioBridge {
  constructor(private readonly deps: KamailioBridgeDeps) {}

  start(): void {
    this.deps.evapi.on('connected', () => this.pushCredentials());
    this.deps.evapi.on('event', (event) => void this.handle(event));
    this.deps.evapi.start();
  }

  private pushCredentials(): void {
    const realm = this.deps.config.sip.domain;
    for (const m of this.deps.config.managers) {
      this.deps.evapi.send({ type: 'credential', user: m.extension, ha1: digestHa1(m.extension, realm, m.password) });
    }
    this.deps.log.info({ managers: this.deps.config.managers.length }, 'digest credentials pushed to kamailio');
  }

  private async handle(event: KamailioEvent): Promise<void> {
    const at = Math.round(event.ts * 1000);
    if (event.event === 'route') this.deps.log.debug({ callId: event.callid, lagMs: Date.now() - at }, 'route request received');
    try {
      switch (event.event) {
        case 'route':
          return await this.route(event, at);
        case 'branch_failed':
          return await this.deps.events.branchFailed(event.callid, event.code, event.canceled === 1, at);
        case 'answered':
          return await this.deps.events.answered(event.callid, at);
        case 'ended':
          return await this.deps.events.ended(event.callid, at);
        case 'registered':
          return await this.deps.registrations.registered(event.user, event.contact, event.source, event.expires);
        case 'unregistered':
          return await this.deps.registrations.unregistered(event.user);
      }
    } catch (err) {
      const callId = 'callid' in event ? event.callid : undefined;
      this.deps.log.error({ err, callId, event: event.event }, 'failed to handle a kamailio event');
      if (event.event === 'route') this.answer(event, { action: 'reject', code: 500, reason: 'Routing Failed' });
    }
  }

  private async route(request: RouteRequest, at: number): Promise<void> {
    const waitedMs = Date.now() - at;
    if (waitedMs > STALE_ROUTE_REQUEST_MS) {
      // Overloaded: the caller has been retransmitting; refuse at once rather than add to the backlog.
      this.deps.log.warn({ callId: request.callid, waitedMs }, 'route request too old: refused with 503');
      return this.answer(request, { action: 'reject', code: 503, reason: 'Overloaded' });
    }
    const decision = await this.deps.router.decide({
      callId: request.callid,
      source: request.source,
      fromUser: request.from_user,
      dialled: request.ruri_user || request.to_user,
      receivedAt: at,
    });
    this.answer(request, decision);
  }

  private answer(request: RouteRequest, decision: RoutingDecision): void {
    const message: RoutingDecisionMessage =
      decision.action === 'reject'
        ? { type: 'decision', tindex: request.tindex, tlabel: request.tlabel, action: 'reject', code: decision.code, reason: decision.reason }
        : {
            type: 'decision',
            tindex: request.tindex,
            tlabel: request.tlabel,
            action: 'route',
            routes: {
              version: '1.0',
              routing: 'serial',
              routes: decision.targets.map((t) => ({
                uri: t.uri,
                ...(t.nextHop ? { dst_uri: t.nextHop } : {}),
                fr_inv_timer: t.ringTimeoutMs,
                fr_timer: 4000,
                ...(t.fromUri ? { headers: { from: { uri: t.fromUri } } } : {}),
              })),
            },
          };
    if (!this.deps.evapi.send(message)) {
      this.deps.log.error({ callId: request.callid }, 'kamailio disconnected before the routing answer could be sent');
    }
  }
}
