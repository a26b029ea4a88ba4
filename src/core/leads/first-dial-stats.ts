import { withinSla } from './lead.js';

/** What the statistics need of a lead. */
export interface StatsLead {
  ownerManager: string | null;
  createdAt: Date;
  slaMinutes: number;
  firstDialSeconds: number | null;
}

/** One manager's first-dial figures over a period, for the leads he owns. */
export interface ManagerFirstDialStats {
  /** null: leads with no owner. */
  manager: string | null;
  leads: number;
  dialled: number;
  /** Not dialled yet, deadline still ahead: left out of the share, since they may still make it. */
  pending: number;
  withinSla: number;
  medianSeconds: number | null;
  p90Seconds: number | null;
  /** withinSla / (leads - pending): a lead never dialled counts against it. null when nothing is decided yet. */
  shareWithinSla: number | null;
}

/**
 * Per owner, sorted by extension (unowned leads last). Leads are counted for their owner,
 * whoever dialled them: the owner answers for his leads. Median and p90 are over the
 * dialled leads only (an undialled lead has no time), so read them with the share.
 */
export function firstDialStats(leads: readonly StatsLead[], now: Date): ManagerFirstDialStats[] {
  const byOwner = new Map<string | null, StatsLead[]>();
  for (const lead of leads) {
    const owned = byOwner.get(lead.ownerManager);
    if (owned) owned.push(lead);
    else byOwner.set(lead.ownerManager, [lead]);
  }
  return [...byOwner.entries()]
    .sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : a.localeCompare(b, 'en', { numeric: true })))
    .map(([manager, owned]) => statsOf(manager, owned, now));
}

function statsOf(manager: string | null, leads: readonly StatsLead[], now: Date): ManagerFirstDialStats {
  const seconds = leads.flatMap((l) => (l.firstDialSeconds === null ? [] : [l.firstDialSeconds])).sort((a, b) => a - b);
  const outcomes = leads.map((l) => withinSla(l, now));
  const pending = outcomes.filter((o) => o === null).length;
  const within = outcomes.filter((o) => o === true).length;
  const decided = leads.length - pending;
  return {
    manager,
    leads: leads.length,
    dialled: seconds.length,
    pending,
    withinSla: within,
    medianSeconds: seconds.length === 0 ? null : percentile(seconds, 0.5),
    p90Seconds: seconds.length === 0 ? null : percentile(seconds, 0.9),
    shareWithinSla: decided === 0 ? null : within / decided,
  };
}

/**
 * Linear interpolation between the closest ranks, as PostgreSQL's percentile_cont and a
 * spreadsheet's PERCENTILE.INC compute it, so a BI tool reading the leads table agrees.
 * `sorted` is ascending and not empty.
 */
export function percentile(sorted: readonly number[], p: number): number {
  const rank = p * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const value = sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
  return Math.round(value * 1000) / 1000;
}

/** What ranking by slowness needs of a lead. */
export interface WaitingLead {
  id: string;
  createdAt: Date;
  firstDialSeconds: number | null;
}

/**
 * How long the lead waited for its first dial: the dial's seconds, or, not dialled yet,
 * the seconds since it was created (it is still waiting, so it ranks by the wait so far).
 */
export function firstDialWait(lead: WaitingLead, now: Date): number {
  if (lead.firstDialSeconds !== null) return lead.firstDialSeconds;
  return Math.max(0, Math.round(now.getTime() - lead.createdAt.getTime()) / 1000);
}

/**
 * The `limit` leads that waited longest, longest first; on a tie the older lead, then the
 * smaller id, so the list is stable between refreshes. PostgresLeadStore.slowestLeads
 * orders the same way in SQL.
 */
export function slowestLeads<L extends WaitingLead>(leads: readonly L[], now: Date, limit: number): { lead: L; waitSeconds: number }[] {
  return leads
    .map((lead) => ({ lead, waitSeconds: firstDialWait(lead, now) }))
    .sort((a, b) => b.waitSeconds - a.waitSeconds || a.lead.createdAt.getTime() - b.lead.createdAt.getTime() || (a.lead.id < b.lead.id ? -1 : a.lead.id > b.lead.id ? 1 : 0))
    .slice(0, Math.max(0, limit));
}
