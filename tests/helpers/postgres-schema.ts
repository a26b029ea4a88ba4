import { randomBytes } from 'node:crypto';
import { createDatabase, type Database } from '../../src/adapters/postgres/database.js';
import { ensureDatabase } from '../../src/adapters/postgres/ensure-database.js';
import { migrateToLatest, dropSchema } from '../../src/adapters/postgres/migrate.js';

export const TEST_POSTGRES_URL = process.env.LEADLINE_TEST_POSTGRES_URL ?? 'postgres://leadline:leadline@127.0.0.1:5432/leadline';

export interface TestSchema {
  db: Database;
  schema: string;
  /** Drops the schema with everything in it and closes the pool. */
  drop(): Promise<void>;
}

/**
 * A fresh, migrated schema named test_<random>, so test files and parallel runs never
 * see each other's rows. Call drop() in afterAll.
 */
export async function createTestSchema(): Promise<TestSchema> {
  await ensureDatabase(TEST_POSTGRES_URL);
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const db = createDatabase({ url: TEST_POSTGRES_URL, schema }, { maxConnections: 4 });
  await migrateToLatest(db, schema);
  return {
    db,
    schema,
    async drop() {
      try {
        await dropSchema(db, schema);
      } finally {
        await db.destroy();
      }
    },
  };
}
