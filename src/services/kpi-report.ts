import type { Config, ManagerConfig } from '../config/config-schema.js';
import type { KpiConfig } from '../config/kpi-config-schema.js';
import { AppError } from '../core/errors/app-error.js';
import type { KpiMetric, MetricComparison } from '../core/kpi/drawdown.js';
import type { KpiFactSource } from '../core/kpi/kpi-facts.port.js';
import { checkReadSpan, localPeriod, previousPeriods, todayIn } from '../core/kpi/kpi-period.js';
import { hasFigures, managerKpiReports, type KpiTrend } from '../core/kpi/kpi-report-rows.js';
import type { ManagerKpi } from '../core/kpi/manager-kpi.js';
import { kpiCsv } from './kpi-csv.js';

/** Local dates, YYYY-MM-DD, both included; either defaults to the other, both to today. */
export interface KpiReportRequest {
  from?: string;
  to?: string;
  /** One manager's row only. */
  manager?: string;
}

export interface KpiReportRow {
  /** null: the unowned leads and callback tasks. */
  manager: string | null;
  name: string | null;
  kpi: ManagerKpi;
  comparisons: MetricComparison[];
  /** The trailing periods oldest first, then the report's period last. */
  trend: KpiTrend;
}

export interface KpiReportResult {
  from: string;
  to: string;
  timezone: string;
  /** Today's local date: a period reaching it is still running. */
  today: string;
  days: number;
  trailingPeriods: number;
  maxWorsening: Partial<Record<KpiMetric, number>>;
  rows: KpiReportRow[];
}

export interface KpiCsvFile {
  from: string;
  to: string;
  text: string;
}

/** What the HTTP API asks of the KPI report (src/adapters/http/routes/kpi.ts). */
export interface KpiDesk {
  report(request: KpiReportRequest): Promise<KpiReportResult>;
  csv(request: KpiReportRequest): Promise<KpiCsvFile>;
}

export interface KpiReportConfig {
  routing: Pick<Config['routing'], 'timezone'>;
  managers: readonly Pick<ManagerConfig, 'extension' | 'name'>[];
  kpi: Pick<KpiConfig, 'trailingPeriods' | 'maxWorsening' | 'maxReadDays'>;
}

export interface KpiReportDeps {
  facts: KpiFactSource;
  config: KpiReportConfig;
  clock?: () => number;
}

/**
 * The supervisor console's KPI table: per configured manager, his figures for a period
 * of local days, each compared with his average over the trailing periods of the same
 * length, and the trend. One read of the facts covers every period.
 */
export class KpiReport implements KpiDesk {
  private readonly clock: () => number;

  constructor(private readonly deps: KpiReportDeps) {
    this.clock = deps.clock ?? Date.now;
  }

  async report(request: KpiReportRequest = {}): Promise<KpiReportResult> {
    const { routing, managers, kpi } = this.deps.config;
    const now = new Date(this.clock());
    const today = todayIn(routing.timezone, now);
    const period = localPeriod(routing.timezone, request.from ?? request.to ?? today, request.to ?? request.from ?? today);
    checkReadSpan(period, kpi.trailingPeriods, kpi.maxReadDays);
    const wanted = this.managersAsked(request.manager);
    const previous = previousPeriods(routing.timezone, period, kpi.trailingPeriods);
    const facts = await this.deps.facts.read(previous[0]?.from ?? period.from, period.to);
    const rules = { periods: kpi.trailingPeriods, maxWorsening: kpi.maxWorsening };
    const names = new Map(managers.map((m) => [m.extension, m.name]));
    const rows = managerKpiReports(facts, period, previous, now, wanted.map((m) => m.extension), rules)
      // Configured managers; the unowned row on the full table when it has anything. A
      // manager removed from the configuration leaves the table with him.
      .filter(({ kpi: row }) => (row.manager === null ? request.manager === undefined && hasFigures(row) : wanted.some((m) => m.extension === row.manager)))
      .map((r): KpiReportRow => ({ manager: r.kpi.manager, name: r.kpi.manager === null ? null : (names.get(r.kpi.manager) ?? null), ...r }));
    return {
      from: period.firstDay,
      to: period.lastDay,
      timezone: routing.timezone,
      today,
      days: period.days,
      trailingPeriods: kpi.trailingPeriods,
      maxWorsening: kpi.maxWorsening,
      rows,
    };
  }

  async csv(request: KpiReportRequest = {}): Promise<KpiCsvFile> {
    const result = await this.report(request);
    return { from: result.from, to: result.to, text: kpiCsv(result) };
  }

  private managersAsked(extension: string | undefined): readonly Pick<ManagerConfig, 'extension' | 'name'>[] {
    const { managers } = this.deps.config;
    if (extension === undefined) return managers;
    const manager = managers.find((m) => m.extension === extension);
    if (!manager) {
      throw new AppError('REQUEST.INVALID', `manager ${extension} is not a configured manager (managers: ${managers.map((m) => m.extension).join(', ')})`, 400);
    }
    return [manager];
  }
}
