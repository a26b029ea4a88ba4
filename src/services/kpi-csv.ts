import { stringify } from 'csv-stringify/sync';
import { KPI_METRICS, type MetricComparison } from '../core/kpi/drawdown.js';
import type { ManagerKpi } from '../core/kpi/manager-kpi.js';

/** What the CSV takes of a KpiReportResult (kpi-report.ts). */
export interface KpiCsvInput {
  from: string;
  to: string;
  rows: readonly { manager: string | null; name: string | null; kpi: ManagerKpi; comparisons: readonly MetricComparison[] }[];
}

/** The CSV columns: who and when, every metric in the row's order, then the flagged ones. */
export const KPI_CSV_COLUMNS = ['manager', 'name', 'from', 'to', ...KPI_METRICS, 'drawdowns'] as const;

/**
 * The KPI table as CSV, one line per manager. Numbers stay numbers (shares 0..1, not
 * percentages) so a spreadsheet can compute with them; null is an empty cell. A BOM and
 * CRLF line ends, because the heads of sales open it in Excel, which reads a UTF-8 file
 * without a BOM (Cyrillic names) in the local code page.
 */
export function kpiCsv(result: KpiCsvInput): string {
  const records = result.rows.map((row) => [
    row.manager,
    row.name,
    result.from,
    result.to,
    ...KPI_METRICS.map((metric) => row.kpi[metric]),
    row.comparisons.filter((c) => c.flagged).map((c) => c.metric).join(' '),
  ]);
  return stringify(records, { header: true, columns: [...KPI_CSV_COLUMNS], bom: true, record_delimiter: 'windows' });
}
