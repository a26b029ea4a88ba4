import { useEffect, useRef, useState } from 'preact/hooks';
import type { BrowsedCall } from '../../../src/services/call-browser.js';
import { api, ApiError, isSupervising, query } from '../api.js';
import type { PageProps } from '../app.js';
import { clock, dateTime, localToday } from '../format.js';

interface Filters {
  from: string;
  to: string;
  manager: string;
  direction: string;
  disposition: string;
  number: string;
}

const PAGE = 50;

/** Local dates of the inputs to the instants the API filters on: [from 00:00, the day after `to` 00:00). */
function period(f: Filters): { from?: string; to?: string } {
  const start = (day: string) => new Date(`${day}T00:00:00`);
  const after = (day: string) => new Date(start(day).getTime() + 86_400_000 + 3_600_000); // DST-safe: then back to midnight
  const midnight = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate());
  return {
    from: f.from ? start(f.from).toISOString() : undefined,
    to: f.to ? midnight(after(f.to)).toISOString() : undefined,
  };
}

export function CallsPage({ who, params }: PageProps) {
  const [filters, setFilters] = useState<Filters>({
    from: params.get('from') ?? localToday(),
    to: params.get('to') ?? localToday(),
    manager: params.get('manager') ?? '',
    direction: '',
    disposition: '',
    number: params.get('number') ?? '',
  });
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<{ items: BrowsedCall[]; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [playing, setPlaying] = useState<string | null>(params.get('play'));

  const load = async () => {
    setError(null);
    try {
      const q = query({ ...period(filters), manager: filters.manager, direction: filters.direction, disposition: filters.disposition, number: filters.number, limit: PAGE, offset });
      setPage(await api(`/api/call-browser${q}`));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };
  useEffect(() => void load(), [offset]);

  const field = (name: keyof Filters) => ({
    value: filters[name],
    onInput: (e: Event) => setFilters({ ...filters, [name]: (e.currentTarget as HTMLInputElement).value }),
  });

  return (
    <section class="calls">
      <h2>Calls &amp; recordings</h2>
      <form class="filters" onSubmit={(e) => { e.preventDefault(); if (offset === 0) void load(); else setOffset(0); }}>
        <label>From <input type="date" name="from" {...field('from')} /></label>
        <label>To <input type="date" name="to" {...field('to')} /></label>
        {isSupervising(who) && <label>Manager <input name="manager" size={6} placeholder="any" {...field('manager')} /></label>}
        <label>
          Direction
          <select name="direction" {...field('direction')}>
            <option value="">any</option><option>inbound</option><option>outbound</option><option>internal</option>
          </select>
        </label>
        <label>
          Result
          <select name="disposition" {...field('disposition')}>
            <option value="">any</option><option>answered</option><option>missed</option><option>no-answer</option>
            <option>busy</option><option>cancelled</option><option>failed</option>
          </select>
        </label>
        <label>Number <input name="number" size={14} placeholder="digits" {...field('number')} /></label>
        <button type="submit">Show</button>
      </form>
      {error && <p class="error" role="alert">{error}</p>}
      {playing && <Player callId={playing} onClose={() => setPlaying(null)} />}
      {page && (
        <>
          <table class="grid" data-testid="calls">
            <thead>
              <tr><th>Started</th><th>Direction</th><th>Client</th><th>Manager</th><th>Result</th><th>Talk</th><th>Recording</th><th>Lead</th></tr>
            </thead>
            <tbody>
              {page.items.map((c) => (
                <tr data-call={c.callId} class={c.callId === playing ? 'selected' : ''}>
                  <td>{dateTime(c.startedAt)}</td>
                  <td>{c.direction}</td>
                  <td>{c.clientNumber ?? `${c.callerNumber} → ${c.calleeNumber}`}</td>
                  <td>{c.manager ?? '—'}</td>
                  <td class={`disposition ${c.disposition}`}>{c.disposition}</td>
                  <td>{c.talkSeconds > 0 ? clock(c.talkSeconds) : ''}</td>
                  <td>
                    {c.recording?.status === 'stored' ? (
                      <button class="small" data-play={c.callId} onClick={() => setPlaying(c.callId)}>▶ Play</button>
                    ) : (
                      <span class="quiet">{c.recording?.status ?? '—'}</span>
                    )}
                  </td>
                  <td>{c.lead ? (c.lead.url ? <a href={c.lead.url} target="_blank" rel="noopener noreferrer" data-lead={c.lead.id}>lead {c.lead.id}</a> : `lead ${c.lead.id}`) : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p class="pager">
            {page.total === 0 ? 'No calls match.' : `${offset + 1}–${offset + page.items.length} of ${page.total}`}
            <button class="small" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>Newer</button>
            <button class="small" disabled={offset + PAGE >= page.total} onClick={() => setOffset(offset + PAGE)}>Older</button>
          </p>
        </>
      )}
    </section>
  );
}

/**
 * The recording in an <audio> element: the browser fetches it with Range requests, so
 * seeking loads only what is played. When it cannot load, one small request asks the
 * service why (403 for another manager's call, 404 for none) to say so in words.
 */
function Player({ callId, onClose }: { callId: string; onClose: () => void }) {
  const url = `/api/recordings/${encodeURIComponent(callId)}/audio`;
  const [problem, setProblem] = useState<string | null>(null);
  const audio = useRef<HTMLAudioElement>(null);
  useEffect(() => setProblem(null), [callId]);

  const explain = async () => {
    const response = await fetch(url, { headers: { range: 'bytes=0-0' } });
    const body = await response.json().catch(() => null);
    setProblem(body?.error?.message ?? `The recording cannot be played (${response.status}).`);
  };

  return (
    <div class="player" data-testid="player" data-call={callId}>
      <span>Recording of {callId}</span>
      {problem ? (
        <p class="error" role="alert" data-testid="player-error">{problem}</p>
      ) : (
        <>
          <audio ref={audio} controls preload="metadata" src={url} onError={() => void explain()} />
          <a href={`${url}?download=1`} download data-testid="download">Download</a>
        </>
      )}
      <button class="link" onClick={onClose}>Close</button>
    </div>
  );
}
