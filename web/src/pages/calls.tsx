import { useEffect, useRef, useState } from 'preact/hooks';
import type { BrowsedCall } from '../../../src/services/call-browser.js';
import { addDays, startOfLocalDay } from '../../../src/core/kpi/kpi-period.js';
import { api, isSupervising, problemOf, query } from '../api.js';
import type { PageProps } from '../app.js';
import { clock, dateTime, localToday, number, percent, phone } from '../format.js';
import type { ConversationAnalytics } from '../../../src/core/recordings/conversation-analytics.js';
import { t, type MessageKey } from '../i18n.js';
import { currentSettings, managerName } from '../settings.js';

interface Filters {
  from: string;
  to: string;
  manager: string;
  direction: string;
  disposition: string;
  number: string;
}

const PAGE = 50;
const DISPOSITIONS = ['answered', 'missed', 'no-answer', 'busy', 'cancelled', 'failed'] as const;

/** The inputs' dates, days of the team's zone (routing.timezone), to the instants the API filters on: [from's start, the start of the day after `to`). */
function period(f: Filters): { from?: string; to?: string } {
  const zone = currentSettings().timezone;
  const valid = (day: string) => /^\d{4}-\d{2}-\d{2}$/.test(day);
  return {
    from: valid(f.from) ? startOfLocalDay(zone, f.from).toISOString() : undefined,
    to: valid(f.to) ? startOfLocalDay(zone, addDays(f.to, 1)).toISOString() : undefined,
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
      setError(problemOf(err));
    }
  };
  useEffect(() => void load(), [offset]);

  const field = (name: keyof Filters) => ({
    value: filters[name],
    onInput: (e: Event) => setFilters({ ...filters, [name]: (e.currentTarget as HTMLInputElement).value }),
  });

  return (
    <section class="calls">
      <h2>{t('calls.title')}</h2>
      <form class="filters" onSubmit={(e) => { e.preventDefault(); if (offset === 0) void load(); else setOffset(0); }}>
        <label>{t('calls.from')} <input type="date" name="from" {...field('from')} /></label>
        <label>{t('calls.to')} <input type="date" name="to" {...field('to')} /></label>
        {isSupervising(who) && (
          <label>
            {t('calls.manager')}
            <select name="manager" {...field('manager')}>
              <option value="">{t('calls.any')}</option>
              {currentSettings().managers.map((m) => <option value={m.extension}>{m.name} ({m.extension})</option>)}
            </select>
          </label>
        )}
        <label>
          {t('calls.direction')}
          <select name="direction" {...field('direction')}>
            <option value="">{t('calls.any')}</option>
            {(['inbound', 'outbound', 'internal'] as const).map((d) => <option value={d}>{t(`direction.${d}`)}</option>)}
          </select>
        </label>
        <label>
          {t('calls.result')}
          <select name="disposition" {...field('disposition')}>
            <option value="">{t('calls.any')}</option>
            {DISPOSITIONS.map((d) => <option value={d}>{t(`disposition.${d}`)}</option>)}
          </select>
        </label>
        <label>{t('calls.number')} <input name="number" size={14} placeholder={t('calls.digits')} {...field('number')} /></label>
        <button type="submit">{t('calls.show')}</button>
      </form>
      {error && <p class="error" role="alert">{error}</p>}
      {playing && <Player callId={playing} onClose={() => setPlaying(null)} />}
      {page && (
        <>
          <table class="grid" data-testid="calls">
            <thead>
              <tr>
                <th>{t('calls.started')}</th><th>{t('calls.direction')}</th><th>{t('calls.client')}</th><th>{t('calls.manager')}</th>
                <th>{t('calls.result')}</th><th>{t('calls.talk')}</th><th>{t('calls.conversation')}</th><th>{t('calls.recording')}</th><th>{t('calls.lead')}</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((c) => (
                <tr data-call={c.callId} class={c.callId === playing ? 'selected' : ''}>
                  <td>{dateTime(c.startedAt)}</td>
                  <td>{t(`direction.${c.direction}` as MessageKey)}</td>
                  <td class="number">{c.clientNumber ? phone(c.clientNumber) : `${c.callerNumber} → ${c.calleeNumber}`}</td>
                  <td data-manager-ext={c.manager ?? ''}>{c.manager ? <>{managerName(c.manager)} <span class="ext">{c.manager}</span></> : '—'}</td>
                  <td class={`disposition ${c.disposition}`} data-disposition={c.disposition}>{t(`disposition.${c.disposition}` as MessageKey)}</td>
                  <td>{c.talkSeconds > 0 ? clock(c.talkSeconds) : ''}</td>
                  <td class="conversation">{c.recording?.analytics && <Conversation a={c.recording.analytics} />}</td>
                  <td>
                    {c.recording?.status === 'stored' ? (
                      <button class="small" data-play={c.callId} onClick={() => setPlaying(c.callId)}>{t('calls.play')}</button>
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
            <span data-testid={page.total === 0 ? 'no-calls' : 'range'}>
              {page.total === 0 ? t('calls.none') : t('calls.range', { first: offset + 1, last: offset + page.items.length, total: page.total })}
            </span>
            <button class="small" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>{t('calls.newer')}</button>
            <button class="small" disabled={offset + PAGE >= page.total} onClick={() => setOffset(offset + PAGE)}>{t('calls.older')}</button>
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
export function Player({ callId, onClose }: { callId: string; onClose: () => void }) {
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
      <span>{t('calls.recordingOf', { id: callId })}</span>
      {problem ? (
        <p class="error" role="alert" data-testid="player-error">{problem}</p>
      ) : (
        <>
          <audio ref={audio} controls preload="metadata" src={url} onError={() => void explain()} />
          <a href={`${url}?download=1`} download data-testid="download">{t('calls.download')}</a>
        </>
      )}
      <button class="link" onClick={onClose}>{t('calls.close')}</button>
    </div>
  );
}

/** The conversation in one line: the manager's share of the talk, his longest monologue, interruptions; the rest in the tooltip. */
function Conversation({ a }: { a: ConversationAnalytics }) {
  const detail = t('calls.conversationDetail', {
    client: clock(a.clientTalkSeconds),
    manager: clock(a.managerTalkSeconds),
    silence: percent(a.silenceShare),
    clientInterruptions: a.interruptions.byClient,
    firstWord: a.firstManagerWordSeconds === null ? '—' : `${number(a.firstManagerWordSeconds)} s`,
  });
  return (
    <span title={detail} data-talk-ratio={a.talkRatio ?? ''} data-monologue={a.longestManagerMonologueSeconds} data-interruptions={a.interruptions.byManager}>
      {t('calls.conversationShort', { ratio: percent(a.talkRatio), monologue: clock(a.longestManagerMonologueSeconds), interruptions: a.interruptions.byManager })}
    </span>
  );
}
