import type { CallFact, ContactKind } from './first-dial.js';
import type { StatsLead } from './first-dial-stats.js';
import type { Lead, LeadStatus, NewLead } from './lead.js';

/** Which leads to list. `from` inclusive and `to` exclusive, both on createdAt. */
export interface LeadFilter {
  from?: Date;
  to?: Date;
  ownerManager?: string;
  status?: LeadStatus;
}

/** newest: createdAt descending (the default); oldest: ascending, as a board of leads still to dial wants them. */
export type LeadOrder = 'newest' | 'oldest';

export interface LeadPage {
  /** Newest first (createdAt descending, then id), or oldest first when asked. */
  items: Lead[];
  total: number;
}

/** A lead whose first of this kind the call just became. */
export interface LeadContact {
  lead: Lead;
  kind: ContactKind;
}

/**
 * Where leads are kept. Implemented by PostgresLeadStore and MemoryLeadStore; every
 * change is one atomic step, so several service instances can share the store.
 */
export interface LeadStore {
  /**
   * Adds the lead, or updates phone, owner, scenario and SLA of a lead the CRM sends
   * again. The creation time, the receipt and the recorded firsts stay as they were.
   */
  upsert(lead: NewLead): Promise<{ lead: Lead; created: boolean }>;
  get(id: string): Promise<Lead | null>;
  /** The owner of the newest lead with this number (E.164) that has one: the client's manager in the CRM. */
  ownerOf(phone: string): Promise<string | null>;
  /**
   * The newest lead (createdAt, then the greater id on a tie) of each of these numbers
   * (E.164), keyed by the number; a number without a lead is absent. For lists that
   * link many calls to their leads at once.
   */
  newestByPhones(phones: readonly string[]): Promise<Map<string, Lead>>;
  /**
   * Applies a call to every lead with its number created at or before the call started
   * (rules: core/leads/first-dial.ts); an earlier call replaces a later one.
   */
  recordCall(call: CallFact): Promise<LeadContact[]>;
  /**
   * Marks, at `at`, every lead not dialled and not yet marked whose deadline
   * (createdAt + slaMinutes) is at or before `dueBy`; returns them. Each lead is returned once.
   */
  markBreached(dueBy: Date, at: Date): Promise<Lead[]>;
  /** Gives the lead to `to` if `from` still owns it; null otherwise. */
  reassign(id: string, from: string | null, to: string): Promise<Lead | null>;
  /** Undialled leads per owner among these managers (a manager with none is absent). */
  openLeadCounts(managers: readonly string[]): Promise<Map<string, number>>;
  list(filter: LeadFilter, page: { limit: number; offset: number; order?: LeadOrder }): Promise<LeadPage>;
  /** Every lead created in [from, to), optionally of one owner, as the statistics need them. */
  statsLeads(from: Date, to: Date, ownerManager?: string): Promise<StatsLead[]>;
  /**
   * The `limit` leads created in [from, to) (optionally of one owner) that waited longest for
   * their first dial as of `now`, longest first (rules and ties: core/leads/first-dial-stats.ts slowestLeads).
   */
  slowestLeads(from: Date, to: Date, now: Date, limit: number, ownerManager?: string): Promise<SlowLead[]>;
}

/** A lead and how long it waited (or has waited so far) for its first dial. */
export interface SlowLead {
  lead: Lead;
  waitSeconds: number;
}

export const DEFAULT_LEAD_PAGE = 50;
export const MAX_LEAD_PAGE = 500;
