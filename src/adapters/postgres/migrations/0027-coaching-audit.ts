import { sql, type Kysely, type Migration } from 'kysely';

const BEFORE = ['listen', 'download', 'delete', 'live-listen', 'live-listen-refused'];
const COACHING = ['whisper', 'barge', 'whisper-refused', 'barge-refused'];

/**
 * Whisper and barge are audited like a live listen, in the same log: a supervisor's
 * `whisper` or `barge` on a call in progress, and a refused attempt (`whisper-refused`,
 * `barge-refused`). Only the action check changes.
 */
export const migration0027CoachingAudit: Migration = {
  async up(db: Kysely<unknown>) {
    await check(db, [...BEFORE, ...COACHING]);
  },
  async down(db: Kysely<unknown>) {
    await sql`delete from recording_audit where action in (${sql.join(COACHING)})`.execute(db);
    await check(db, BEFORE);
  },
};

async function check(db: Kysely<unknown>, actions: string[]): Promise<void> {
  await sql`alter table recording_audit drop constraint if exists recording_audit_action_check`.execute(db);
  await sql`alter table recording_audit add constraint recording_audit_action_check check (action in (${sql.join(actions.map((a) => sql.lit(a)))}))`.execute(db);
}
