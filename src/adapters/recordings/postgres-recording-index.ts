import type { ConversationAnalytics } from '../../core/recordings/conversation-analytics.js';
import { sql } from 'kysely';
import type { AuditEntry, NewAudit, NewRecording, RecordingEntry, RecordingFilter } from '../../core/recordings/recording-store.port.js';
import type { RecordingIndexPort, RecordingJobRow, StoredFacts } from '../../services/recordings/recording-index.port.js';
import type { Database } from '../postgres/database.js';

type Row = Awaited<ReturnType<PostgresRecordingIndex['loadRaw']>>;

/** The recording index and its audit log in PostgreSQL (migration 0005). */
export class PostgresRecordingIndex implements RecordingIndexPort {
  constructor(private readonly db: Database) {}

  /** Writes the pending row; false when the call already has one (an event seen twice). */
  async insertPending(r: NewRecording): Promise<boolean> {
    return (await this.insertPendingMany([r])).has(r.callId);
  }

  /** Writes the pending rows in one statement; returns the calls whose row is new. */
  async insertPendingMany(rows: readonly NewRecording[]): Promise<Set<string>> {
    if (rows.length === 0) return new Set();
    const inserted = await this.db
      .insertInto('recordings')
      .values(
        rows.map((r) => ({
          call_id: r.callId,
          format: r.format,
          pcap_path: r.pcapPath,
          caller_address: r.callerAddress,
          manager: r.manager,
          caller_number: r.callerNumber,
          callee_number: r.calleeNumber,
          direction: r.direction,
          started_at: r.startedAt,
        })),
      )
      .onConflict((oc) => oc.column('call_id').doNothing())
      .returning('call_id')
      .execute();
    return new Set(inserted.map((r) => r.call_id));
  }

  private loadRaw(callId: string) {
    return this.db.selectFrom('recordings').selectAll().where('call_id', '=', callId).executeTakeFirst();
  }

  async load(callId: string): Promise<RecordingJobRow | null> {
    const row = await this.loadRaw(callId);
    return row ? toJobRow(row) : null;
  }

  /**
   * The recordings of these calls in one query, by callId; a call without one is absent.
   * Every status is returned (a deleted one too), so a list can say why it cannot be played.
   */
  async loadMany(callIds: string[]): Promise<Map<string, RecordingEntry>> {
    const unique = [...new Set(callIds)];
    if (unique.length === 0) return new Map();
    const rows = await this.db.selectFrom('recordings').selectAll().where('call_id', 'in', unique).execute();
    return new Map(rows.map((row) => [row.call_id, toEntry(toJobRow(row))]));
  }

  async existing(callIds: readonly string[]): Promise<Set<string>> {
    const unique = [...new Set(callIds)];
    if (unique.length === 0) return new Set();
    const rows = await this.db.selectFrom('recordings').select('call_id').where('call_id', 'in', unique).execute();
    return new Set(rows.map((r) => r.call_id));
  }

  async setPcapPath(callId: string, pcapPath: string): Promise<void> {
    await this.db.updateTable('recordings').set({ pcap_path: pcapPath }).where('call_id', '=', callId).execute();
  }

  async markEmpty(callId: string, reason: string): Promise<void> {
    await this.db
      .updateTable('recordings')
      .set({ status: 'empty', duration_seconds: 0, last_error: reason })
      .where('call_id', '=', callId)
      .where('status', '=', 'pending')
      .execute();
  }

  /** The conversion's result, kept so a retried upload does not convert again. */
  async saveConversion(callId: string, durationSeconds: number, bytes: number, analytics?: ConversationAnalytics | null): Promise<void> {
    await this.db
      .updateTable('recordings')
      .set({ duration_seconds: durationSeconds, bytes, ...(analytics ? { analytics: JSON.stringify(analytics) } : {}) })
      .where('call_id', '=', callId)
      .execute();
  }

  async noteAttempt(callId: string, error: string | null): Promise<void> {
    await this.db
      .updateTable('recordings')
      .set({ attempts: sql`attempts + 1`, last_error: error })
      .where('call_id', '=', callId)
      .execute();
  }

  async markStored(callId: string, s: StoredFacts): Promise<void> {
    await this.db
      .updateTable('recordings')
      .set({
        status: 'stored',
        storage_key: s.storageKey,
        bytes: s.bytes,
        checksum: s.checksum,
        duration_seconds: s.durationSeconds,
        stored_at: sql`now()`,
        last_error: null,
      })
      .where('call_id', '=', callId)
      .where('status', '=', 'pending')
      .execute();
  }

  async markFailed(callId: string, error: string): Promise<void> {
    await this.db.updateTable('recordings').set({ status: 'failed', last_error: error }).where('call_id', '=', callId).where('status', '=', 'pending').execute();
  }

  async resetForRetry(callId: string): Promise<boolean> {
    const result = await this.db
      .updateTable('recordings')
      .set({ status: 'pending', attempts: 0, last_error: null })
      .where('call_id', '=', callId)
      .where('status', 'in', ['failed', 'pending'])
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Pending rows written before `before`: the ones whose job the queue may have lost. */
  async pendingCallIds(before: Date, limit = 1000): Promise<string[]> {
    const rows = await this.db
      .selectFrom('recordings')
      .select('call_id')
      .where('status', '=', 'pending')
      .where('created_at', '<', before)
      .orderBy('created_at')
      .limit(limit)
      .execute();
    return rows.map((r) => r.call_id);
  }

  async list(filter: RecordingFilter, page: { limit: number; offset: number }): Promise<{ items: RecordingEntry[]; total: number }> {
    let q = this.db.selectFrom('recordings').where('status', '!=', 'deleted');
    if (filter.manager !== undefined) q = q.where('manager', '=', filter.manager);
    if (filter.from) q = q.where('started_at', '>=', filter.from);
    if (filter.to) q = q.where('started_at', '<', filter.to);
    if (filter.direction) q = q.where('direction', '=', filter.direction);
    if (filter.number !== undefined) {
      const n = filter.number;
      q = q.where((eb) => eb.or([eb('caller_number', '=', n), eb('callee_number', '=', n)]));
    }
    if (filter.minDuration !== undefined) q = q.where('duration_seconds', '>=', String(filter.minDuration));
    if (filter.maxDuration !== undefined) q = q.where('duration_seconds', '<=', String(filter.maxDuration));
    const [rows, count] = await Promise.all([
      q.selectAll().orderBy('started_at', 'desc').orderBy('call_id').limit(page.limit).offset(page.offset).execute(),
      q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(toJobRow).map(toEntry), total: Number(count.n) };
  }

  async audit(a: NewAudit): Promise<void> {
    await this.db.insertInto('recording_audit').values({ action: a.action, call_id: a.callId, who: a.who, role: a.role, ip: a.ip, user_agent: a.userAgent }).execute();
  }

  async auditTrail(filter: { callId?: string }, limit: number): Promise<AuditEntry[]> {
    let q = this.db.selectFrom('recording_audit').selectAll();
    if (filter.callId !== undefined) q = q.where('call_id', '=', filter.callId);
    const rows = await q.orderBy('id', 'desc').limit(limit).execute();
    return rows.map((r) => ({ id: String(r.id), action: r.action, callId: r.call_id, who: r.who, role: r.role, ip: r.ip, userAgent: r.user_agent, at: r.at }));
  }

  /** Recordings of calls started before `before` that retention is to delete. */
  async expired(before: Date, limit: number): Promise<{ callId: string; storageKey: string | null }[]> {
    const rows = await this.db
      .selectFrom('recordings')
      .select(['call_id', 'storage_key'])
      .where('status', 'in', ['stored', 'failed'])
      .where('started_at', '<', before)
      .orderBy('started_at')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ callId: r.call_id, storageKey: r.storage_key }));
  }

  /** Marks the recording deleted and audits it, together. */
  async markDeleted(callId: string, who: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('recordings').set({ status: 'deleted', deleted_at: sql`now()` }).where('call_id', '=', callId).execute();
      await trx.insertInto('recording_audit').values({ action: 'delete', call_id: callId, who, role: null, ip: null, user_agent: null }).execute();
    });
  }

  /**
   * Runs `fn` only if no other instance holds the lock; false when one does. A session
   * advisory lock on one pooled connection, unlocked after; PostgreSQL also drops it if
   * that connection dies, so a crashed instance never keeps the others out.
   */
  async withExclusiveLock(lockKey: number, fn: () => Promise<void>): Promise<boolean> {
    return this.db.connection().execute(async (conn) => {
      const got = await sql<{ ok: boolean }>`select pg_try_advisory_lock(${lockKey}) as ok`.execute(conn);
      if (!got.rows[0]?.ok) return false;
      try {
        await fn();
      } finally {
        await sql`select pg_advisory_unlock(${lockKey})`.execute(conn);
      }
      return true;
    });
  }
}

function toJobRow(r: NonNullable<Row>): RecordingJobRow {
  return {
    callId: r.call_id,
    status: r.status,
    format: r.format,
    storageKey: r.storage_key,
    bytes: r.bytes === null ? null : Number(r.bytes),
    checksum: r.checksum,
    durationSeconds: r.duration_seconds === null ? null : Number(r.duration_seconds),
    manager: r.manager,
    callerNumber: r.caller_number,
    calleeNumber: r.callee_number,
    direction: r.direction,
    startedAt: r.started_at,
    attempts: r.attempts,
    lastError: r.last_error,
    createdAt: r.created_at,
    storedAt: r.stored_at,
    deletedAt: r.deleted_at,
    pcapPath: r.pcap_path,
    callerAddress: r.caller_address,
    analytics: (r.analytics ?? null) as ConversationAnalytics | null,
  };
}

function toEntry(r: RecordingJobRow): RecordingEntry {
  const { pcapPath: _p, callerAddress: _c, ...entry } = r;
  return entry;
}
