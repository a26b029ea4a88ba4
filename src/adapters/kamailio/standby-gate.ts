import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { HandledEvents } from '../../services/router-lease.port.js';
import { StandbyBuffer, type HeardEvent } from '../../services/standby-buffer.js';
import type { KamailioEvent, RouteRequest, UnusableRouteRequest } from './evapi-protocol.js';

export interface StandbyGateDeps {
  /** Whether this instance holds the router lease now (RouterElection.isActive). */
  isActive: () => boolean;
  handled: HandledEvents;
  /** How long a standby keeps what it heard (the longest a dead active can go unreplaced, and more). */
  windowMs: number;
  /** sipSecurity.firstDecisionSeconds in ms: a route request older than this was answered by Kamailio itself (503). */
  firstDecisionMs: number;
  /** What a standby does with an event besides keeping it: its mirrors stay warm (registrations). */
  warm: (event: KamailioEvent) => void;
  /** The bridge's handling of a live event. */
  handle: (event: KamailioEvent) => Promise<void>;
  /** The bridge's answer to an unreadable route request. */
  refuseUnusable: (request: UnusableRouteRequest) => void;
  /** The bridge's answer to a route request the dead active may not have answered (routes it unless its call exists). */
  replayRoute: (request: RouteRequest) => Promise<'routed' | 'known'>;
  log: Logger;
  clock?: () => number;
}

export interface TakeoverReport {
  heard: number;
  /** Handled by the previous active (its marker was found): not done again. */
  alreadyHandled: number;
  replayed: number;
  /** Route requests whose caller Kamailio had refused already (older than the first-decision timer). */
  expired: number;
  /** Route requests the previous active had answered (their call exists). */
  routedBefore: number;
  /** Heard so long ago, or so many, that the buffer let them go (the reconciliation covers them). */
  dropped: number;
}

/** An event's identity across instances: each receives the same bytes from Kamailio. */
export function eventDigest(payload: string): string {
  return createHash('sha1').update(payload).digest('base64url');
}

/** Room enough for about 15 s of events at the rated 300 calls/s (a few events per call). */
const MAX_HEARD = 50_000;
/** A route request this close to Kamailio's first-decision timer is left to it: the answer would race its 503. */
const ROUTE_MARGIN_MS = 250;

/**
 * Stands between Kamailio's events and the bridge when several instances share one
 * Kamailio (evapi sends each event to all of them). The lease holder handles each event
 * and marks it handled (HandledEvents); a standby only keeps it (StandbyBuffer). When
 * the standby takes the lease it replays, in order per call, what it heard that has no
 * marker: route requests still within Kamailio's first-decision timer, failed ring
 * attempts still suspended, answers and hang-ups with their own times. Handlers are
 * idempotent besides (an answer or an end of a call already closed changes nothing), so
 * an event the dead active handled but had not yet marked is not counted twice.
 */
export class StandbyGate {
  private readonly clock: () => number;
  private readonly buffer: StandbyBuffer<KamailioEvent>;
  private catchingUp: { event: KamailioEvent; digest: string }[] | null = null;
  private readonly inHand = new Set<Promise<void>>();
  /** Set once a takeover has replayed what was heard: until then a lease holder still keeps events, so none overtakes the replay. */
  private routing = false;

  constructor(private readonly deps: StandbyGateDeps) {
    this.clock = deps.clock ?? Date.now;
    this.buffer = new StandbyBuffer(deps.windowMs, MAX_HEARD, this.clock);
  }

  /** An event from Kamailio. */
  heard(event: KamailioEvent, payload: string): void {
    const digest = eventDigest(payload);
    if (this.catchingUp) this.catchingUp.push({ event, digest });
    else if (this.routing && this.deps.isActive()) void this.handleAndMark(event, digest);
    else {
      this.buffer.push(event, digest);
      this.deps.warm(event);
    }
  }

  /** An unreadable route request: refused by the lease holder only (a standby's refusal would be a second answer). */
  unusable(request: UnusableRouteRequest): void {
    if (this.routing && this.deps.isActive() && !this.catchingUp) this.deps.refuseUnusable(request);
  }

  /** This instance took the lease: replay what the previous active left, then handle events as they come. */
  async takeOver(): Promise<TakeoverReport> {
    this.catchingUp = [];
    const { heard, dropped } = this.buffer.drain();
    const report: TakeoverReport = { heard: heard.length, alreadyHandled: 0, replayed: 0, expired: 0, routedBefore: 0, dropped };
    try {
      let done = new Set<string>();
      try {
        done = await this.deps.handled.handled(heard.map((h) => h.digest));
      } catch (err) {
        // Without the markers every event is replayed: the handlers' own checks keep it to once.
        this.deps.log.warn({ err }, 'takeover: handled-event markers not read');
      }
      const todo = heard.filter((h) => !done.has(h.digest));
      report.alreadyHandled = heard.length - todo.length;
      await this.inOrderPerCall(todo, (h) => this.replay(h, report));
      // Events that came while replaying, then live handling again.
      while (this.catchingUp.length > 0) {
        const batch = this.catchingUp.splice(0);
        await this.inOrderPerCall(batch, ({ event, digest }) => this.handleAndMark(event, digest));
      }
    } finally {
      this.catchingUp = null;
      this.routing = true;
    }
    this.deps.log.info(report, 'took over from the previous router: what it left is replayed');
    return report;
  }

  /** The lease is lost: keep what is heard from now on, in case it comes back. */
  standBy(): void {
    this.routing = false;
    this.buffer.clear();
  }

  private async replay(h: HeardEvent<KamailioEvent>, report: TakeoverReport): Promise<void> {
    const { event, digest } = h;
    if (event.event === 'route') {
      if (this.clock() - event.ts * 1000 > this.deps.firstDecisionMs - ROUTE_MARGIN_MS) {
        report.expired++;
        return;
      }
      const outcome = await this.deps.replayRoute(event).catch((err: unknown) => {
        this.deps.log.error({ err, callId: event.callid }, 'takeover: route request not replayed');
        return 'known' as const;
      });
      if (outcome === 'known') report.routedBefore++;
      else report.replayed++;
      this.mark(digest);
      return;
    }
    report.replayed++;
    await this.handleAndMark(event, digest);
  }

  /** Resolves when the events in hand are handled, or after `timeoutMs`. */
  async idle(timeoutMs: number): Promise<void> {
    if (this.inHand.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.inHand]), new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
  }

  private async handleAndMark(event: KamailioEvent, digest: string): Promise<void> {
    const handling = this.deps.handle(event).then(() => this.mark(digest));
    this.inHand.add(handling);
    try {
      await handling;
    } finally {
      this.inHand.delete(handling);
    }
  }

  private mark(digest: string): void {
    this.deps.handled.mark(digest).catch((err: unknown) => this.deps.log.debug({ err }, 'handled-event marker not written'));
  }

  /** Events of one call one after the other, in the order heard; different calls side by side. */
  private async inOrderPerCall<T extends { event: KamailioEvent }>(items: T[], run: (item: T) => Promise<void>): Promise<void> {
    const byCall = new Map<string, T[]>();
    for (const item of items) {
      const key = 'callid' in item.event ? item.event.callid : `(${item.event.event})`;
      const list = byCall.get(key);
      if (list) list.push(item);
      else byCall.set(key, [item]);
    }
    await Promise.all(
      [...byCall.values()].map(async (list) => {
        for (const item of list) await run(item).catch((err: unknown) => this.deps.log.error({ err }, 'takeover: event not handled'));
      }),
    );
  }
}
