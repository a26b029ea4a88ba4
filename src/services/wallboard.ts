import { addDays, startOfLocalDay, todayIn } from '../core/kpi/kpi-period.js';
import { countByHour, hourlyProfile, type HourlyProfile } from '../core/wallboard/hourly-profile.js';
import type { LocalDaySpan, WallboardFacts } from '../core/wallboard/wallboard-facts.port.js';
import { wallboardFigures, type WallboardFigures } from '../core/wallboard/wallboard-figures.js';
import type { RoutingConsole } from './routing-console.js';

export interface WallboardResult extends WallboardFigures {
  date: string;
  timezone: string;
  /** When the figures were taken, ISO time. */
  at: string;
  hourly: HourlyProfile;
}

export interface WallboardConfig {
  timezone: string;
  serviceLevelSeconds: number;
  historyWeeks: number;
}

export interface WallboardDeps {
  facts: WallboardFacts;
  routing: Pick<RoutingConsole, 'managers' | 'waiting' | 'scenarios'>;
  config: WallboardConfig;
  clock?: () => number;
  /** Figures younger than this are shared by every screen that asks (default 2 s): ten TVs cost one set of queries. */
  cacheMs?: number;
}

/** What the HTTP API asks of the wallboard (src/adapters/http/routes/wallboard.ts). */
export interface WallboardDesk {
  figures(): Promise<WallboardResult>;
}

/**
 * The wallboard: today's finished inbound calls from the history, the calls waiting and
 * the managers' states from live routing, and the same weekday of the previous weeks.
 * Calls in progress count in "waiting now" and the managers' states until they end.
 */
export class Wallboard implements WallboardDesk {
  private readonly clock: () => number;
  private last: { at: number; result: Promise<WallboardResult> } | null = null;

  constructor(private readonly deps: WallboardDeps) {
    this.clock = deps.clock ?? Date.now;
  }

  figures(): Promise<WallboardResult> {
    const now = this.clock();
    if (this.last && now - this.last.at < (this.deps.cacheMs ?? 2000)) return this.last.result;
    const result = this.compute();
    this.last = { at: now, result };
    // A failed read is not kept: the next screen asks again.
    result.catch(() => {
      if (this.last?.result === result) this.last = null;
    });
    return result;
  }

  private async compute(): Promise<WallboardResult> {
    const { timezone, serviceLevelSeconds, historyWeeks } = this.deps.config;
    const now = new Date(this.clock());
    const date = todayIn(timezone, now);
    const span = (day: string): LocalDaySpan => ({ day, from: startOfLocalDay(timezone, day), to: startOfLocalDay(timezone, addDays(day, 1)) });
    const today = span(date);
    const past = Array.from({ length: historyWeeks }, (_, i) => span(addDays(date, -7 * (i + 1))));
    const [calls, pastHours, managers, waiting] = await Promise.all([
      this.deps.facts.inboundCalls(today.from, today.to),
      this.deps.facts.inboundByHour(past, timezone),
      this.deps.routing.managers(),
      this.deps.routing.waiting(),
    ]);
    const figures = wallboardFigures({
      calls,
      waiting: waiting.flatMap((line) => line.calls.map((c) => ({ companyNumber: c.companyNumber, since: new Date(c.since) }))),
      lines: this.deps.routing.scenarios().active.map((s) => ({ name: s.name, numbers: s.numbers })),
      statuses: managers.map((m) => m.status),
      serviceLevelSeconds,
      now,
    });
    return {
      date,
      timezone,
      at: now.toISOString(),
      ...figures,
      hourly: hourlyProfile(countByHour(calls.map((c) => c.startedAt), timezone), pastHours),
    };
  }
}
