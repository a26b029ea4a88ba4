import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresCallStore } from '../../../src/adapters/postgres/call-store.js';
import { callStoreContract } from '../../helpers/call-store-contract.js';
import { makeCall, makeCalls } from '../../helpers/call-records.js';
import { createTestSchema, type TestSchema } from '../../helpers/postgres-schema.js';

let pg: TestSchema;
beforeAll(async () => {
  pg = await createTestSchema();
});
afterAll(async () => {
  await pg?.drop();
});

callStoreContract('PostgresCallStore', async () => {
  await sql`truncate calls cascade`.execute(pg.db);
  return new PostgresCallStore(pg.db);
});

describe('PostgresCallStore specifics', () => {
  it('writes into the test schema, not public', async () => {
    const store = new PostgresCallStore(pg.db);
    await store.saveCalls([makeCall({ callId: 'where@test' })]);
    const { rows } = await sql<{ n: string }>`select count(*) as n from ${sql.table(`${pg.schema}.calls`)} where call_id = 'where@test'`.execute(pg.db);
    expect(Number(rows[0]!.n)).toBe(1);
  });

  it('saves a batch larger than one INSERT statement allows in parameters', async () => {
    await sql`truncate calls cascade`.execute(pg.db);
    const store = new PostgresCallStore(pg.db);
    // 5,000 calls x 14 columns = 70,000 parameters, above PostgreSQL's 65,535.
    await store.saveCalls(makeCalls(5_000, new Date(Date.UTC(2024, 0, 1))));
    const { rows } = await sql<{ calls: string; attempts: string }>`
      select (select count(*) from calls) as calls, (select count(*) from call_attempts) as attempts`.execute(pg.db);
    expect(rows[0]).toEqual({ calls: '5000', attempts: '5000' });
  });

  it('rolls the whole batch back when one record is invalid', async () => {
    await sql`truncate calls cascade`.execute(pg.db);
    const store = new PostgresCallStore(pg.db);
    const bad = makeCall({ callId: 'bad@test', direction: 'sideways' as never });
    await expect(store.saveCalls([makeCall({ callId: 'good@test' }), bad])).rejects.toThrow(/calls_direction_check/);
    expect(await store.getCall('good@test')).toBeNull();
  });

  it('deletes attempts with their call', async () => {
    const store = new PostgresCallStore(pg.db);
    await store.saveCalls([makeCall({ callId: 'cascade@test' })]);
    await pg.db.deleteFrom('calls').where('call_id', '=', 'cascade@test').execute();
    const left = await pg.db.selectFrom('call_attempts').select('seq').where('call_id', '=', 'cascade@test').execute();
    expect(left).toEqual([]);
  });
});
