import { useEffect, useState } from 'preact/hooks';
import type { AgentStatus } from '../../../src/core/agents/agent-state.js';
import type { LineFigures } from '../../../src/core/wallboard/wallboard-figures.js';
import type { WallboardResult } from '../../../src/services/wallboard.js';
import { api, problemOf } from '../api.js';
import { clock, locale, number, percent } from '../format.js';
import { t, type MessageKey } from '../i18n.js';
import { useNow } from '../use-now.js';

/** A TV refreshes itself: often enough that a new caller in line shows within seconds. */
const REFRESH_MS = 5000;
const STATES: AgentStatus[] = ['available', 'ringing', 'on-call', 'wrap-up', 'paused', 'offline'];

/**
 * The wallboard for a TV on the sales floor (/wallboard): no controls, big figures, the
 * team first and then each line. When the service stops answering, the last figures stay
 * up with a banner saying how old they are.
 */
export function WallboardPage() {
  const [board, setBoard] = useState<WallboardResult | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const now = useNow();

  useEffect(() => {
    document.body.classList.add('tv');
    const load = () => api<WallboardResult>('/api/wallboard').then((b) => (setBoard(b), setProblem(null)), (err) => setProblem(problemOf(err)));
    void load();
    const timer = setInterval(load, REFRESH_MS);
    return () => (clearInterval(timer), document.body.classList.remove('tv'));
  }, []);

  if (!board) return <div class="wallboard">{problem ? <p class="error" role="alert">{t('error.unreachable', { message: problem })}</p> : <p class="loading">{t('loading')}</p>}</div>;
  const sl = board.serviceLevelSeconds;
  return (
    <div class="wallboard" data-testid="wallboard" data-date={board.date}>
      {problem && (
        <p class="stale" role="alert" data-testid="stale">{t('wallboard.stale', { age: clock((now - Date.parse(board.at)) / 1000) })} ({problem})</p>
      )}
      <header class="wb-head">
        <h1>{t('wallboard.team')}</h1>
        <span class="wb-clock">{new Date(now).toLocaleTimeString(locale(), { timeZone: board.timezone, hour: '2-digit', minute: '2-digit' })}</span>
      </header>
      <Tiles figures={board.team} sl={sl} />
      <div class="wb-managers" data-testid="wb-managers">
        {STATES.map((s) => (
          <div class={`wb-state ${s}`} data-state={s}>
            <span class="value">{board.managers[s]}</span>
            <span class="label">{t(`status.${s}` as MessageKey)}</span>
          </div>
        ))}
      </div>
      <table class="wb-lines" data-testid="wb-lines">
        <thead>
          <tr>
            <th>{t('wallboard.line')}</th><th>{t('wallboard.sl', { n: sl })}</th><th>{t('wallboard.offered')}</th><th>{t('wallboard.answered')}</th>
            <th>{t('wallboard.missed')}</th><th>{t('wallboard.abandoned')}</th><th>{t('wallboard.avgWait')}</th><th>{t('wallboard.longestWait')}</th><th>{t('wallboard.waitingNow')}</th>
          </tr>
        </thead>
        <tbody>
          {board.lines.map((line) => (
            <tr data-line={line.name ?? ''}>
              <th>{line.name ?? t('wallboard.otherNumbers')}</th>
              <td class={slClass(line.serviceLevel)} data-figure="serviceLevel" data-value={JSON.stringify(line.serviceLevel)}>{percent(line.serviceLevel)}</td>
              <td data-figure="offered" data-value={line.offered}>{line.offered}</td>
              <td data-figure="answered" data-value={line.answered}>{line.answered}</td>
              <td data-figure="missed" data-value={line.missed}>{line.missed}</td>
              <td data-figure="abandoned" data-value={line.abandoned}>{line.abandoned}</td>
              <td data-figure="averageWaitSeconds" data-value={JSON.stringify(line.averageWaitSeconds)}>{seconds(line.averageWaitSeconds)}</td>
              <td data-figure="longestWaitSeconds" data-value={JSON.stringify(line.longestWaitSeconds)}>{seconds(line.longestWaitSeconds)}</td>
              <td data-figure="waitingNow" data-value={line.waitingNow} class={line.waitingNow > 0 ? 'hot' : ''}>{line.waitingNow}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <HourlyChart board={board} />
    </div>
  );
}

function Tiles({ figures: f, sl }: { figures: LineFigures; sl: number }) {
  const tiles: [keyof LineFigures, MessageKey, string, string, Record<string, string | number>?][] = [
    ['serviceLevel', 'wallboard.sl', percent(f.serviceLevel), slClass(f.serviceLevel), { n: sl }],
    ['offered', 'wallboard.offered', number(f.offered), ''],
    ['answered', 'wallboard.answered', number(f.answered), ''],
    ['missed', 'wallboard.missed', number(f.missed), f.missed > 0 ? 'warn' : ''],
    ['abandoned', 'wallboard.abandoned', number(f.abandoned), f.abandoned > 0 ? 'warn' : ''],
    ['averageWaitSeconds', 'wallboard.avgWait', seconds(f.averageWaitSeconds), ''],
    ['longestWaitSeconds', 'wallboard.longestWait', seconds(f.longestWaitSeconds), ''],
    ['waitingNow', 'wallboard.waitingNow', number(f.waitingNow), f.waitingNow > 0 ? 'hot' : ''],
  ];
  return (
    <div class="wb-tiles" data-testid="wb-team">
      {tiles.map(([key, label, value, cls, vars]) => (
        <div class={`wb-tile ${cls}`} data-figure={key} data-value={JSON.stringify(f[key])}>
          <span class="value">{value}</span>
          <span class="label">{t(label, vars)}</span>
        </div>
      ))}
    </div>
  );
}

/** Bars for today's calls per hour, a line for the usual same weekday. */
function HourlyChart({ board }: { board: WallboardResult }) {
  const { today, sameWeekdayAverage } = board.hourly;
  const hasHistory = board.hourly.daysAveraged.length > 0;
  const max = Math.max(1, ...today, ...sameWeekdayAverage.map((v) => v ?? 0));
  const W = 960;
  const H = 180;
  const bar = W / 24;
  const y = (v: number) => H - 16 - (v / max) * (H - 30);
  const weekday = new Date(`${board.date}T12:00:00Z`).toLocaleDateString(locale(), { weekday: 'long', timeZone: 'UTC' });
  const usual = sameWeekdayAverage.map((v, h) => (v === null ? null : `${h * bar + bar / 2},${y(v)}`)).filter((p): p is string => p !== null);
  return (
    <figure class="wb-chart" data-testid="wb-hourly">
      <figcaption>{hasHistory ? t('wallboard.hourly', { weekday }) : t('wallboard.hourlyNoHistory')}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img">
        {today.map((v, h) => (
          <g>
            <rect class="today" data-hour={h} data-count={v} x={h * bar + 3} y={y(v)} width={bar - 6} height={H - 16 - y(v)} />
            <text x={h * bar + bar / 2} y={H - 2} text-anchor="middle">{h}</text>
          </g>
        ))}
        {hasHistory && <polyline class="usual" fill="none" points={usual.join(' ')} />}
      </svg>
      <p class="legend"><span class="sw today" /> {t('wallboard.today')} {hasHistory && <><span class="sw usual" /> {t('wallboard.usual')}</>}</p>
    </figure>
  );
}

function seconds(value: number | null): string {
  return value === null ? '—' : clock(value);
}

/** Against the usual 80 % goal: green at or above, amber to 60 %, red below. */
function slClass(share: number | null): string {
  if (share === null) return '';
  return share >= 0.8 ? 'good' : share >= 0.6 ? 'warn' : 'bad';
}
