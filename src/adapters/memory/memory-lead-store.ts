import { applyCall, type CallFact } from '../../core/leads/first-dial.js';
import { slowestLeads, type StatsLead } from '../../core/leads/first-dial-stats.js';
import { newLeadRecord, slaDeadline, type Lead, type NewLead } from '../../core/leads/lead.js';
import type { LeadContact, LeadFilter, LeadOrder, LeadPage, LeadStore, SlowLead } from '../../core/leads/lead-store.port.js';

/**
 * In-memory twin of PostgresLeadStore for unit tests. Both pass the contract in
 * tests/helpers/lead-store-contract.ts, so tests on this fake hold for the real store.
 */
export class MemoryLeadStore implements LeadStore {
  private readonly leads = new Map<string, Lead>();

  async upsert(lead: NewLead): Promise<{ lead: Lead; created: boolean }> {
    const known = this.leads.get(lead.id);
    const next = known
      ? { ...known, phone: lead.phone, phoneRaw: lead.phoneRaw, ownerManager: lead.ownerManager, scenario: lead.scenario, slaMinutes: lead.slaMinutes }
      : newLeadRecord(lead);
    this.leads.set(lead.id, next);
    return { lead: next, created: !known };
  }

  async get(id: string): Promise<Lead | null> {
    return this.leads.get(id) ?? null;
  }

  async ownerOf(phone: string): Promise<string | null> {
    const owned = [...this.leads.values()].filter((l) => l.phone === phone && l.ownerManager !== null);
    owned.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
    return owned[0]?.ownerManager ?? null;
  }

  async newestByPhones(phones: readonly string[]): Promise<Map<string, Lead>> {
    const wanted = new Set(phones);
    const newest = new Map<string, Lead>();
    for (const l of this.leads.values()) {
      if (!wanted.has(l.phone)) continue;
      const known = newest.get(l.phone);
      if (!known || newerThan(l, known)) newest.set(l.phone, l);
    }
    return newest;
  }

  async recordCall(call: CallFact): Promise<LeadContact[]> {
    const contacts: LeadContact[] = [];
    for (const lead of this.leads.values()) {
      const { lead: next, changed } = applyCall(lead, call);
      if (changed.length === 0) continue;
      this.leads.set(lead.id, next);
      contacts.push(...changed.map((kind) => ({ lead: next, kind })));
    }
    return contacts;
  }

  async markBreached(dueBy: Date, at: Date): Promise<Lead[]> {
    const due = [...this.leads.values()].filter((l) => l.firstDial === null && l.slaBreachedAt === null && slaDeadline(l) <= dueBy);
    return due.map((l) => {
      const marked = { ...l, slaBreachedAt: at };
      this.leads.set(l.id, marked);
      return marked;
    });
  }

  async reassign(id: string, from: string | null, to: string): Promise<Lead | null> {
    const lead = this.leads.get(id);
    if (!lead || lead.ownerManager !== from) return null;
    const moved = { ...lead, ownerManager: to, reassignedFrom: from };
    this.leads.set(id, moved);
    return moved;
  }

  async openLeadCounts(managers: readonly string[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const l of this.leads.values()) {
      if (l.firstDial === null && l.ownerManager !== null && managers.includes(l.ownerManager)) {
        counts.set(l.ownerManager, (counts.get(l.ownerManager) ?? 0) + 1);
      }
    }
    return counts;
  }

  async list(filter: LeadFilter, page: { limit: number; offset: number; order?: LeadOrder }): Promise<LeadPage> {
    const sign = page.order === 'oldest' ? -1 : 1;
    const matching = [...this.leads.values()]
      .filter((l) => matches(l, filter))
      .sort((a, b) => sign * (b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)));
    return { items: matching.slice(page.offset, page.offset + page.limit), total: matching.length };
  }

  async statsLeads(from: Date, to: Date, ownerManager?: string): Promise<StatsLead[]> {
    return [...this.leads.values()]
      .filter((l) => matches(l, { from, to, ownerManager }))
      .map((l) => ({ ownerManager: l.ownerManager, createdAt: l.createdAt, slaMinutes: l.slaMinutes, firstDialSeconds: l.firstDial?.seconds ?? null }));
  }

  async slowestLeads(from: Date, to: Date, now: Date, limit: number, ownerManager?: string): Promise<SlowLead[]> {
    const inPeriod = [...this.leads.values()].filter((l) => matches(l, { from, to, ownerManager }));
    return slowestLeads(inPeriod.map((l) => ({ ...l, firstDialSeconds: l.firstDial?.seconds ?? null })), now, limit)
      .map(({ lead: { firstDialSeconds: _s, ...lead }, waitSeconds }) => ({ lead, waitSeconds }));
  }
}

/** PostgresLeadStore's order: createdAt, then the greater id. */
function newerThan(a: Lead, b: Lead): boolean {
  const byTime = a.createdAt.getTime() - b.createdAt.getTime();
  return byTime !== 0 ? byTime > 0 : a.id > b.id;
}

function matches(l: Lead, f: LeadFilter): boolean {
  if (f.from && l.createdAt < f.from) return false;
  if (f.to && l.createdAt >= f.to) return false;
  if (f.ownerManager !== undefined && l.ownerManager !== f.ownerManager) return false;
  if (f.status === 'undialled') return l.firstDial === null;
  if (f.status === 'dialled') return l.firstDial !== null;
  if (f.status === 'breached') return l.slaBreachedAt !== null;
  return true;
}
