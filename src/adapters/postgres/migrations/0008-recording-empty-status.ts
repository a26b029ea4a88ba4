import { sql, type Kysely, type Migration } from 'kysely';

/**
 * A recording of a call with no audio (an empty or near-empty pcap) is `empty`: nothing
 * to encode or store, and the pcap may leave the spool. Only the status check changes.
 */
export const migration0008RecordingEmptyStatus: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`alter table recordings drop constraint if exists recordings_status_check`.execute(db);
    await sql`alter table recordings add constraint recordings_status_check check (status in ('pending', 'stored', 'failed', 'deleted', 'empty'))`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`alter table recordings drop constraint if exists recordings_status_check`.execute(db);
    await sql`alter table recordings add constraint recordings_status_check check (status in ('pending', 'stored', 'failed', 'deleted'))`.execute(db);
  },
};
