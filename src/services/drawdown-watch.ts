import type { Logger } from 'pino';
import type { Config } from '../config/config-schema.js';
import type { KpiConfig } from '../config/kpi-config-schema.js';
import { alertMetrics, type DrawdownAlert } from '../core/kpi/drawdown-alert.js';
import type { DrawdownAlertStore } from '../core/kpi/drawdown-alert-store.port.js';
import { addDays, todayIn } from '../core/kpi/kpi-period.js';
import type { DomainEvents } from './domain-events.js';
import type { KpiDesk } from './kpi-report.js';

export interface DrawdownWatchDeps {
  report: Pick<KpiDesk, 'report'>;
  alerts: DrawdownAlertStore;
  events: DomainEvents;
  config: { routing: Pick<Config['routing'], 'timezone'>; kpi: Pick<KpiConfig, 'alertCheckMinutes'> };
  log: Logger;
  clock?: () => number;
}

/**
 * Calls are written when they end: a day is judged once the calls that began before its
 * midnight have ended, or its last hour would look quiet.
 */
const SETTLE_MS = 60 * 60_000;

/**
 * Raises manager.kpi_drawdown for each configured manager whose last completed local day
 * worsened past kpi.maxWorsening against his trailing average. Never the running day: a
 * morning would look like a collapse of calls per day. A periodic check rather than a
 * job at midnight: the alert table's key makes a repeated or concurrent check raise each
 * alert once, and an instance that was down at midnight catches up at its next check.
 */
export class DrawdownWatch {
  private readonly clock: () => number;
  private timer: NodeJS.Timeout | undefined;
  private checking = false;
  /** The last day judged to the end (every alert claimed or not needed): not read again every few minutes. */
  private judged: string | null = null;

  constructor(private readonly deps: DrawdownWatchDeps) {
    this.clock = deps.clock ?? Date.now;
  }

  start(): void {
    const every = this.deps.config.kpi.alertCheckMinutes * 60_000;
    this.timer = setInterval(() => {
      this.check().catch((err: unknown) => this.deps.log.error({ err }, 'KPI drawdown check failed'));
    }, every);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The last local day that ended at least SETTLE_MS ago (YYYY-MM-DD). */
  dayToJudge(): string {
    return addDays(todayIn(this.deps.config.routing.timezone, new Date(this.clock() - SETTLE_MS)), -1);
  }

  /** One check (the timer's; public for tests). Returns the alerts this instance raised. */
  async check(): Promise<DrawdownAlert[]> {
    if (this.checking) return [];
    this.checking = true;
    try {
      const day = this.dayToJudge();
      if (day === this.judged) return [];
      let complete = true;
      const report = await this.deps.report.report({ from: day, to: day });
      const raised: DrawdownAlert[] = [];
      for (const row of report.rows) {
        if (row.manager === null) continue;
        const metrics = alertMetrics(row.comparisons, report.maxWorsening);
        if (metrics.length === 0) continue;
        const alert: DrawdownAlert = { manager: row.manager, day, metrics, raisedAt: new Date(this.clock()) };
        try {
          if (!(await this.deps.alerts.claim(alert))) continue;
        } catch (err) {
          // The others are still judged; this one is tried again at the next check.
          this.deps.log.error({ err, manager: row.manager, day }, 'KPI drawdown alert could not be recorded');
          complete = false;
          continue;
        }
        raised.push(alert);
        this.deps.log.warn({ manager: row.manager, day, metrics: metrics.map((m) => m.metric) }, 'KPI drawdown');
        this.deps.events.emit('manager.kpi_drawdown', {
          extension: row.manager,
          name: row.name ?? row.manager,
          day,
          metrics,
          at: alert.raisedAt.toISOString(),
        });
      }
      if (complete) this.judged = day;
      return raised;
    } finally {
      this.checking = false;
    }
  }
}
