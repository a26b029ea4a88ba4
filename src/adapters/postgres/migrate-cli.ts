/**
 * `npm run migrate`: creates the database if needed and applies every migration.
 * Prints one line on success; on failure one sentence that says what to do, exit code 1.
 */
import { loadConfig } from '../../config/load-config.js';
import { AppError } from '../../core/errors/app-error.js';
import { createDatabase } from './database.js';
import { ensureDatabase } from './ensure-database.js';
import { migrateToLatest } from './migrate.js';
import { describeConnectionError } from './postgres-errors.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const { url, schema } = config.postgres;
  try {
    const created = await ensureDatabase(url);
    const db = createDatabase(config.postgres);
    try {
      const applied = await migrateToLatest(db, schema);
      const database = new URL(url).pathname.slice(1);
      const what = applied.length > 0 ? `applied ${applied.join(', ')}` : 'already up to date';
      console.log(`PostgreSQL ${database}${created ? ' (created)' : ''}, schema ${schema}: ${what}.`);
    } finally {
      await db.destroy();
    }
  } catch (err) {
    throw new AppError('POSTGRES.MIGRATE', describeConnectionError(err, url) ?? messageOf(err), 500, { cause: err });
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

main().catch((err: unknown) => {
  console.error(messageOf(err));
  process.exit(1);
});
