import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Live listening is audited like a recording listen, in the same log: a supervisor's
 * `live-listen` of a call in progress, and a refused attempt (`live-listen-refused`).
 * Only the action check changes.
 */
export const migration0016LiveListenAudit: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`alter table recording_audit drop constraint if exists recording_audit_action_check`.execute(db);
    await sql`alter table recording_audit add constraint recording_audit_action_check check (action in ('listen', 'download', 'delete', 'live-listen', 'live-listen-refused'))`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`delete from recording_audit where action in ('live-listen', 'live-listen-refused')`.execute(db);
    await sql`alter table recording_audit drop constraint if exists recording_audit_action_check`.execute(db);
    await sql`alter table recording_audit add constraint recording_audit_action_check check (action in ('listen', 'download', 'delete'))`.execute(db);
  },
};
