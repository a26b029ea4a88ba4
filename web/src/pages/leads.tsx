import { useEffect, useState } from 'preact/hooks';
import type { LeadJson } from '../../../src/adapters/http/schemas/lead-json.js';
import { leadUrl } from '../../../src/core/leads/lead-url.js';
import { api, problemOf } from '../api.js';
import type { PageProps } from '../app.js';
import { CallButton } from '../components/call-button.js';
import { clock, dateTime, phone } from '../format.js';
import { t } from '../i18n.js';
import { currentSettings, managerName } from '../settings.js';
import { useNow } from '../use-now.js';

/** Re-read this often: new leads arrive from the CRM, dialled ones leave the list. */
const REFRESH_MS = 5000;

/** Leads nobody has dialled yet, oldest first, with the time left before their SLA runs out. */
export function LeadsPage({ who }: PageProps) {
  const [leads, setLeads] = useState<{ items: LeadJson[]; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const now = useNow();

  useEffect(() => {
    const load = () =>
      api<{ items: LeadJson[]; total: number }>('/api/leads?status=undialled&order=oldest&limit=200').then(
        (page) => (setLeads(page), setError(null)),
        (err) => setError(problemOf(err)),
      );
    void load();
    const timer = setInterval(load, REFRESH_MS);
    return () => clearInterval(timer);
  }, []);

  const template = currentSettings().leadUrlTemplate;
  return (
    <section class="leads">
      <h2>{t('leads.title')}</h2>
      {who.role === 'manager' && <p class="quiet">{t('leads.yours')}</p>}
      {error && <p class="error" role="alert">{error}</p>}
      {!leads && !error && <p class="loading">{t('loading')}</p>}
      {leads && leads.items.length === 0 && <p class="quiet" data-testid="no-leads">{t('leads.allDialled')}</p>}
      {leads && leads.items.length > 0 && (
        <table class="grid" data-testid="leads">
          <thead>
            <tr>
              <th>{t('leads.created')}</th><th>{t('calls.lead')}</th><th>{t('leads.phone')}</th><th>{t('leads.owner')}</th>
              <th>{t('leads.scenario')}</th><th>{t('leads.sla')}</th><th>{t('leads.left')}</th><th />
            </tr>
          </thead>
          <tbody>
            {leads.items.map((lead) => {
              const left = (Date.parse(lead.slaDeadline) - now) / 1000;
              const url = leadUrl(template, lead.id);
              return (
                <tr data-lead={lead.id} class={left < 0 ? 'overdue' : left < 120 ? 'due-soon' : ''}>
                  <td>{dateTime(lead.createdAt)}</td>
                  <td>{url ? <a href={url} target="_blank" rel="noopener noreferrer" data-lead-link>{lead.id}</a> : lead.id}</td>
                  <td class="number">{phone(lead.phone || lead.phoneRaw)}</td>
                  <td>{lead.ownerManager ? <>{managerName(lead.ownerManager)} <span class="ext">{lead.ownerManager}</span></> : '—'}</td>
                  <td>{lead.scenario ?? ''}</td>
                  <td>{t('leads.minutes', { n: lead.slaMinutes })}</td>
                  <td class="countdown" data-seconds-left={Math.round(left)}>{left < 0 ? t('leads.overdue', { time: clock(-left) }) : clock(left)}</td>
                  <td><CallButton who={who} target={{ leadId: lead.id }} /></td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {leads && leads.total > leads.items.length && <p class="quiet">{t('leads.oldest', { shown: leads.items.length, total: leads.total })}</p>}
    </section>
  );
}
