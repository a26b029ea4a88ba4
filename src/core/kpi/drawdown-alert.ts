import type { KpiMetric, MetricComparison } from './drawdown.js';

/**
 * A manager's drawdown on one completed day: the metrics that worsened past their
 * threshold against his trailing average. Raised once per manager and day.
 */

export interface DrawdownAlertMetric {
  metric: KpiMetric;
  current: number;
  trailingAverage: number;
  /** Signed, as in MetricComparison: -0.4 is a 40 % fall. */
  change: number;
  /** The configured share it may worsen by (kpi.maxWorsening). */
  threshold: number;
}

export interface DrawdownAlert {
  manager: string;
  /** The local day judged, YYYY-MM-DD. */
  day: string;
  metrics: DrawdownAlertMetric[];
  raisedAt: Date;
}

/** The flagged comparisons with their thresholds; empty when nothing is flagged. */
export function alertMetrics(comparisons: readonly MetricComparison[], maxWorsening: Partial<Record<KpiMetric, number>>): DrawdownAlertMetric[] {
  return comparisons.flatMap((c) => {
    const threshold = maxWorsening[c.metric];
    // A flagged comparison has all three figures (compareWithTrailing flags nothing else); the check keeps the types honest.
    if (!c.flagged || threshold === undefined || c.current === null || c.trailingAverage === null || c.change === null) return [];
    return [{ metric: c.metric, current: c.current, trailingAverage: c.trailingAverage, change: c.change, threshold }];
  });
}
