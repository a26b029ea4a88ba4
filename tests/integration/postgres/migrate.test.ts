import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../../src/adapters/postgres/database.js';
import { migrateToLatest, migrations } from '../../../src/adapters/postgres/migrate.js';
import { TEST_POSTGRES_URL } from '../../helpers/postgres-schema.js';

describe('migrateToLatest', () => {
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const db = createDatabase({ url: TEST_POSTGRES_URL, schema });

  afterAll(async () => {
    await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db);
    await db.destroy();
  });

  it('creates the schema, applies every migration once, and is a no-op the second time', async () => {
    expect(await migrateToLatest(db, schema)).toEqual(Object.keys(migrations));
    expect(await migrateToLatest(db, schema)).toEqual([]);

    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = ${schema} order by table_name`.execute(db);
    expect(tables.rows.map((r) => r.table_name)).toEqual([
      'call_attempts', 'callback_tasks', 'calls', 'kysely_migration', 'kysely_migration_lock', 'leads',
      'recording_audit', 'recordings', 'webhook_crm_calls', 'webhook_deliveries', 'webhook_endpoint_state',
    ]);
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
