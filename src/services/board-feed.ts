import type { Logger } from 'pino';
import { boardCallOf, liveCountsOf, type BoardManager, type BoardSnapshot, type TeamToday } from '../core/board/live-board.js';
import type { CallFilter, CallStore } from '../core/calls/call-store.port.js';
import type { LiveCall } from '../core/calls/live-call.js';
import type { DomainEvents } from './domain-events.js';
import type { RoutingConsole } from './routing-console.js';

export interface BoardFeedDeps {
  routing: RoutingConsole;
  /** Live calls by Call-ID (the ledger): whom a manager rings for or talks with. */
  liveCalls: { get(callId: string): Promise<LiveCall | null> };
  /** The finished calls, for the day's counters; without it the board has none. */
  history?: Pick<CallStore, 'listCalls'>;
  events: DomainEvents;
  /** The local day (routing.timezone) holding `now`: its date and its first instant. */
  today(now: Date): { date: string; start: Date };
  log: Logger;
  clock?: () => number;
  /** How often the board is looked at while someone watches; changes reach the page within this. */
  intervalMs?: number;
  /** The day's counters are re-read at least this often (and at once after a call ends). */
  todayRefreshMs?: number;
}

/** Longer than the call record writer's batching, so a counted call is in the table. */
const RECORD_WRITE_DELAY_MS = 1500;

type Listener = (snapshot: BoardSnapshot) => void;

/**
 * The live board, pushed to every open console. One snapshot is built per tick for all
 * viewers, and sent only when it differs from the last one. Managers' states come from
 * the in-memory mirrors (the same the routing reads), so a tick costs no Redis round
 * trip; the day's counters are counted in PostgreSQL only after a call ends.
 */
export class BoardFeed {
  private readonly listeners = new Set<Listener>();
  private readonly clock: () => number;
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private last: { json: string; snapshot: BoardSnapshot } | null = null;
  private today: { value: TeamToday; readAt: number } | null = null;
  private ticking = false;
  private readonly seenStatus = new Map<string, { status: BoardManager['status']; since: string; lookedAt: number }>();

  constructor(private readonly deps: BoardFeedDeps) {
    this.clock = deps.clock ?? Date.now;
  }

  start(): void {
    // The record reaches PostgreSQL through a batched writer, a moment after call.ended: look again then too.
    const stale = () => {
      this.today = null;
      setTimeout(() => (this.today = null), RECORD_WRITE_DELAY_MS).unref();
    };
    const offs = [this.deps.events.on('call.ended', stale), this.deps.events.on('call.started', () => void this.tick()), this.deps.events.on('call.answered', () => void this.tick())];
    this.unsubscribe = () => offs.forEach((off) => off());
    this.timer = setInterval(() => void this.tick(), this.deps.intervalMs ?? 250);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unsubscribe?.();
    this.listeners.clear();
  }

  /** Sends the current board at once, then every change; returns the unsubscribe. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    if (this.last) listener(this.last.snapshot);
    else void this.tick();
    return () => this.listeners.delete(listener);
  }

  get watchers(): number {
    return this.listeners.size;
  }

  async snapshot(): Promise<BoardSnapshot> {
    const now = this.clock();
    const [views, waiting, today] = await Promise.all([this.deps.routing.managers(), this.deps.routing.waiting(), this.teamToday(now)]);
    const managers = await Promise.all(
      views.map(async (v): Promise<BoardManager> => {
        const live = v.callIds[0] === undefined ? null : await this.deps.liveCalls.get(v.callIds[0]);
        return {
          extension: v.extension,
          name: v.name,
          status: v.status,
          since: this.statusSince(v.extension, v.status, v.since, now),
          pauseReason: v.pauseReason,
          callsToday: v.callsToday,
          talkSecondsToday: v.talkSecondsToday,
          call: live ? boardCallOf(live, v.extension, v.status) : null,
        };
      }),
    );
    const lines = waiting.map((line) => ({
      scenario: line.scenario,
      calls: line.calls.map((c) => ({ callId: c.callId, callerNumber: c.callerNumber, priority: c.priority, since: c.since })),
    }));
    return { managers, waiting: lines, today, live: liveCountsOf(managers, lines) };
  }

  /**
   * The state store dates the changes it makes (ringing, talking, pauses) but not those it
   * only infers: a phone registering, a wrap-up running out. A status the board has not
   * seen before started at the store's time if that is after the last look, else between
   * the last look and this one: now, to within a tick.
   */
  private statusSince(extension: string, status: BoardManager['status'], storeSince: string, now: number): string {
    const before = this.seenStatus.get(extension);
    if (before?.status === status) return before.since;
    const since = before === undefined || Date.parse(storeSince) > before.lookedAt ? storeSince : new Date(now).toISOString();
    this.seenStatus.set(extension, { status, since, lookedAt: now });
    return since;
  }

  private async tick(): Promise<void> {
    if (this.listeners.size === 0 || this.ticking) return;
    this.ticking = true;
    try {
      const snapshot = await this.snapshot();
      const json = JSON.stringify(snapshot);
      if (json === this.last?.json) return;
      this.last = { json, snapshot };
      for (const listener of this.listeners) listener(snapshot);
    } catch (err) {
      this.deps.log.warn({ err }, 'the live board could not be read; the next tick tries again');
    } finally {
      this.ticking = false;
    }
  }

  private async teamToday(now: number): Promise<TeamToday | null> {
    const history = this.deps.history;
    if (!history) return null;
    const day = this.deps.today(new Date(now));
    const fresh = this.today && this.today.value.date === day.date && now - this.today.readAt < (this.deps.todayRefreshMs ?? 60_000);
    if (fresh) return this.today!.value;
    const count = async (filter: CallFilter) => (await history.listCalls({ from: day.start, ...filter }, { limit: 1 })).total;
    const [inboundCalls, inboundAnswered, inboundMissed, outboundCalls, outboundConnected] = await Promise.all([
      count({ direction: 'inbound' }),
      count({ direction: 'inbound', disposition: 'answered' }),
      count({ direction: 'inbound', disposition: 'missed' }),
      count({ direction: 'outbound' }),
      count({ direction: 'outbound', disposition: 'answered' }),
    ]);
    const value = { date: day.date, inboundCalls, inboundAnswered, inboundMissed, outboundCalls, outboundConnected };
    this.today = { value, readAt: now };
    return value;
  }
}
