import { useEffect, useState } from 'preact/hooks';
import type { LeadJson } from '../../../src/adapters/http/schemas/lead-json.js';
import { api, ApiError } from '../api.js';
import type { PageProps } from '../app.js';
import { clock, dateTime } from '../format.js';
import { useNow } from '../use-now.js';

/** Re-read this often: new leads arrive from the CRM, dialled ones leave the list. */
const REFRESH_MS = 5000;

/** Leads nobody has dialled yet, oldest first, with the time left before their SLA runs out. */
export function LeadsPage({ who }: PageProps) {
  const [leads, setLeads] = useState<{ items: LeadJson[]; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const now = useNow();
  const [calling, setCalling] = useState<string | null>(null);

  // Click-to-call: the manager's own phone (the browser phone, or his desk phone,
  // whichever is registered) rings first, then the client is called.
  const callLead = async (lead: LeadJson) => {
    setCalling(lead.id);
    try {
      await api('/api/calls', { method: 'POST', body: { manager: who.extension, leadId: lead.id } });
      setError(null);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setCalling(null);
    }
  };

  useEffect(() => {
    const load = () =>
      api<{ items: LeadJson[]; total: number }>('/api/leads?status=undialled&order=oldest&limit=200').then(
        (page) => (setLeads(page), setError(null)),
        (err) => setError(err instanceof ApiError ? err.message : String(err)),
      );
    void load();
    const timer = setInterval(load, REFRESH_MS);
    return () => clearInterval(timer);
  }, []);

  return (
    <section class="leads">
      <h2>Leads waiting for a first dial</h2>
      {who.role === 'manager' && <p class="quiet">Your leads only.</p>}
      {error && <p class="error" role="alert">{error}</p>}
      {leads && leads.items.length === 0 && <p class="quiet">Every lead has been dialled.</p>}
      {leads && leads.items.length > 0 && (
        <table class="grid" data-testid="leads">
          <thead>
            <tr><th>Created</th><th>Phone</th><th>Owner</th><th>Scenario</th><th>SLA</th><th>Left</th>{who.extension !== null && <th />}</tr>
          </thead>
          <tbody>
            {leads.items.map((lead) => {
              const left = (Date.parse(lead.slaDeadline) - now) / 1000;
              return (
                <tr data-lead={lead.id} class={left < 0 ? 'overdue' : left < 120 ? 'due-soon' : ''}>
                  <td>{dateTime(lead.createdAt)}</td>
                  <td>{lead.phoneRaw}</td>
                  <td>{lead.ownerManager ?? '—'}</td>
                  <td>{lead.scenario ?? ''}</td>
                  <td>{lead.slaMinutes} min</td>
                  <td class="countdown" data-seconds-left={Math.round(left)}>{left < 0 ? `overdue ${clock(-left)}` : clock(left)}</td>
                  {who.extension !== null && (
                    <td>
                      <button class="small" data-action="call-lead" disabled={calling !== null} onClick={() => callLead(lead)}>
                        Call
                      </button>
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {leads && leads.total > leads.items.length && <p class="quiet">Showing the oldest {leads.items.length} of {leads.total}.</p>}
    </section>
  );
}
