import { KPI_METRICS, type KpiMetric, type MetricComparison } from '../../../core/kpi/drawdown.js';
import type { ManagerKpi } from '../../../core/kpi/manager-kpi.js';
import type { KpiReportResult, KpiReportRow } from '../../../services/kpi-report.js';

/** JSON shapes of the KPI report (src/services/kpi-report.ts), field for field. */

const count = (description: string) => ({ type: 'integer', description }) as const;
const nullableNumber = (description: string) => ({ type: ['number', 'null'], description }) as const;

/** Per metric, so the OpenAPI document names each; the descriptions are docs/kpi.md's in short. */
const METRIC_JSON: Record<KpiMetric, { type: string | readonly string[]; description: string }> = {
  leadsReceived: count('Leads created in the period that he owns'),
  firstDialMedianSeconds: nullableNumber('Median seconds from creation to first dial of those leads that were dialled'),
  shareDialledWithinSla: nullableNumber('0..1: dialled within the SLA / (leads - those still pending)'),
  shareLeadsCalled: nullableNumber('0..1: dialled at all / leads received'),
  inboundOffered: count('Inbound calls that rang him or that he answered'),
  inboundAnswered: count('Of those, answered by him'),
  inboundMissed: count('Offered but not answered by him'),
  answerRate: nullableNumber('0..1: inboundAnswered / inboundOffered'),
  outboundCalls: count('Outbound calls he placed'),
  outboundConnected: count('Of those, answered by the client'),
  talkSeconds: { type: 'number', description: 'Talk seconds of his answered inbound and connected outbound calls' },
  averageCallSeconds: nullableNumber('talkSeconds / (inboundAnswered + outboundConnected)'),
  callbacksOwed: count('His callback tasks created before the period end and not done by it'),
  callbackMedianSeconds: nullableNumber('Median seconds from a missed call to its callback, over his tasks created in the period and done'),
};

export const managerKpiJsonSchema = {
  $id: 'ManagerKpi',
  title: 'ManagerKpi',
  type: 'object',
  required: ['manager', ...KPI_METRICS] satisfies (keyof ManagerKpi)[],
  properties: {
    manager: { type: ['string', 'null'], description: 'Extension; null for unowned leads and callback tasks' },
    ...METRIC_JSON,
  },
} as const;

const managerKpiRef = { $ref: 'ManagerKpi#' } as const;

const comparisonJsonSchema = {
  type: 'object',
  required: ['metric', 'current', 'trailingAverage', 'change', 'flagged'] satisfies (keyof MetricComparison)[],
  properties: {
    metric: { type: 'string', enum: KPI_METRICS },
    current: { type: ['number', 'null'] },
    trailingAverage: { type: ['number', 'null'], description: 'Mean over the trailing periods where the metric had a value' },
    change: { type: ['number', 'null'], description: '(current - trailingAverage) / trailingAverage, signed: -0.3 is a 30 % fall' },
    flagged: { type: 'boolean', description: 'Worsened by more than its kpi.maxWorsening threshold' },
  },
} as const;

const byMetric = (value: object) => ({
  type: 'object',
  properties: Object.fromEntries(KPI_METRICS.map((m) => [m, value])),
});

const rowJsonSchema = {
  type: 'object',
  required: ['manager', 'name', 'kpi', 'comparisons', 'trend'] satisfies (keyof KpiReportRow)[],
  properties: {
    manager: { type: ['string', 'null'] },
    name: { type: ['string', 'null'] },
    kpi: managerKpiRef,
    comparisons: { type: 'array', items: comparisonJsonSchema, description: 'Every metric against his own trailing average' },
    trend: {
      ...byMetric({ type: 'array', items: { type: ['number', 'null'] } }),
      description: 'Per metric: its value in each trailing period, oldest first, then in the period asked for (last)',
    },
  },
} as const;

export const kpiReportJsonSchema = {
  $id: 'KpiReport',
  title: 'KpiReport',
  type: 'object',
  required: ['from', 'to', 'timezone', 'today', 'days', 'trailingPeriods', 'maxWorsening', 'rows'] satisfies (keyof KpiReportResult)[],
  properties: {
    from: { type: 'string', format: 'date', description: 'First local day, included' },
    to: { type: 'string', format: 'date', description: 'Last local day, included' },
    timezone: { type: 'string', description: 'routing.timezone: the zone the days are cut in' },
    today: { type: 'string', format: 'date', description: "Today's local date: a period reaching it is still running" },
    days: { type: 'integer' },
    trailingPeriods: { type: 'integer', description: 'Periods of as many days before this one that the comparison averages' },
    maxWorsening: { ...byMetric({ type: 'number' }), description: 'The watched metrics and the share each may worsen by' },
    rows: { type: 'array', items: rowJsonSchema, description: 'Configured managers by extension, then the unowned row when it has anything' },
  },
} as const;

export const kpiReportRef = { $ref: 'KpiReport#' } as const;
