import { useEffect, useState } from 'preact/hooks';
import type { ReviewItem } from '../../../src/core/review/review-store.port.js';
import type { ReviewQueueResult } from '../../../src/services/review-queue.js';
import { api, isSupervising, problemOf, query } from '../api.js';
import type { PageProps } from '../app.js';
import { percent } from '../format.js';
import { t, type MessageKey } from '../i18n.js';
import { managerName } from '../settings.js';
import { Player } from './calls.js';

type ItemJson = Omit<ReviewItem, 'reviewedAt'> & { reviewedAt: string | null };
type QueueJson = Omit<ReviewQueueResult, 'items'> & { items: ItemJson[] };

/** Quality control: a finished day's picked calls, each listened to and scored on the checklist. */
export function ReviewsPage({ who, params }: PageProps) {
  const [day, setDay] = useState(params.get('day') ?? '');
  const [queue, setQueue] = useState<QueueJson | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [playing, setPlaying] = useState<string | null>(null);

  const load = async () => {
    setError(null);
    try {
      const q = await api<QueueJson>(`/api/reviews${query({ day })}`);
      setQueue(q);
      setDay(q.day);
    } catch (err) {
      setError(problemOf(err));
    }
  };
  useEffect(() => void (isSupervising(who) ? load() : undefined), []);
  if (!isSupervising(who)) return <p class="quiet">{t('reviews.supervisorsOnly')}</p>;

  return (
    <section class="reviews">
      <h2>{t('reviews.title')}</h2>
      <form class="filters" onSubmit={(e) => { e.preventDefault(); void load(); }}>
        <label>{t('reviews.day')} <input type="date" name="day" value={day} onInput={(e) => setDay(e.currentTarget.value)} /></label>
        <button type="submit">{t('calls.show')}</button>
      </form>
      {error && <p class="error" role="alert">{error}</p>}
      {playing && <Player callId={playing} onClose={() => setPlaying(null)} />}
      {queue && queue.items.length === 0 && <p class="quiet" data-testid="no-reviews">{t('reviews.none')}</p>}
      {queue && queue.items.length > 0 && (
        <table class="grid" data-testid="reviews">
          <thead>
            <tr><th>{t('calls.manager')}</th><th>{t('reviews.why')}</th><th /><th>{t('reviews.checklist')}</th><th>{t('reviews.note')}</th><th>{t('reviews.score')}</th></tr>
          </thead>
          <tbody>
            {queue.items.map((item) => <ReviewRow item={item} checklist={queue.checklist} onPlay={() => setPlaying(item.callId)} />)}
          </tbody>
        </table>
      )}
    </section>
  );
}

function ReviewRow({ item, checklist, onPlay }: { item: ItemJson; checklist: string[]; onPlay: () => void }) {
  const [marks, setMarks] = useState<Record<string, boolean>>(() => Object.fromEntries(checklist.map((c) => [c, item.marks?.[c] ?? false])));
  const [note, setNote] = useState(item.note ?? '');
  const [saved, setSaved] = useState<ItemJson>(item);
  const [error, setError] = useState<string | null>(null);
  const save = async () => {
    setError(null);
    try {
      setSaved(await api<ItemJson>(`/api/reviews/${encodeURIComponent(item.callId)}`, { method: 'POST', body: { marks, ...(note.trim() ? { note } : {}) } }));
    } catch (err) {
      setError(problemOf(err));
    }
  };
  return (
    <tr data-review={item.callId} data-manager={item.manager}>
      <td>{managerName(item.manager)} <span class="ext">{item.manager}</span></td>
      <td class="quiet">{item.reasons.map((r) => t(`reviews.reason.${r}` as MessageKey)).join(', ') || '—'}</td>
      <td><button class="small" data-play={item.callId} onClick={onPlay}>{t('calls.play')}</button></td>
      <td>
        {checklist.map((c) => (
          <label class="check">
            <input type="checkbox" checked={marks[c]} onChange={(e) => setMarks({ ...marks, [c]: e.currentTarget.checked })} /> {c}
          </label>
        ))}
      </td>
      <td><textarea name="note" rows={2} maxLength={2000} value={note} onInput={(e) => setNote(e.currentTarget.value)} /></td>
      <td>
        <button class="small" data-save onClick={() => void save()}>{t('reviews.save')}</button>{' '}
        <span data-score={saved.score ?? ''}>{saved.score === null ? '' : percent(saved.score)}</span>
        {saved.reviewer && <div class="quiet small">{saved.reviewer}</div>}
        {error && <div class="error" role="alert">{error}</div>}
      </td>
    </tr>
  );
}
