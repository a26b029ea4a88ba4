import type { ManagerKpi } from './manager-kpi.js';

/**
 * Each cell of a manager's KPI row against his own trailing average: heads of sales
 * judge a manager by his usual day, not by the team's, since lines and lead flows differ.
 */

/** The figures a drawdown can be watched on: every numeric cell of the row. */
export type KpiMetric = Exclude<keyof ManagerKpi, 'manager'>;

/** Which way is good. A fall of a higher-is-better figure is a drawdown; a rise of a lower-is-better one is. */
export const METRIC_DIRECTION: Record<KpiMetric, 'higher-is-better' | 'lower-is-better'> = {
  leadsReceived: 'higher-is-better',
  firstDialMedianSeconds: 'lower-is-better',
  shareDialledWithinSla: 'higher-is-better',
  shareLeadsCalled: 'higher-is-better',
  inboundOffered: 'higher-is-better',
  inboundAnswered: 'higher-is-better',
  inboundMissed: 'lower-is-better',
  answerRate: 'higher-is-better',
  outboundCalls: 'higher-is-better',
  outboundConnected: 'higher-is-better',
  talkSeconds: 'higher-is-better',
  averageCallSeconds: 'higher-is-better',
  callbacksOwed: 'lower-is-better',
  callbackMedianSeconds: 'lower-is-better',
};

/** Every metric, in the order of the row's fields: the order of the CSV columns and of the comparisons. */
export const KPI_METRICS = Object.keys(METRIC_DIRECTION) as KpiMetric[];

export interface DrawdownRules {
  /** How many previous periods the trailing average covers (the last N of `previous`). */
  periods: number;
  /** Per watched metric, the share (0.25 = 25 %) by which it may worsen before it is flagged. */
  maxWorsening: Partial<Record<KpiMetric, number>>;
}

export interface MetricComparison {
  metric: KpiMetric;
  current: number | null;
  /** Mean of the metric over the previous periods where it had a value; null when none had. */
  trailingAverage: number | null;
  /** (current - average) / average, signed; null when either is null or the average is 0. */
  change: number | null;
  /** Worsened by more than the metric's threshold (strictly more). Never for an unwatched metric. */
  flagged: boolean;
}

/**
 * Compares every metric of `current` with the average of the last `rules.periods` rows of
 * `previous` (oldest first, the same manager's). No history, a null cell or a zero average
 * gives no flag: a share of nothing cannot fall.
 */
export function compareWithTrailing(current: ManagerKpi, previous: readonly ManagerKpi[], rules: DrawdownRules): MetricComparison[] {
  const window = rules.periods > 0 ? previous.slice(-rules.periods) : [];
  return KPI_METRICS.map((metric) => {
    const history = window.flatMap((row) => (row[metric] === null ? [] : [row[metric]]));
    const trailingAverage = history.length === 0 ? null : history.reduce((a, b) => a + b, 0) / history.length;
    const value = current[metric];
    const change = value === null || trailingAverage === null || trailingAverage === 0 ? null : (value - trailingAverage) / trailingAverage;
    const threshold = rules.maxWorsening[metric];
    const worsening = change === null ? null : METRIC_DIRECTION[metric] === 'higher-is-better' ? -change : change;
    return { metric, current: value, trailingAverage, change, flagged: threshold !== undefined && worsening !== null && worsening > threshold };
  });
}

/** Just the flagged metrics: what the console highlights. */
export function drawdowns(current: ManagerKpi, previous: readonly ManagerKpi[], rules: DrawdownRules): MetricComparison[] {
  return compareWithTrailing(current, previous, rules).filter((c) => c.flagged);
}
