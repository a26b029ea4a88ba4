/** A lead the CRM told us about, and how fast the team reached it. Pure data. */

/** One call that was a first for a lead: when it happened and which call it was. */
export interface LeadCall {
  callId: string;
  at: Date;
}

export interface FirstDial extends LeadCall {
  /** The manager who placed the call (not necessarily the lead's owner). */
  manager: string | null;
  /** From the lead's creation to the call's start. */
  seconds: number;
}

export interface Lead {
  /** The CRM's id of the lead: the CRM may send it again, and it stays one lead. */
  id: string;
  /** E.164, the key calls are matched by. */
  phone: string;
  /** As the CRM wrote it, for people comparing with the CRM card. */
  phoneRaw: string;
  /** When the lead was created in the CRM (never later than when it reached us). */
  createdAt: Date;
  receivedAt: Date;
  ownerManager: string | null;
  /** Scenario the CRM placed the lead in, when it says; chooses the SLA from leads.slaMinutesByScenario. */
  scenario: string | null;
  slaMinutes: number;
  /** First outbound call to the lead's number after its creation, by any manager. */
  firstDial: FirstDial | null;
  /** First outbound call to it that the client answered (`at` is the answer). */
  firstConnected: LeadCall | null;
  /** First call from the lead's number to the company after its creation, answered or not. */
  firstInbound: LeadCall | null;
  slaBreachedAt: Date | null;
  /** The owner before an SLA breach moved the lead to another manager. */
  reassignedFrom: string | null;
}

/** What the intake decided for a lead; the store adds the facts. */
export type NewLead = Pick<Lead, 'id' | 'phone' | 'phoneRaw' | 'createdAt' | 'receivedAt' | 'ownerManager' | 'scenario' | 'slaMinutes'>;

/**
 * Filters of the lead list. undialled: no first dial yet; dialled: has one; breached:
 * the SLA alarm was raised (the lead may have been dialled since).
 */
export const LEAD_STATUSES = ['undialled', 'dialled', 'breached'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

export function newLeadRecord(lead: NewLead): Lead {
  return { ...lead, firstDial: null, firstConnected: null, firstInbound: null, slaBreachedAt: null, reassignedFrom: null };
}

export function slaDeadline(lead: Pick<Lead, 'createdAt' | 'slaMinutes'>): Date {
  return new Date(lead.createdAt.getTime() + lead.slaMinutes * 60_000);
}

/**
 * true: dialled within the SLA; false: dialled late or not at all by the deadline;
 * null: not dialled yet and the deadline is still ahead, so nothing can be said.
 */
export function withinSla(lead: Pick<Lead, 'createdAt' | 'slaMinutes'> & { firstDialSeconds: number | null }, now: Date): boolean | null {
  if (lead.firstDialSeconds !== null) return lead.firstDialSeconds <= lead.slaMinutes * 60;
  return now < slaDeadline(lead) ? null : false;
}

/** Seconds from a lead's creation to a call, to the millisecond. */
export function secondsSince(createdAt: Date, at: Date): number {
  return Math.round(at.getTime() - createdAt.getTime()) / 1000;
}
