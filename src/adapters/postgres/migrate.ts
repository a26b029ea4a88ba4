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

/** Creates the schema if needed and applies every pending migration; returns their names. */
export async function migrateToLatest(db: Kysely<any>, schema: string): Promise<string[]> {
  await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  const migrator = new Migrator({
    db,
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
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
