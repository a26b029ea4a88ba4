import { useEffect, useState } from 'preact/hooks';
import { ListenButton } from '../components/listen-button.js';
import type { BoardManager, BoardSnapshot, LiveCounts, TeamToday } from '../../../src/core/board/live-board.js';
import { api, isSupervising, problemOf, type Who } from '../api.js';
import type { PageProps } from '../app.js';
import { clock, number, percent, phone, secondsSince } from '../format.js';
import { t, type MessageKey } from '../i18n.js';
import { currentSettings } from '../settings.js';
import { useNow } from '../use-now.js';

/** The board arrives over Server-Sent Events; EventSource reconnects by itself after a drop. */
function useBoard(): { board: BoardSnapshot | null; connected: boolean } {
  const [board, setBoard] = useState<BoardSnapshot | null>(null);
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    const source = new EventSource('/api/board/events');
    source.addEventListener('board', (e) => setBoard(JSON.parse((e as MessageEvent<string>).data)));
    source.onopen = () => setConnected(true);
    source.onerror = () => {
      setConnected(false);
      // EventSource retries by itself, also when the session has expired: ask, and a 401 shows the sign-in page.
      api('/api/session').catch(() => {});
    };
    return () => source.close();
  }, []);
  return { board, connected };
}

export function BoardPage({ who }: PageProps) {
  const { board, connected } = useBoard();
  const now = useNow();
  if (!board) return <p class="loading">{connected ? t('loading') : t('board.connecting')}</p>;
  const waitingCount = board.waiting.reduce((n, line) => n + line.calls.length, 0);
  return (
    <section class="board">
      <div class="board-head">
        <h2>{t('nav.board')}</h2>
        <span class={connected ? 'live on' : 'live off'} data-testid="live">
          {connected ? t('board.live') : t('board.reconnecting')}
        </span>
      </div>
      {board.today && <TodayCounters today={board.today} live={board.live} waiting={waitingCount} />}
      {board.managers.length === 0 && <p class="quiet">{t('board.noManagers')}</p>}
      <div class="managers">
        {board.managers.map((m) => (
          <ManagerCard manager={m} now={now} who={who} />
        ))}
      </div>
      <h3>{t('board.waiting')}</h3>
      {waitingCount === 0 ? (
        <p class="quiet" data-testid="no-waiting">{t('board.nobodyWaiting')}</p>
      ) : (
        board.waiting.map((line) => (
          <table class="grid waiting" data-scenario={line.scenario}>
            <caption>{line.scenario}</caption>
            <thead>
              <tr><th>{t('board.caller')}</th><th>{t('board.waited')}</th><th /></tr>
            </thead>
            <tbody>
              {line.calls.map((c) => (
                <tr data-call={c.callId}>
                  <td>{c.callerNumber ? phone(c.callerNumber) : t('board.aCaller')}</td>
                  <td>{clock(secondsSince(c.since, now))}</td>
                  <td>{c.priority ? t('board.knownClient') : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))
      )}
    </section>
  );
}

/**
 * The day's finished calls plus the calls in progress: an inbound call counts from its
 * first ring, and as answered from its answer, not only once it ends.
 * data-counter keeps an English key whatever the language (tests and scripts read it).
 */
function TodayCounters({ today, live, waiting }: { today: TeamToday; live: LiveCounts; waiting: number }) {
  const inbound = today.inboundCalls + live.inbound;
  const answered = today.inboundAnswered + live.inboundTalking;
  // The answer rate is of finished calls: one ringing now is neither answered nor missed yet.
  const rate = today.inboundCalls === 0 ? null : today.inboundAnswered / today.inboundCalls;
  const cells: [string, MessageKey, string, number][] = [
    ['Inbound', 'counter.inbound', number(inbound), live.inbound],
    ['Answered', 'counter.answered', number(answered), live.inboundTalking],
    ['Missed', 'counter.missed', number(today.inboundMissed), 0],
    ['Answer rate', 'counter.answerRate', percent(rate), 0],
    ['Outbound', 'counter.outbound', number(today.outboundCalls + live.outbound), live.outbound],
    ['Connected', 'counter.connected', number(today.outboundConnected + live.outboundTalking), live.outboundTalking],
    ['Waiting now', 'counter.waiting', number(waiting), 0],
  ];
  return (
    <div class="counters" data-testid="today">
      {cells.map(([key, label, value, now]) => (
        <div class="counter" data-counter={key}>
          <span class="value">{value}</span>
          <span class="label">{t(label)}</span>
          {now > 0 && <span class="now" data-now={now}>{t('counter.inProgress', { n: now })}</span>}
        </div>
      ))}
    </div>
  );
}

function ManagerCard({ manager: m, now, who }: { manager: BoardManager; now: number; who: Who }) {
  const [error, setError] = useState<string | null>(null);
  const [choosing, setChoosing] = useState(false);
  const reasons = currentSettings().pauseReasons;
  const [reason, setReason] = useState(reasons[0] ?? '');
  const mayChange = isSupervising(who) || who.extension === m.extension;
  const change = async (action: 'pause' | 'unpause', why?: string) => {
    setError(null);
    try {
      await api(`/api/managers/${m.extension}/${action}`, { method: 'POST', body: action === 'pause' ? { reason: why } : undefined });
      setChoosing(false);
    } catch (err) {
      setError(problemOf(err));
    }
  };
  // His call counts in his day from its answer, and its talk time grows while it lasts.
  const talking = m.call?.state === 'talking';
  const calls = m.callsToday + (talking ? 1 : 0);
  const talk = m.talkSecondsToday + (talking && m.call ? Math.max(0, secondsSince(m.call.since, now)) : 0);
  return (
    <article class={`manager ${m.status}`} data-manager={m.extension} data-status={m.status}>
      <header>
        <strong data-testid="manager-name">{m.name}</strong> <span class="ext">{m.extension}</span>
      </header>
      <p class="status">
        {t(`status.${m.status}` as MessageKey)}
        {m.pauseReason && m.status === 'paused' ? `: ${m.pauseReason}` : ''} · <span class="for">{clock(secondsSince(m.since, now))}</span>
      </p>
      {m.call && (
        <p class="call" data-call-state={m.call.state} data-call={m.call.callId}>
          {m.call.state === 'ringing' ? t('board.ringingFor') : t('board.talkingWith')}
          <span class="party">{m.call.otherParty ? (m.call.direction === 'internal' ? m.call.otherParty : phone(m.call.otherParty)) : m.call.direction === 'internal' ? t('board.aColleague') : t('board.aClient')}</span>
          {' '}({t(`direction.${m.call.direction}` as MessageKey)}) · {clock(secondsSince(m.call.since, now))}
          {/* Supervisors listen live; the service refuses anyone else, and audits both. */}
          {isSupervising(who) && m.call.state !== 'ringing' && m.call.callId !== null && <ListenButton key={m.call.callId} callId={m.call.callId} />}
        </p>
      )}
      <p class="today" data-calls-today={calls}>{t('board.today', { calls, talk: clock(talk) })}</p>
      {mayChange && m.status !== 'offline' && !choosing && (
        <button class="small" data-action={m.status === 'paused' ? 'unpause' : 'pause'} onClick={() => (m.status === 'paused' ? void change('unpause') : setChoosing(true))}>
          {m.status === 'paused' ? t('board.unpause') : t('board.pause')}
        </button>
      )}
      {choosing && (
        <form class="pause-form" onSubmit={(e) => { e.preventDefault(); void change('pause', reason); }}>
          <select name="reason" aria-label={t('board.pauseWhy')} value={reason} onInput={(e) => setReason(e.currentTarget.value)}>
            {reasons.map((r) => <option value={r}>{r}</option>)}
          </select>
          <button class="small" type="submit">{t('board.pause')}</button>
          <button class="small link" type="button" onClick={() => setChoosing(false)}>{t('board.cancel')}</button>
        </form>
      )}
      {error && <p class="error" role="alert">{error}</p>}
    </article>
  );
}
