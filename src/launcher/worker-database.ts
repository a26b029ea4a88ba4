import type { Config } from '../config/config-schema.js';
import { StartupError } from '../core/errors/app-error.js';
import { createDatabase, type Database } from '../adapters/postgres/database.js';
import { migrateToLatest } from '../adapters/postgres/migrate.js';
import { describeConnectionError } from '../adapters/postgres/postgres-errors.js';

/**
 * A worker's pool: small (a handful of jobs at once). Migrating is idempotent and locked
 * by kysely, so a worker started on its own (role recordings|webhooks) may be first.
 */
export async function openWorkerDatabase(config: Config): Promise<Database> {
  const db = createDatabase(config.postgres, { maxConnections: 4 });
  try {
    await migrateToLatest(db, config.postgres.schema);
    return db;
  } catch (err) {
    await db.destroy();
    const sentence = describeConnectionError(err, config.postgres.url);
    throw new StartupError('POSTGRES_UNREACHABLE', sentence ?? `PostgreSQL could not be prepared: ${(err as Error).message}`, { cause: err });
  }
}
