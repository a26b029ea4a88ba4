import { useEffect, useState } from 'preact/hooks';
import type { KpiMetric } from '../../../src/core/kpi/drawdown.js';
import type { KpiReportResult, KpiReportRow } from '../../../src/services/kpi-report.js';
import { api, ApiError, query } from '../api.js';
import type { PageProps } from '../app.js';
import { Sparkline } from '../components/sparkline.js';
import { clock, number, percent } from '../format.js';

type Kind = 'count' | 'share' | 'duration';

/** The columns heads of sales keep, in their order; definitions in docs/kpi.md. */
const COLUMNS: { metric: KpiMetric; title: string; kind: Kind }[] = [
  { metric: 'leadsReceived', title: 'New leads', kind: 'count' },
  { metric: 'firstDialMedianSeconds', title: 'First dial (median)', kind: 'duration' },
  { metric: 'shareDialledWithinSla', title: 'Dialled within SLA', kind: 'share' },
  { metric: 'shareLeadsCalled', title: 'Leads called', kind: 'share' },
  { metric: 'inboundOffered', title: 'Inbound offered', kind: 'count' },
  { metric: 'inboundAnswered', title: 'Answered', kind: 'count' },
  { metric: 'inboundMissed', title: 'Missed', kind: 'count' },
  { metric: 'answerRate', title: 'Answer rate', kind: 'share' },
  { metric: 'outboundCalls', title: 'Outbound', kind: 'count' },
  { metric: 'outboundConnected', title: 'Connected', kind: 'count' },
  { metric: 'talkSeconds', title: 'Talk time', kind: 'duration' },
  { metric: 'averageCallSeconds', title: 'Average call', kind: 'duration' },
  { metric: 'callbacksOwed', title: 'Callbacks owed', kind: 'count' },
  { metric: 'callbackMedianSeconds', title: 'Time to callback', kind: 'duration' },
];

function show(value: number | null, kind: Kind): string {
  if (value === null) return '—';
  if (kind === 'share') return percent(value);
  if (kind === 'duration') return clock(value);
  return number(value);
}

export function KpiPage({ params }: PageProps) {
  const [from, setFrom] = useState(params.get('from') ?? '');
  const [to, setTo] = useState(params.get('to') ?? '');
  const [report, setReport] = useState<KpiReportResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = async () => {
    setError(null);
    try {
      const r = await api<KpiReportResult>(`/api/kpi${query({ from, to })}`);
      setReport(r);
      setFrom(r.from);
      setTo(r.to);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };
  useEffect(() => void load(), []);

  return (
    <section class="kpi">
      <h2>KPI by manager</h2>
      <form class="filters" onSubmit={(e) => { e.preventDefault(); void load(); }}>
        <label>From <input type="date" name="from" value={from} onInput={(e) => setFrom(e.currentTarget.value)} /></label>
        <label>To <input type="date" name="to" value={to} onInput={(e) => setTo(e.currentTarget.value)} /></label>
        <button type="submit">Show</button>
        {report && <a class="button" href={`/api/kpi.csv${query({ from: report.from, to: report.to })}`} data-testid="csv">CSV</a>}
      </form>
      {error && <p class="error" role="alert">{error}</p>}
      {report && (
        <>
          <p class="quiet">
            {report.from === report.to ? report.from : `${report.from} – ${report.to}`} ({report.timezone}). Each cell against the manager's own
            average of the {report.trailingPeriods} previous {report.days === 1 ? 'days' : `${report.days}-day periods`}; a drawdown is marked red.
            {report.to === report.today && ' Today is not over: its counts will still grow.'}
          </p>
          <div class="scroll">
            <table class="grid kpi-table" data-testid="kpi" data-from={report.from} data-to={report.to}>
              <thead>
                <tr>
                  <th>Manager</th>
                  {COLUMNS.map((c) => <th>{c.title}</th>)}
                </tr>
              </thead>
              <tbody>
                {report.rows.map((row) => <KpiRow row={row} />)}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

function KpiRow({ row }: { row: KpiReportRow }) {
  const comparisons = new Map(row.comparisons.map((c) => [c.metric, c]));
  return (
    <tr data-manager={row.manager ?? ''}>
      <th>{row.manager === null ? 'No owner' : `${row.name ?? row.manager} (${row.manager})`}</th>
      {COLUMNS.map(({ metric, kind }) => {
        const c = comparisons.get(metric);
        const value = row.kpi[metric];
        const note = c?.trailingAverage == null ? 'no history' : `average ${show(c.trailingAverage, kind)}${c.change === null ? '' : ` (${c.change > 0 ? '+' : ''}${Math.round(c.change * 100)}%)`}`;
        return (
          <td class={c?.flagged ? 'drawdown' : ''} data-metric={metric} data-value={JSON.stringify(value)} title={note}>
            <span class="value">{show(value, kind)}</span>
            <Sparkline values={row.trend[metric]} />
          </td>
        );
      })}
    </tr>
  );
}
