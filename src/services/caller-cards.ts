import type { LeadStore } from '../core/leads/lead-store.port.js';
import { leadUrl } from '../core/leads/lead-url.js';
import { displayPhone, toE164 } from '../core/phone/e164.js';

/** What the browser phone shows of the other party while a call rings or lasts. */
export interface CallerCard {
  /** As people read it ("+7 916 123-45-67"); an extension or "anonymous" as it came. */
  number: string;
  e164: string | null;
  /** The newest lead with this number; null when none, or when it is a colleague's (as GET /api/leads/:id hides it). */
  lead: { id: string; url: string | null } | null;
}

/**
 * The caller's number and CRM lead for a manager's browser phone. A manager sees a lead
 * he owns or one nobody owns yet; a colleague's lead stays hidden, as everywhere else.
 */
export class CallerCards {
  constructor(private readonly deps: { leads: Pick<LeadStore, 'newestByPhones'> | null; defaultRegion: string; leadUrlTemplate: string | null }) {}

  async lookup(raw: string, extension: string): Promise<CallerCard> {
    const e164 = toE164(raw, this.deps.defaultRegion);
    const card: CallerCard = { number: displayPhone(raw, this.deps.defaultRegion), e164, lead: null };
    if (e164 === null || this.deps.leads === null) return card;
    const lead = (await this.deps.leads.newestByPhones([e164])).get(e164);
    if (lead === undefined || (lead.ownerManager !== null && lead.ownerManager !== extension)) return card;
    return { ...card, lead: { id: lead.id, url: leadUrl(this.deps.leadUrlTemplate, lead.id) } };
  }
}
