import { Migrator, sql, type Kysely, type Migration } from 'kysely';
import { AppError } from '../../core/errors/app-error.js';
import { migration0001Calls } from './migrations/0001-calls.js';
import { migration0002MissedCalls } from './migrations/0002-missed-calls.js';
import { migration0003Webhooks } from './migrations/0003-webhooks.js';
import { migration0004Leads } from './migrations/0004-leads.js';
import { migration0005Recordings } from './migrations/0005-recordings.js';
import { migration0006KpiViews } from './migrations/0006-kpi-views.js';
import { migration0007KpiDrawdownAlerts } from './migrations/0007-kpi-drawdown-alerts.js';
import { migration0008RecordingEmptyStatus } from './migrations/0008-recording-empty-status.js';
import { migration0012ApproximateCallTimes } from './migrations/0012-approximate-call-times.js';
import { migration0016LiveListenAudit } from './migrations/0016-live-listen-audit.js';
import { migration0027CoachingAudit } from './migrations/0027-coaching-audit.js';
import { migration0017Voicemail } from './migrations/0017-voicemail.js';
import { migration0021CallbackReassignment } from './migrations/0021-callback-reassignment.js';
import { migration0022RecordingAnalytics } from './migrations/0022-recording-analytics.js';
import { migration0023ReviewQueue } from './migrations/0023-review-queue.js';
import { migration0024CallTrunk } from './migrations/0024-call-trunk.js';
import { migration0025MenuChoice } from './migrations/0025-menu-choice.js';
import { migration0026KamailioDialogs } from './migrations/0026-kamailio-dialogs.js';

/**
 * Listed by hand rather than read from a folder, so migrations run the same under tsx,
 * vitest and a bundle. Names sort in the order they must run; never rename one.
 */
export const migrations: Record<string, Migration> = {
  '0001-calls': migration0001Calls,
  '0002-missed-calls': migration0002MissedCalls,
  '0003-webhooks': migration0003Webhooks,
  '0004-leads': migration0004Leads,
  '0005-recordings': migration0005Recordings,
  '0006-kpi-views': migration0006KpiViews,
  '0007-kpi-drawdown-alerts': migration0007KpiDrawdownAlerts,
  '0008-recording-empty-status': migration0008RecordingEmptyStatus,
  '0012-approximate-call-times': migration0012ApproximateCallTimes,
  '0016-live-listen-audit': migration0016LiveListenAudit,
  '0017-voicemail': migration0017Voicemail,
  '0021-callback-reassignment': migration0021CallbackReassignment,
  '0022-recording-analytics': migration0022RecordingAnalytics,
  '0023-review-queue': migration0023ReviewQueue,
  '0024-call-trunk': migration0024CallTrunk,
  '0025-menu-choice': migration0025MenuChoice,
  '0026-kamailio-dialogs': migration0026KamailioDialogs,
  '0027-coaching-audit': migration0027CoachingAudit,
};

/**
 * One advisory lock for every schema change in the database. kysely's migrator looks for its
 * tables by reading the catalog of every schema (has_schema_privilege on each): a schema
 * dropped by someone else during that read fails the migration with "schema ... does not
 * exist". Several instances or test schemas share a database, so migrations and schema
 * drops take turns.
 */
export const SCHEMA_CHANGE_LOCK = 0x4c4c5343;

/** Creates the schema if needed and applies every pending migration; returns their names. */
export async function migrateToLatest(db: Kysely<any>, schema: string): Promise<string[]> {
  // Session-level, and the migration runs on that same connection: it needs no second one from the pool.
  return db.connection().execute(async (locked) => {
    await sql`select pg_advisory_lock(${SCHEMA_CHANGE_LOCK})`.execute(locked);
    try {
      await sql`create schema if not exists ${sql.id(schema)}`.execute(locked);
      const migrator = new Migrator({
        db: locked,
        provider: { getMigrations: async () => migrations },
        // Keep kysely's bookkeeping tables beside ours, so dropping a test schema drops them too.
        migrationTableSchema: schema,
      });
      const { error, results = [] } = await migrator.migrateToLatest();
      if (error) {
        const failed = results.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
        throw new AppError('POSTGRES.MIGRATION_FAILED', `Migration ${failed} failed: ${describe(error)}`, 500, { cause: error });
      }
      return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
    } finally {
      await sql`select pg_advisory_unlock(${SCHEMA_CHANGE_LOCK})`.execute(locked);
    }
  });
}

/** Drops a schema with everything in it (tests, benches), in turn with migrations elsewhere in the database. */
export async function dropSchema(db: Kysely<any>, schema: string): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(${SCHEMA_CHANGE_LOCK})`.execute(tx);
    await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(tx);
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
