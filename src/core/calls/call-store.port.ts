import type { CallRecord, Direction, Disposition } from './call-record.js';

/** Which calls to list. `from` is inclusive and `to` exclusive, both on startedAt. */
export interface CallFilter {
  manager?: string;
  from?: Date;
  to?: Date;
  direction?: Direction;
  disposition?: Disposition;
  /**
   * Calls where the caller's or the callee's number contains these digits. Only digits
   * are compared, on both sides: "916 123" finds a call stored as "+79161234567" or
   * "8 (916) 123-45-67". With no digit at all it filters nothing (every number contains the
   * empty string); the HTTP routes refuse such a query instead.
   */
  number?: string;
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
  /** Whether a call with this Call-ID is stored (a new call must not reuse it). */
  hasCall(callId: string): Promise<boolean>;
}

/** The digits of a number query, as the stores compare them: "+7 (916) 12" is "791612". */
export function numberDigits(query: string): string {
  return query.replace(/\D/g, '');
}

/** Applies the defaults and the ceiling, so no caller can ask a store for a million rows. */
export function normalizePage(page: PageRequest = {}): { limit: number; offset: number } {
  const limit = Math.min(Math.max(Math.trunc(page.limit ?? DEFAULT_PAGE_LIMIT), 1), MAX_PAGE_LIMIT);
  const offset = Math.max(Math.trunc(page.offset ?? 0), 0);
  return { limit, offset };
}
