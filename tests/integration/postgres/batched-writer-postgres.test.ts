import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresCallStore } from '../../../src/adapters/postgres/call-store.js';
import { BatchedCallWriter } from '../../../src/adapters/postgres/call-record-writer.js';
import { makeCalls } from '../../helpers/call-records.js';
import { createTestSchema, type TestSchema } from '../../helpers/postgres-schema.js';

describe('BatchedCallWriter with PostgreSQL', () => {
  let pg: TestSchema;
  beforeAll(async () => {
    pg = await createTestSchema();
  });
  afterAll(async () => {
    await pg?.drop();
  });

  it('saves 3,000 calls written one by one, each exactly once', async () => {
    const store = new PostgresCallStore(pg.db);
    const writer = new BatchedCallWriter(store, pino({ level: 'silent' }));
    const calls = makeCalls(3_000, new Date(Date.UTC(2023, 0, 1)));
    for (const c of calls) writer.write(c);
    // Written again, as a replay after a crash would: idempotent, no duplicates.
    for (const c of calls.slice(0, 500)) writer.write(c);
    await writer.close();

    const page = await store.listCalls({}, { limit: 1 });
    expect(page.total).toBe(3_000);
    const attempts = await pg.db.selectFrom('call_attempts').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(Number(attempts.n)).toBe(3_000);
  });
});
