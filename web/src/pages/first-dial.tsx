import { useEffect, useState } from 'preact/hooks';
import type { ManagerFirstDialStats } from '../../../src/core/leads/first-dial-stats.js';
import { addDays, startOfLocalDay } from '../../../src/core/kpi/kpi-period.js';
import { leadUrl } from '../../../src/core/leads/lead-url.js';
import type { FirstDialStatsJson } from '../../../src/adapters/http/schemas/lead-json.js';
import { api, isSupervising, problemOf, query } from '../api.js';
import type { PageProps } from '../app.js';
import { clock, dateTime, localToday, number, percent, phone } from '../format.js';
import { t } from '../i18n.js';
import { currentSettings, managerName } from '../settings.js';

/** The slowest leads listed under the table: enough to act on, short enough to read. */
const SLOWEST = 20;
/** The default period: the last week, today included. */
const DEFAULT_DAYS = 7;

/**
 * How fast each manager dials his new leads (GET /api/leads/first-dial-stats): median,
 * p90 and the share within the SLA over a period of days in routing.timezone, a chart of
 * the same, and the leads that waited longest. A manager sees only his own.
 */
export function FirstDialPage({ who, params }: PageProps) {
  const today = localToday();
  const [from, setFrom] = useState(params.get('from') ?? addDays(today, 1 - DEFAULT_DAYS));
  const [to, setTo] = useState(params.get('to') ?? today);
  const [manager, setManager] = useState(params.get('manager') ?? '');
  const [result, setResult] = useState<FirstDialStatsJson | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = async () => {
    setError(null);
    const valid = (day: string) => /^\d{4}-\d{2}-\d{2}$/.test(day);
    if (!valid(from) || !valid(to)) return setError(t('firstDial.badPeriod'));
    const zone = currentSettings().timezone;
    try {
      const q = query({
        from: startOfLocalDay(zone, from).toISOString(),
        to: startOfLocalDay(zone, addDays(to, 1)).toISOString(),
        manager: isSupervising(who) ? manager : undefined,
        slowest: SLOWEST,
      });
      setResult(await api<FirstDialStatsJson>(`/api/leads/first-dial-stats${q}`));
    } catch (err) {
      setError(problemOf(err));
    }
  };
  useEffect(() => void load(), []);

  /** The same page for one manager and the same days: where a name in the table or the list leads. */
  const managerHref = (ext: string) => `#/first-dial${query({ from, to, manager: ext })}`;
  const template = currentSettings().leadUrlTemplate;
  return (
    <section class="first-dial">
      <h2>{t('firstDial.title')}</h2>
      {who.role === 'manager' && <p class="quiet">{t('firstDial.yours')}</p>}
      <form class="filters" onSubmit={(e) => { e.preventDefault(); void load(); }}>
        <label>{t('calls.from')} <input type="date" name="from" value={from} onInput={(e) => setFrom(e.currentTarget.value)} /></label>
        <label>{t('calls.to')} <input type="date" name="to" value={to} onInput={(e) => setTo(e.currentTarget.value)} /></label>
        {isSupervising(who) && (
          <label>
            {t('calls.manager')}
            <select name="manager" value={manager} onInput={(e) => setManager(e.currentTarget.value)}>
              <option value="">{t('calls.any')}</option>
              {currentSettings().managers.map((m) => <option value={m.extension}>{m.name} ({m.extension})</option>)}
            </select>
          </label>
        )}
        <button type="submit">{t('calls.show')}</button>
      </form>
      {error && (
        <p class="error" role="alert">
          {error} <button class="small" onClick={() => void load()}>{t('retry')}</button>
        </p>
      )}
      {!result && !error && <p class="loading">{t('loading')}</p>}
      {result && result.managers.length === 0 && <p class="quiet" data-testid="first-dial-empty">{t('firstDial.none')}</p>}
      {result && result.managers.length > 0 && (
        <>
          <p class="quiet">{t('firstDial.explain', { zone: currentSettings().timezone })}</p>
          <table class="grid" data-testid="first-dial" data-from={result.from} data-to={result.to}>
            <thead>
              <tr>
                <th>{t('calls.manager')}</th><th>{t('firstDial.leads')}</th><th>{t('firstDial.dialled')}</th><th>{t('firstDial.pending')}</th>
                <th>{t('firstDial.median')}</th><th>{t('firstDial.p90')}</th><th>{t('firstDial.share')}</th>
              </tr>
            </thead>
            <tbody>
              {result.managers.map((m) => (
                <tr data-manager={m.manager ?? ''}>
                  <th><ManagerName ext={m.manager} href={managerHref} /></th>
                  <td data-figure="leads" data-value={m.leads}>{m.leads}</td>
                  <td data-figure="dialled" data-value={m.dialled}>{m.dialled}</td>
                  <td data-figure="pending" data-value={m.pending}>{m.pending}</td>
                  <td data-figure="medianSeconds" data-value={JSON.stringify(m.medianSeconds)}>{duration(m.medianSeconds)}</td>
                  <td data-figure="p90Seconds" data-value={JSON.stringify(m.p90Seconds)}>{duration(m.p90Seconds)}</td>
                  <td data-figure="shareWithinSla" data-value={JSON.stringify(m.shareWithinSla)} class={shareClass(m.shareWithinSla)}>
                    {percent(m.shareWithinSla)} <span class="ext">{m.withinSla}/{m.leads - m.pending}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <FirstDialChart managers={result.managers} />
          <h3>{t('firstDial.slowest')}</h3>
          {result.slowest.length === 0 ? (
            <p class="quiet">{t('firstDial.none')}</p>
          ) : (
            <table class="grid" data-testid="slowest">
              <thead>
                <tr>
                  <th>{t('calls.lead')}</th><th>{t('leads.created')}</th><th>{t('leads.phone')}</th><th>{t('leads.owner')}</th>
                  <th>{t('firstDial.wait')}</th><th>{t('leads.sla')}</th><th>{t('firstDial.dialledBy')}</th>
                </tr>
              </thead>
              <tbody>
                {result.slowest.map(({ lead, waitSeconds }) => {
                  const url = leadUrl(template, lead.id);
                  const late = waitSeconds > lead.slaMinutes * 60;
                  return (
                    <tr data-lead={lead.id} data-wait={waitSeconds} class={late ? 'overdue' : ''}>
                      <td>{url ? <a href={url} target="_blank" rel="noopener noreferrer" data-lead-link>{lead.id}</a> : lead.id}</td>
                      <td>{dateTime(lead.createdAt)}</td>
                      <td class="number">{phone(lead.phone || lead.phoneRaw)}</td>
                      <td><ManagerName ext={lead.ownerManager} href={managerHref} /></td>
                      <td>{lead.firstDial === null ? t('firstDial.stillWaiting', { time: duration(waitSeconds) }) : duration(waitSeconds)}</td>
                      <td>{t('leads.minutes', { n: lead.slaMinutes })}</td>
                      <td>{lead.firstDial?.manager ? <>{managerName(lead.firstDial.manager)} <span class="ext">{lead.firstDial.manager}</span></> : '—'}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}

/** A name with the extension as detail, linking to that manager's figures; leads with no owner say so. */
function ManagerName({ ext, href }: { ext: string | null; href: (ext: string) => string }) {
  if (ext === null) return <>{t('kpi.noOwner')}</>;
  return <a href={href(ext)} data-manager-link={ext}>{managerName(ext)} <span class="ext">{ext}</span></a>;
}

/**
 * Per manager a bar to his p90 with his median inside it, on one scale of seconds, and
 * his share within the SLA as a bar of its own; plain SVG like the wallboard's chart.
 */
function FirstDialChart({ managers }: { managers: ManagerFirstDialStats[] }) {
  const rows = managers.filter((m) => m.leads > 0);
  const max = Math.max(1, ...rows.map((m) => m.p90Seconds ?? 0));
  const W = 960;
  const ROW = 28;
  const LABEL = 180;
  const TIME = 520;
  const SHARE_X = LABEL + TIME + 40;
  const SHARE = W - SHARE_X - 60;
  const H = rows.length * ROW + 24;
  const x = (seconds: number) => LABEL + (seconds / max) * TIME;
  return (
    <figure class="fd-chart" data-testid="first-dial-chart">
      <figcaption>{t('firstDial.chart')}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label={t('firstDial.chart')}>
        <text class="axis" x={LABEL} y={12}>0</text>
        <text class="axis" x={LABEL + TIME} y={12} text-anchor="end">{duration(max)}</text>
        <text class="axis" x={SHARE_X} y={12}>{t('firstDial.share')}</text>
        {rows.map((m, i) => {
          const y = 20 + i * ROW;
          const label = m.manager === null ? t('kpi.noOwner') : `${managerName(m.manager)} ${m.manager}`;
          return (
            <g data-manager={m.manager ?? ''}>
              <text x={LABEL - 8} y={y + 15} text-anchor="end">{label}</text>
              {m.p90Seconds !== null && <rect class="p90" data-seconds={m.p90Seconds} x={LABEL} y={y + 3} width={x(m.p90Seconds) - LABEL} height={ROW - 10} />}
              {m.medianSeconds !== null && <rect class="median" data-seconds={m.medianSeconds} x={LABEL} y={y + 7} width={x(m.medianSeconds) - LABEL} height={ROW - 18} />}
              {m.dialled === 0 && <text class="axis" x={LABEL + 4} y={y + 15}>{t('firstDial.noDials')}</text>}
              <rect class="share-bg" x={SHARE_X} y={y + 3} width={SHARE} height={ROW - 10} />
              {m.shareWithinSla !== null && (
                <rect class={`share ${shareClass(m.shareWithinSla)}`} data-share={m.shareWithinSla} x={SHARE_X} y={y + 3} width={SHARE * m.shareWithinSla} height={ROW - 10} />
              )}
              <text x={SHARE_X + SHARE + 6} y={y + 15}>{percent(m.shareWithinSla)}</text>
            </g>
          );
        })}
      </svg>
      <p class="legend"><span class="sw median" /> {t('firstDial.median')} <span class="sw p90" /> {t('firstDial.p90')}</p>
    </figure>
  );
}

/** Under a minute in seconds with a tenth (a dial within a second is not "0:00"), longer as m:ss or h:mm:ss. */
function duration(seconds: number | null): string {
  if (seconds === null) return '—';
  return seconds < 60 ? t('firstDial.seconds', { n: number(Math.round(seconds * 10) / 10) }) : clock(seconds);
}

/** Against the usual 80 % goal, as the wallboard judges its service level. */
function shareClass(share: number | null): string {
  if (share === null) return '';
  return share >= 0.8 ? 'good' : share >= 0.6 ? 'warn' : 'bad';
}
