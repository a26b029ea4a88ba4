import { useEffect, useState } from 'preact/hooks';
import type { CallbackView } from '../../../src/services/callback-desk.js';
import { api, isSupervising, problemOf } from '../api.js';
import type { PageProps } from '../app.js';
import { CallButton } from '../components/call-button.js';
import { clock, dateTime, phone } from '../format.js';
import { t } from '../i18n.js';
import { currentSettings, managerName } from '../settings.js';
import { useNow } from '../use-now.js';

/** Dates arrive as ISO strings. */
type CallbackJson = Omit<CallbackView, 'createdAt' | 'dueAt' | 'reassignedAt'> & { createdAt: string; dueAt: string; reassignedAt: string | null };

/** Re-read this often: tasks close by themselves when the client is called back. */
const REFRESH_MS = 5000;

/**
 * Missed clients to call back, oldest first, with their owner and the time against the
 * callback SLA. A manager sees his own and calls from here; a supervisor sees all and gives
 * a task to someone else.
 */
export function CallbacksPage({ who }: PageProps) {
  const [list, setList] = useState<{ items: CallbackJson[]; slaMinutes: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const now = useNow();

  const load = () =>
    api<{ items: CallbackJson[]; slaMinutes: number }>('/api/callbacks').then(
      (page) => (setList(page), setError(null)),
      (err) => setError(problemOf(err)),
    );
  useEffect(() => {
    void load();
    const timer = setInterval(load, REFRESH_MS);
    return () => clearInterval(timer);
  }, []);

  return (
    <section class="callbacks">
      <h2>{t('callbacks.title')}</h2>
      <p class="quiet">
        {who.role === 'manager' && <>{t('callbacks.yours')} </>}
        {t('callbacks.sla', { n: list?.slaMinutes ?? currentSettings().callbackSlaMinutes })}
      </p>
      {error && (
        <p class="error" role="alert">
          {error} <button class="small" onClick={() => void load()}>{t('retry')}</button>
        </p>
      )}
      {!list && !error && <p class="loading">{t('loading')}</p>}
      {list && list.items.length === 0 && <p class="quiet" data-testid="no-callbacks">{t('callbacks.none')}</p>}
      {list && list.items.length > 0 && (
        <table class="grid" data-testid="callbacks">
          <thead>
            <tr>
              <th>{t('callbacks.missedAt')}</th><th>{t('callbacks.client')}</th><th>{t('callbacks.line')}</th><th>{t('callbacks.owner')}</th>
              <th>{t('callbacks.age')}</th><th>{t('callbacks.due')}</th><th>{t('callbacks.reason')}</th><th />
            </tr>
          </thead>
          <tbody>
            {list.items.map((task) => {
              const left = (Date.parse(task.dueAt) - now) / 1000;
              return (
                <tr data-callback={task.callId} data-owner={task.manager ?? ''} class={left < 0 ? 'overdue' : left < 300 ? 'due-soon' : ''}>
                  <td>{dateTime(task.createdAt)}</td>
                  <td class="number" data-client={task.clientNumber}>{phone(task.clientNumber)}</td>
                  <td>{task.scenario}</td>
                  <td>
                    {task.manager ? <>{task.managerName ?? managerName(task.manager)} <span class="ext">{task.manager}</span></> : <span class="quiet">{t('callbacks.nobody')}</span>}
                    {task.reassignedBy && (
                      <div class="quiet small">{t('callbacks.reassigned', { from: task.reassignedFrom ? managerName(task.reassignedFrom) : t('callbacks.nobody'), by: task.reassignedBy })}</div>
                    )}
                  </td>
                  <td>{clock((now - Date.parse(task.createdAt)) / 1000)}</td>
                  <td class="countdown" data-seconds-left={Math.round(left)}>{left < 0 ? t('callbacks.overdue', { time: clock(-left) }) : t('callbacks.left', { time: clock(left) })}</td>
                  <td class="quiet">{task.reason}</td>
                  <td>
                    {isSupervising(who) ? <Reassign task={task} onDone={() => void load()} /> : <CallButton who={who} target={{ phone: task.clientNumber }} />}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Reassign({ task, onDone }: { task: CallbackJson; onDone: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const give = async (manager: string) => {
    if (!manager || manager === task.manager) return;
    setError(null);
    try {
      await api(`/api/callbacks/${encodeURIComponent(task.callId)}/assign`, { method: 'POST', body: { manager } });
      onDone();
    } catch (err) {
      setError(problemOf(err));
    }
  };
  return (
    <label class="reassign">
      {t('callbacks.reassign')}{' '}
      <select name="assign" value={task.manager ?? ''} onChange={(e) => void give(e.currentTarget.value)}>
        {task.manager === null && <option value="">—</option>}
        {currentSettings().managers.map((m) => <option value={m.extension}>{m.name} ({m.extension})</option>)}
      </select>
      {error && <span class="error" role="alert"> {error}</span>}
    </label>
  );
}
