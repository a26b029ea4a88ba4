import { z } from 'zod';
import { KPI_METRICS, type KpiMetric } from '../core/kpi/drawdown.js';

/**
 * kpi: the supervisor console's KPI report and its drawdown alerts (docs/kpi.md).
 * A manager is compared with his own trailing average, not with the team.
 */

/**
 * The metrics watched by default and how far each may worsen (0.2 = 20 %) before it is
 * flagged. Chosen for what a manager controls: his answer rate and dialling effort
 * (20-30 %), the SLA share of his leads (20 %). The first-dial median is noisy on a few
 * leads a day, so it gets 50 %. Inbound answered is watched because, at a steady answer
 * rate, a fall means he took fewer calls (paused, away). Counts that follow the lead and
 * call flow (leads received, calls offered, talk time) are not watched by default: a
 * quiet day is not his fault.
 */
export const DEFAULT_MAX_WORSENING: Partial<Record<KpiMetric, number>> = {
  answerRate: 0.2,
  inboundAnswered: 0.3,
  outboundCalls: 0.3,
  outboundConnected: 0.3,
  firstDialMedianSeconds: 0.5,
  shareDialledWithinSla: 0.2,
};

const isMetric = (name: string): name is KpiMetric => (KPI_METRICS as readonly string[]).includes(name);

const maxWorseningSchema = z
  .record(z.string(), z.number().min(0, 'a share is 0 or more (0.2 is 20 %)').max(10, 'a share is at most 10 (1000 %)'))
  .superRefine((record, ctx) => {
    for (const name of Object.keys(record)) {
      if (!isMetric(name)) ctx.addIssue({ code: 'custom', path: [name], message: `"${name}" is not a KPI metric; the metrics are ${KPI_METRICS.join(', ')}` });
    }
  })
  .transform((record) => record as Partial<Record<KpiMetric, number>>);

export const kpiSchema = z
  .object({
    /** How many previous periods of the same length a period is compared with (7: a day against the week before). */
    trailingPeriods: z.number().int().min(1).max(90).default(7),
    /** The watched metrics and their thresholds; the whole record replaces the default (a metric left out is not watched). */
    maxWorsening: maxWorseningSchema.default(() => ({ ...DEFAULT_MAX_WORSENING })),
    /**
     * Most local days of calls one report may read: its own period plus the trailing ones
     * (a 30-day period with 7 trailing periods reads 240). Bounds the memory a single
     * request can take; longer asks get a 400 saying how many days fit.
     */
    maxReadDays: z.number().int().min(2).max(3660).default(400),
    /** How often the drawdown watch judges the last completed day; an alert comes at most this late. */
    alertCheckMinutes: z.number().min(1).max(1440).default(10),
  })
  .prefault({})
  .refine((k) => k.maxReadDays >= k.trailingPeriods + 1, {
    path: ['maxReadDays'],
    message: 'kpi.maxReadDays must cover at least a one-day report with its trailing periods (kpi.trailingPeriods + 1)',
  });

export type KpiConfig = z.infer<typeof kpiSchema>;
