import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPostgres } from '../../../src/adapters/postgres/database-health.js';
import { createDatabase } from '../../../src/adapters/postgres/database.js';
import { createTestSchema, type TestSchema } from '../../helpers/postgres-schema.js';

describe('checkPostgres', () => {
  let pg: TestSchema;
  beforeAll(async () => {
    pg = await createTestSchema();
  });
  afterAll(async () => {
    await pg?.drop();
  });

  it('is ok against the running server', async () => {
    expect(await checkPostgres(pg.db)).toEqual({ ok: true });
  });

  it('reports a refused connection with a detail', async () => {
    const db = createDatabase({ url: 'postgres://postgres@127.0.0.1:1/leadline', schema: 'public' });
    const result = await checkPostgres(db);
    await db.destroy();
    expect(result.ok).toBe(false);
    expect(result.detail).toMatch(/ECONNREFUSED/);
  });

  it('answers within its timeout when the server accepts but never replies', async () => {
    // A TCP listener that swallows the startup packet: the worst case for a probe.
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    const db = createDatabase({ url: `postgres://postgres@127.0.0.1:${port}/leadline`, schema: 'public' }, { connectTimeoutMs: 500 });
    const started = Date.now();
    const result = await checkPostgres(db, 200);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(result).toEqual({ ok: false, detail: 'no answer within 200 ms' });
    await db.destroy().catch(() => undefined);
    silent.close();
  });
});
