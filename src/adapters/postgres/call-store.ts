import { CompiledQuery, sql, type SelectQueryBuilder } from 'kysely';
import type { CallRecord } from '../../core/calls/call-record.js';
import {
  normalizePage,
  numberDigits,
  type CallFilter,
  type CallPage,
  type CallStore,
  type PageRequest,
} from '../../core/calls/call-store.port.js';
import type { Database } from './database.js';
import type { DatabaseSchema } from './database-schema.js';
import { fromRows, toAttemptRows, toCallRow } from './call-record-rows.js';
import { runPrepared } from './prepared-statements.js';

/**
 * Rows per INSERT statement. PostgreSQL allows 65,535 bind parameters per statement;
 * 1,000 calls x 14 columns stays well below, and a batch of 200 is one statement.
 */
const ROWS_PER_INSERT = 1_000;

const HAS_CALL_SQL = 'select 1 from calls where call_id = $1 limit 1';

export class PostgresCallStore implements CallStore {
  constructor(private readonly db: Database) {}

  async saveCalls(records: CallRecord[]): Promise<void> {
    const unique = firstOfEachCall(records);
    if (unique.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (const chunk of chunks(unique, ROWS_PER_INSERT)) {
        const inserted = await trx
          .insertInto('calls')
          .values(chunk.map(toCallRow))
          .onConflict((oc) => oc.column('call_id').doNothing())
          .returning('call_id')
          .execute();
        // Attempts only for calls this batch really inserted: a re-sent call keeps the attempts it has.
        const fresh = new Set(inserted.map((row) => row.call_id));
        const attempts = chunk.filter((r) => fresh.has(r.callId)).flatMap(toAttemptRows);
        for (const part of chunks(attempts, ROWS_PER_INSERT)) {
          await trx
            .insertInto('call_attempts')
            .values(part)
            .onConflict((oc) => oc.columns(['call_id', 'seq']).doNothing())
            .execute();
        }
      }
    });
  }

  async listCalls(filter: CallFilter, page?: PageRequest): Promise<CallPage> {
    const { limit, offset } = normalizePage(page);
    const filtered = applyFilter(this.db.selectFrom('calls'), filter);
    const [rows, count] = await Promise.all([
      filtered.selectAll().orderBy('started_at', 'desc').orderBy('call_id', 'desc').limit(limit).offset(offset).execute(),
      filtered.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow(),
    ]);
    const attempts = await this.attemptsOf(rows.map((r) => r.call_id));
    return {
      items: rows.map((row) => fromRows(row, attempts.get(row.call_id) ?? [])),
      total: Number(count.total),
    };
  }

  async getCall(callId: string): Promise<CallRecord | null> {
    const row = await this.db.selectFrom('calls').selectAll().where('call_id', '=', callId).executeTakeFirst();
    if (!row) return null;
    const attempts = await this.attemptsOf([callId]);
    return fromRows(row, attempts.get(callId) ?? []);
  }

  /**
   * Asked for every new call (CallIdGuard): the statement is written once rather than built
   * by the query builder per call. The Call-ID goes as a bound parameter, never into the text.
   */
  async hasCall(callId: string): Promise<boolean> {
    return (await runPrepared(this.db, 'has-call', CompiledQuery.raw(HAS_CALL_SQL, [callId]))).rows.length > 0;
  }

  /** Attempts of several calls in one query, grouped by call and in ring order. */
  private async attemptsOf(callIds: string[]) {
    const byCall = new Map<string, Awaited<ReturnType<typeof this.selectAttempts>>>();
    if (callIds.length === 0) return byCall;
    for (const row of await this.selectAttempts(callIds)) {
      const list = byCall.get(row.call_id) ?? [];
      list.push(row);
      byCall.set(row.call_id, list);
    }
    return byCall;
  }

  private selectAttempts(callIds: string[]) {
    return this.db
      .selectFrom('call_attempts')
      .selectAll()
      .where('call_id', 'in', callIds)
      .orderBy('call_id')
      .orderBy('seq')
      .execute();
  }
}

function applyFilter<O>(qb: SelectQueryBuilder<DatabaseSchema, 'calls', O>, f: CallFilter) {
  let q = qb;
  if (f.manager !== undefined) q = q.where('manager', '=', f.manager);
  if (f.from !== undefined) q = q.where('started_at', '>=', f.from);
  if (f.to !== undefined) q = q.where('started_at', '<', f.to);
  if (f.direction !== undefined) q = q.where('direction', '=', f.direction);
  if (f.disposition !== undefined) q = q.where('disposition', '=', f.disposition);
  if (f.number !== undefined) {
    const digits = numberDigits(f.number);
    // Stored numbers are as SIP carried them ("+7916...", "8916...", "101"), so their
    // non-digits go too. strpos rather than LIKE: nothing in the query needs escaping.
    q = q.where((eb) =>
      eb.or([
        sql<boolean>`strpos(regexp_replace(caller_number, '[^0-9]', '', 'g'), ${digits}) > 0`,
        sql<boolean>`strpos(regexp_replace(callee_number, '[^0-9]', '', 'g'), ${digits}) > 0`,
      ]),
    );
  }
  return q;
}

/** Like the database, the first record of a callId wins; later ones are skipped. */
export function firstOfEachCall(records: CallRecord[]): CallRecord[] {
  const seen = new Map<string, CallRecord>();
  for (const r of records) if (!seen.has(r.callId)) seen.set(r.callId, r);
  return [...seen.values()];
}

function* chunks<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
