import { compareWithTrailing, KPI_METRICS, type DrawdownRules, type KpiMetric, type MetricComparison } from './drawdown.js';
import { emptyManagerKpi, managerKpis, type KpiFacts, type KpiPeriod, type ManagerKpi } from './manager-kpi.js';

/** A metric's value in each previous period, oldest first, then in the current one. */
export type KpiTrend = Record<KpiMetric, (number | null)[]>;

export interface ManagerKpiReport {
  kpi: ManagerKpi;
  /** Every metric against the manager's own trailing average. */
  comparisons: MetricComparison[];
  trend: KpiTrend;
}

/**
 * The rows of a KPI report: each manager's figures for `current`, compared with his
 * figures for the `previous` periods (oldest first). One set of facts covering them all
 * is sliced here, period by period, so the store is read once. Rows as managerKpis gives
 * them: every manager in `managers`, and anyone else the facts name.
 */
export function managerKpiReports(
  facts: KpiFacts,
  current: KpiPeriod,
  previous: readonly KpiPeriod[],
  now: Date,
  managers: readonly string[],
  rules: DrawdownRules,
): ManagerKpiReport[] {
  const history = previous.map((period) => new Map(managerKpis(facts, period, now, managers).map((row) => [row.manager, row])));
  return managerKpis(facts, current, now, managers).map((kpi) => {
    // A period without a fact of his is a period of zeros (and nulls), not a gap: he made no calls.
    const rows = history.map((byManager) => byManager.get(kpi.manager) ?? emptyManagerKpi(kpi.manager));
    const trend = Object.fromEntries(KPI_METRICS.map((metric) => [metric, [...rows, kpi].map((row) => row[metric])])) as KpiTrend;
    return { kpi, comparisons: compareWithTrailing(kpi, rows, rules), trend };
  });
}

/** Whether the row has any figure: the unowned row is left out of a report when it has none. */
export function hasFigures(kpi: ManagerKpi): boolean {
  return KPI_METRICS.some((metric) => kpi[metric] !== null && kpi[metric] !== 0);
}
