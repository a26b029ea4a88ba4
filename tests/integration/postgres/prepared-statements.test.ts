import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../../src/adapters/postgres/database.js';
import { runPrepared } from '../../../src/adapters/postgres/prepared-statements.js';
import { createTestSchema, TEST_POSTGRES_URL, type TestSchema } from '../../helpers/postgres-schema.js';

/** One connection, so pg_prepared_statements (per session) shows what this pool prepared. */
let test: TestSchema;
let db: Database;

beforeAll(async () => {
  test = await createTestSchema();
  db = createDatabase({ url: TEST_POSTGRES_URL, schema: test.schema }, { maxConnections: 1 });
});

afterAll(async () => {
  await db.destroy();
  await test.drop();
});

const prepared = async () => (await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements order by name`.execute(db)).rows;

describe('runPrepared', () => {
  it('sends a fixed statement named, once per connection, with its own results each run', async () => {
    const lookUp = (id: number) => runPrepared(db, 'plus-one', sql<{ n: number }>`select ${id}::int + 1 as n`.compile(db));
    expect((await lookUp(1)).rows).toEqual([{ n: 2 }]);
    expect((await lookUp(41)).rows).toEqual([{ n: 42 }]);
    const named = (await prepared()).filter((p) => p.name.startsWith('plus-one-'));
    expect(named).toHaveLength(1);
    expect(named[0]!.statement).toContain('$1::int + 1');
  });

  it('leaves every other query unnamed, so texts that vary never pile up in the backend', async () => {
    for (const n of [1, 2, 3]) await sql`select ${sql.join(Array.from({ length: n }, (_, i) => sql`${i}::int`))}`.execute(db);
    await db.selectFrom('calls').select('call_id').where('call_id', '=', 'x').execute();
    expect((await prepared()).map((p) => p.name).filter((n) => !n.startsWith('plus-one-'))).toEqual([]);
  });

  it('gives two texts under one label two statements', async () => {
    await runPrepared(db, 'twin', sql`select 1 as a`.compile(db));
    await runPrepared(db, 'twin', sql`select 2 as a`.compile(db));
    expect((await prepared()).filter((p) => p.name.startsWith('twin-'))).toHaveLength(2);
  });

  it('reports a failing named statement as PostgreSQL does, and the connection goes on', async () => {
    const bad = () => runPrepared(db, 'divide', sql<{ q: number }>`select 1 / ${0}::int as q`.compile(db));
    await expect(bad()).rejects.toThrow(/division by zero/);
    await expect(bad()).rejects.toThrow(/division by zero/);
    expect((await runPrepared(db, 'plus-one', sql<{ n: number }>`select ${6}::int + 1 as n`.compile(db))).rows).toEqual([{ n: 7 }]);
  });
});
