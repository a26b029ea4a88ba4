import type { CallRecord, Direction, Disposition } from './call-record.js';

/** Which calls to list. `from` is inclusive and `to` exclusive, both on startedAt. */
export interface CallFilter {
  manager?: string;
  from?: Date;
  to?: Date;
  direction?: Direction;
  disposition?: Disposition;
}

export interface PageRequest {
  limit?: number;
  offset?: number;
}

export interface CallPage {
  /** Newest first (startedAt descending, then callId descending so pages are stable). */
  items: CallRecord[];
  /** How many calls match the filter, ignoring the page. */
  total: number;
}

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 500;

/** Where finished calls are kept. Implemented by PostgresCallStore and InMemoryCallStore. */
export interface CallStore {
  /**
   * Saves finished calls with their ring attempts. Idempotent: a call whose callId is
   * already stored is skipped, so a retried batch never duplicates anything.
   */
  saveCalls(records: CallRecord[]): Promise<void>;
  listCalls(filter: CallFilter, page?: PageRequest): Promise<CallPage>;
  /** The call with its attempts in ring order, or null when unknown. */
  getCall(callId: string): Promise<CallRecord | null>;
}

/** Applies the defaults and the ceiling, so no caller can ask a store for a million rows. */
export function normalizePage(page: PageRequest = {}): { limit: number; offset: number } {
  const limit = Math.min(Math.max(Math.trunc(page.limit ?? DEFAULT_PAGE_LIMIT), 1), MAX_PAGE_LIMIT);
  const offset = Math.max(Math.trunc(page.offset ?? 0), 0);
  return { limit, offset };
}
