import { ListenButton } from '../components/listen-button.js';
import { useEffect, useState } from 'preact/hooks';
import type { BoardManager, BoardSnapshot, TeamToday } from '../../../src/core/board/live-board.js';
import { api, ApiError, isSupervising, type Who } from '../api.js';
import type { PageProps } from '../app.js';
import { clock, percent, secondsSince } from '../format.js';
import { useNow } from '../use-now.js';

const STATUS_LABEL: Record<BoardManager['status'], string> = {
  offline: 'Offline',
  available: 'Available',
  ringing: 'Ringing',
  'on-call': 'On a call',
  'wrap-up': 'Wrap-up',
  paused: 'Paused',
};

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
  if (!board) return <p class="loading">Connecting to the live board…</p>;
  const waitingCount = board.waiting.reduce((n, line) => n + line.calls.length, 0);
  return (
    <section class="board">
      <div class="board-head">
        <h2>Live board</h2>
        <span class={connected ? 'live on' : 'live off'} data-testid="live">
          {connected ? 'live' : 'reconnecting…'}
        </span>
      </div>
      {board.today && <TodayCounters today={board.today} waiting={waitingCount} />}
      <div class="managers">
        {board.managers.map((m) => (
          <ManagerCard manager={m} now={now} who={who} />
        ))}
      </div>
      <h3>Waiting calls</h3>
      {waitingCount === 0 ? (
        <p class="quiet" data-testid="no-waiting">Nobody is waiting.</p>
      ) : (
        board.waiting.map((line) => (
          <table class="grid waiting" data-scenario={line.scenario}>
            <caption>{line.scenario}</caption>
            <thead>
              <tr><th>Caller</th><th>Waiting</th><th /></tr>
            </thead>
            <tbody>
              {line.calls.map((c) => (
                <tr data-call={c.callId}>
                  <td>{c.callerNumber ?? 'caller'}</td>
                  <td>{clock(secondsSince(c.since, now))}</td>
                  <td>{c.priority ? 'known client' : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))
      )}
    </section>
  );
}

function TodayCounters({ today, waiting }: { today: TeamToday; waiting: number }) {
  const rate = today.inboundCalls === 0 ? null : today.inboundAnswered / today.inboundCalls;
  const cells: [string, string | number][] = [
    ['Inbound', today.inboundCalls],
    ['Answered', today.inboundAnswered],
    ['Missed', today.inboundMissed],
    ['Answer rate', percent(rate)],
    ['Outbound', today.outboundCalls],
    ['Connected', today.outboundConnected],
    ['Waiting now', waiting],
  ];
  return (
    <div class="counters" data-testid="today">
      {cells.map(([label, value]) => (
        <div class="counter" data-counter={label}>
          <span class="value">{value}</span>
          <span class="label">{label}</span>
        </div>
      ))}
    </div>
  );
}

function ManagerCard({ manager: m, now, who }: { manager: BoardManager; now: number; who: Who }) {
  const [error, setError] = useState<string | null>(null);
  const mayChange = isSupervising(who) || who.extension === m.extension;
  const change = async (action: 'pause' | 'unpause') => {
    setError(null);
    const reason = action === 'pause' ? prompt(`Why is ${m.name} paused?`, 'break') : null;
    if (action === 'pause' && !reason) return;
    try {
      await api(`/api/managers/${m.extension}/${action}`, { method: 'POST', body: action === 'pause' ? { reason } : undefined });
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };
  return (
    <article class={`manager ${m.status}`} data-manager={m.extension} data-status={m.status}>
      <header>
        <strong>{m.name}</strong> <span class="ext">{m.extension}</span>
      </header>
      <p class="status">
        {STATUS_LABEL[m.status]}
        {m.pauseReason && m.status === 'paused' ? `: ${m.pauseReason}` : ''} · <span class="for">{clock(secondsSince(m.since, now))}</span>
      </p>
      {m.call && (
        <p class="call" data-call-state={m.call.state} data-call={m.call.callId}>
          {m.call.state === 'ringing' ? 'Ringing: ' : 'Talking with '}
          <span class="party">{m.call.otherParty ?? (m.call.direction === 'internal' ? 'a colleague' : 'a client')}</span>
          {' '}({m.call.direction}) · {clock(secondsSince(m.call.since, now))}
          {/* Supervisors listen live; the service refuses anyone else, and audits both. */}
          {isSupervising(who) && m.call.state !== 'ringing' && m.call.callId !== null && <ListenButton key={m.call.callId} callId={m.call.callId} />}
        </p>
      )}
      <p class="today">
        Today: {m.callsToday} calls · {clock(m.talkSecondsToday)} talk
      </p>
      {mayChange && m.status !== 'offline' && (
        <button class="small" onClick={() => change(m.status === 'paused' ? 'unpause' : 'pause')}>
          {m.status === 'paused' ? 'Unpause' : 'Pause'}
        </button>
      )}
      {error && <p class="error">{error}</p>}
    </article>
  );
}
