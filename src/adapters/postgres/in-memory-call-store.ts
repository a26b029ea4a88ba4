import type { CallRecord } from '../../core/calls/call-record.js';
import {
  normalizePage,
  numberDigits,
  type CallFilter,
  type CallPage,
  type CallStore,
  type PageRequest,
} from '../../core/calls/call-store.port.js';

/**
 * The fake beside PostgresCallStore, for unit tests: same ordering, filter and
 * idempotency rules. Records are copied in and out, as a database would, so a test
 * that mutates a returned record cannot change what is stored.
 */
export class InMemoryCallStore implements CallStore {
  readonly #calls = new Map<string, CallRecord>();

  async saveCalls(records: CallRecord[]): Promise<void> {
    for (const r of records) {
      if (!this.#calls.has(r.callId)) this.#calls.set(r.callId, structuredClone(r));
    }
  }

  async listCalls(filter: CallFilter, page?: PageRequest): Promise<CallPage> {
    const { limit, offset } = normalizePage(page);
    const matching = [...this.#calls.values()].filter((c) => matches(c, filter)).sort(newestFirst);
    return { items: matching.slice(offset, offset + limit).map((c) => structuredClone(c)), total: matching.length };
  }

  async getCall(callId: string): Promise<CallRecord | null> {
    const found = this.#calls.get(callId);
    return found ? structuredClone(found) : null;
  }

  async hasCall(callId: string): Promise<boolean> {
    return this.#calls.has(callId);
  }

  get size(): number {
    return this.#calls.size;
  }
}

function matches(c: CallRecord, f: CallFilter): boolean {
  return (
    (f.manager === undefined || c.manager === f.manager) &&
    (f.from === undefined || c.startedAt >= f.from) &&
    (f.to === undefined || c.startedAt < f.to) &&
    (f.direction === undefined || c.direction === f.direction) &&
    (f.disposition === undefined || c.disposition === f.disposition) &&
    (f.number === undefined || hasDigits(c, numberDigits(f.number)))
  );
}

/** Like PostgresCallStore: either stored number, stripped to its digits, contains them. */
function hasDigits(c: CallRecord, digits: string): boolean {
  return numberDigits(c.callerNumber).includes(digits) || numberDigits(c.calleeNumber).includes(digits);
}

function newestFirst(a: CallRecord, b: CallRecord): number {
  const byTime = b.startedAt.getTime() - a.startedAt.getTime();
  if (byTime !== 0) return byTime;
  return a.callId < b.callId ? 1 : a.callId > b.callId ? -1 : 0;
}
