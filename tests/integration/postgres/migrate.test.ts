import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../../src/adapters/postgres/database.js';
import { dropSchema, migrateToLatest, migrations, SCHEMA_CHANGE_LOCK } from '../../../src/adapters/postgres/migrate.js';
import { TEST_POSTGRES_URL } from '../../helpers/postgres-schema.js';
import { until } from '../../helpers/until.js';

describe('migrateToLatest', () => {
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const db = createDatabase({ url: TEST_POSTGRES_URL, schema });

  afterAll(async () => {
    await dropSchema(db, schema);
    await db.destroy();
  });

  it('creates the schema, applies every migration once, and is a no-op the second time', async () => {
    expect(await migrateToLatest(db, schema)).toEqual(Object.keys(migrations));
    expect(await migrateToLatest(db, schema)).toEqual([]);

    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = ${schema} and table_type = 'BASE TABLE'
      order by table_name`.execute(db);
    expect(tables.rows.map((r) => r.table_name)).toEqual([
      'call_attempts', 'callback_tasks', 'calls', 'dialog', 'dialog_vars', 'kpi_drawdown_alerts', 'kysely_migration', 'kysely_migration_lock', 'leads',
      'recording_audit', 'recordings', 'review_audit', 'review_items', 'version', 'webhook_crm_calls', 'webhook_deliveries', 'webhook_endpoint_state',
    ]);
  });

  it('creates the KPI and conversation views, each documented for BI tools', async () => {
    const { rows } = await sql<{ table_name: string; comment: string | null }>`
      select table_name, obj_description(format('%I.%I', table_schema, table_name)::regclass) as comment
      from information_schema.views where table_schema = ${schema} order by table_name`.execute(db);
    expect(rows.map((r) => r.table_name)).toEqual(['conversation_manager_daily', 'kpi_manager_callbacks_daily', 'kpi_manager_calls_daily', 'kpi_manager_leads_daily']);
    expect(rows.every((r) => (r.comment ?? '').length > 0)).toBe(true);
    const columns = await sql<{ column: string; comment: string | null }>`
      select table_name || '.' || column_name as column,
        col_description(format('%I.%I', table_schema, table_name)::regclass, ordinal_position) as comment
      from information_schema.columns where table_schema = ${schema} and (table_name like 'kpi\\_manager\\_%' or table_name = 'conversation_manager_daily')`.execute(db);
    // 10 call, 9 lead, 6 callback and 8 conversation columns, every one described.
    expect(columns.rows).toHaveLength(33);
    expect(columns.rows.filter((r) => !r.comment).map((r) => r.column)).toEqual([]);
  });

  it('creates the indexes the API filters use', async () => {
    const { rows } = await sql<{ indexname: string }>`
      select indexname from pg_indexes where schemaname = ${schema} and tablename = 'calls' order by indexname`.execute(db);
    expect(rows.map((r) => r.indexname)).toEqual(['calls_manager_started_at_idx', 'calls_pkey', 'calls_started_at_idx']);
  });

  it('rejects a disposition outside the known set', async () => {
    const insert = sql`insert into calls (call_id, direction, caller_number, callee_number, started_at, ended_at,
      ring_seconds, talk_seconds, disposition) values ('x', 'inbound', '1', '2', now(), now(), 0, 0, 'lost')`;
    await expect(insert.execute(db)).rejects.toThrow(/calls_disposition_check/);
  });
});

describe('schema changes take turns', () => {
  // kysely's migrator reads the catalog of every schema: a schema dropped meanwhile failed a
  // parallel test's migration in CI ("schema test_... does not exist").
  const db = createDatabase({ url: TEST_POSTGRES_URL, schema: 'public' }, { maxConnections: 4 });
  const victim = `test_${randomBytes(6).toString('hex')}`;
  const fresh = `test_${randomBytes(6).toString('hex')}`;
  let holder: pg.Client;

  beforeAll(async () => {
    await sql`create schema ${sql.id(victim)}`.execute(db);
    holder = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await holder.connect();
  });

  afterAll(async () => {
    await holder.end();
    await dropSchema(db, victim);
    await dropSchema(db, fresh);
    await db.destroy();
  });

  const schemaExists = async (name: string) => (await sql<{ n: number }>`select count(*)::int as n from pg_namespace where nspname = ${name}`.execute(db)).rows[0]!.n === 1;
  const someoneWaitsForTheLock = () =>
    until('a session waiting for the schema-change lock', async () => {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_locks where locktype = 'advisory' and objid = ${SCHEMA_CHANGE_LOCK} and not granted`.execute(db);
      return rows[0]!.n > 0;
    }, 10_000);

  it('a drop waits while a migration holds the lock, then drops', async () => {
    await holder.query('select pg_advisory_lock($1)', [SCHEMA_CHANGE_LOCK]);
    const dropping = dropSchema(db, victim);
    await someoneWaitsForTheLock();
    expect(await schemaExists(victim)).toBe(true);
    await holder.query('select pg_advisory_unlock($1)', [SCHEMA_CHANGE_LOCK]);
    await dropping;
    expect(await schemaExists(victim)).toBe(false);
  });

  it('migrates on a pool of one connection (the lock and the migration share it)', async () => {
    const single = `test_${randomBytes(6).toString('hex')}`;
    const one = createDatabase({ url: TEST_POSTGRES_URL, schema: single }, { maxConnections: 1, connectTimeoutMs: 3_000 });
    try {
      expect(await migrateToLatest(one, single)).toEqual(Object.keys(migrations));
    } finally {
      await dropSchema(one, single);
      await one.destroy();
    }
  });

  it('a migration waits while a schema change holds the lock, then migrates', async () => {
    const freshDb = createDatabase({ url: TEST_POSTGRES_URL, schema: fresh }, { maxConnections: 4 });
    try {
      await holder.query('select pg_advisory_lock($1)', [SCHEMA_CHANGE_LOCK]);
      const migrating = migrateToLatest(freshDb, fresh);
      await someoneWaitsForTheLock();
      expect(await schemaExists(fresh)).toBe(false);
      await holder.query('select pg_advisory_unlock($1)', [SCHEMA_CHANGE_LOCK]);
      expect(await migrating).toEqual(Object.keys(migrations));
    } finally {
      await freshDb.destroy();
    }
  });
});
