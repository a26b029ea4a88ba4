import { useEffect, useState } from 'preact/hooks';
import type { KpiMetric } from '../../../src/core/kpi/drawdown.js';
import type { KpiReportResult, KpiReportRow } from '../../../src/services/kpi-report.js';
import type { ConversationReportResult } from '../../../src/services/conversation-report.js';
import { api, problemOf, query } from '../api.js';
import type { PageProps } from '../app.js';
import { Sparkline } from '../components/sparkline.js';
import { clock, number, percent } from '../format.js';
import { t, type MessageKey } from '../i18n.js';

type Kind = 'count' | 'share' | 'duration';

/** The columns heads of sales keep, in their order; definitions in docs/kpi.md. */
const COLUMNS: { metric: KpiMetric; kind: Kind }[] = [
  { metric: 'leadsReceived', kind: 'count' },
  { metric: 'firstDialMedianSeconds', kind: 'duration' },
  { metric: 'shareDialledWithinSla', kind: 'share' },
  { metric: 'shareLeadsCalled', kind: 'share' },
  { metric: 'inboundOffered', kind: 'count' },
  { metric: 'inboundAnswered', kind: 'count' },
  { metric: 'inboundMissed', kind: 'count' },
  { metric: 'answerRate', kind: 'share' },
  { metric: 'outboundCalls', kind: 'count' },
  { metric: 'outboundConnected', kind: 'count' },
  { metric: 'talkSeconds', kind: 'duration' },
  { metric: 'averageCallSeconds', kind: 'duration' },
  { metric: 'callbacksOwed', kind: 'count' },
  { metric: 'callbackMedianSeconds', kind: 'duration' },
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
      setError(problemOf(err));
    }
  };
  useEffect(() => void load(), []);

  // A period that reaches today is not over: its counts still grow, so a fall is not yet a drawdown.
  const running = report !== null && report.to >= report.today;
  return (
    <section class="kpi">
      <h2>{t('kpi.title')}</h2>
      <form class="filters" onSubmit={(e) => { e.preventDefault(); void load(); }}>
        <label>{t('calls.from')} <input type="date" name="from" value={from} onInput={(e) => setFrom(e.currentTarget.value)} /></label>
        <label>{t('calls.to')} <input type="date" name="to" value={to} onInput={(e) => setTo(e.currentTarget.value)} /></label>
        <button type="submit">{t('calls.show')}</button>
        {report && <a class="button" href={`/api/kpi.csv${query({ from: report.from, to: report.to })}`} data-testid="csv">CSV</a>}
      </form>
      {error && (
        <p class="error" role="alert">
          {error} <button class="small" onClick={() => void load()}>{t('retry')}</button>
        </p>
      )}
      {report && (
        <>
          <p class="quiet">
            {report.from === report.to ? report.from : `${report.from} – ${report.to}`} ({report.timezone}).{' '}
            {t('kpi.explain', { n: report.trailingPeriods, unit: report.days === 1 ? t('kpi.days') : t('kpi.periods', { days: report.days }) })}
            {running && <> <span data-testid="running">{t('kpi.running')}</span></>}
          </p>
          {report.rows.length === 0 ? (
            <p class="quiet" data-testid="kpi-empty">{t('kpi.noRows')}</p>
          ) : (
            <div class="scroll">
              <table class="grid kpi-table" data-testid="kpi" data-from={report.from} data-to={report.to} data-running={String(running)}>
                <thead>
                  <tr>
                    <th>{t('calls.manager')}</th>
                    {COLUMNS.map((c) => <th>{t(`kpi.col.${c.metric}` as MessageKey)}</th>)}
                  </tr>
                </thead>
                <tbody>
                  {report.rows.map((row) => <KpiRow row={row} running={running} />)}
                </tbody>
              </table>
            </div>
          )}
          <ConversationTable from={report.from} to={report.to} />
        </>
      )}
    </section>
  );
}

/** Medians of the recorded calls' conversation analytics per manager, for the same days (GET /api/conversations). */
function ConversationTable({ from, to }: { from: string; to: string }) {
  const [result, setResult] = useState<ConversationReportResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<ConversationReportResult>(`/api/conversations${query({ from, to })}`).then(setResult, (err) => setError(problemOf(err)));
  }, [from, to]);
  if (error) return <p class="error" role="alert">{error}</p>;
  if (!result) return null;
  return (
    <>
      <h3>{t('kpi.conversations')}</h3>
      <table class="grid" data-testid="conversations">
        <thead>
          <tr>
            <th>{t('calls.manager')}</th><th>{t('kpi.conv.calls')}</th><th>{t('kpi.conv.talkRatio')}</th><th>{t('kpi.conv.monologue')}</th>
            <th>{t('kpi.conv.interruptions')}</th><th>{t('kpi.conv.silence')}</th><th>{t('kpi.conv.firstWord')}</th>
            <th>{t('kpi.conv.reviewed')}</th><th>{t('kpi.conv.reviewScore')}</th>
          </tr>
        </thead>
        <tbody>
          {result.rows.map((r) => (
            <tr data-manager={r.manager}>
              <th>{r.name} <span class="ext">{r.manager}</span></th>
              <td>{r.calls}</td>
              <td data-value={JSON.stringify(r.talkRatioMedian)}>{percent(r.talkRatioMedian)}</td>
              <td>{r.longestMonologueMedianSeconds === null ? '—' : clock(r.longestMonologueMedianSeconds)}</td>
              <td>{number(r.interruptionsMedian)}</td>
              <td>{percent(r.silenceShareMedian)}</td>
              <td>{r.firstWordMedianSeconds === null ? '—' : `${number(r.firstWordMedianSeconds)} s`}</td>
              <td>{r.reviewed}</td>
              <td data-value={JSON.stringify(r.reviewScoreAverage)}>{percent(r.reviewScoreAverage)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function KpiRow({ row, running }: { row: KpiReportRow; running: boolean }) {
  const comparisons = new Map(row.comparisons.map((c) => [c.metric, c]));
  return (
    <tr data-manager={row.manager ?? ''}>
      <th>{row.manager === null ? t('kpi.noOwner') : <>{row.name ?? row.manager} <span class="ext">{row.manager}</span></>}</th>
      {COLUMNS.map(({ metric, kind }) => {
        const c = comparisons.get(metric);
        const value = row.kpi[metric];
        const change = c?.change == null ? '' : ` (${c.change > 0 ? '+' : ''}${Math.round(c.change * 100)}%)`;
        const note = c?.trailingAverage == null ? t('kpi.noHistory') : `${t('kpi.average', { value: show(c.trailingAverage, kind) })}${change}`;
        // Judged only on a finished period; a running one says so instead of turning red.
        const state = c?.flagged ? (running ? 'drawdown running' : 'drawdown') : '';
        return (
          <td class={state} data-metric={metric} data-value={JSON.stringify(value)} title={c?.flagged && running ? `${note} · ${t('kpi.stillRunning')}` : note}>
            <span class="value">{show(value, kind)}</span>
            {c?.flagged && running && <span class="mark">{t('kpi.stillRunning')}</span>}
            <Sparkline values={row.trend[metric]} />
          </td>
        );
      })}
    </tr>
  );
}
