import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The recording index and its audit log. A recording's row is written (pending) before its
 * job is queued, so pending rows without a job are queued again on start. No foreign key
 * to calls: call records are written in batches and may land after the recording's row.
 */
export const migration0005Recordings: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('recordings')
      .addColumn('call_id', 'text', (c) => c.primaryKey())
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending').check(sql`status in ('pending', 'stored', 'failed', 'deleted')`))
      .addColumn('format', 'text', (c) => c.notNull().check(sql`format in ('mp3', 'opus', 'wav')`))
      // Kept while pending (the job reads it), so a restart knows which file to convert.
      .addColumn('pcap_path', 'text')
      .addColumn('caller_address', 'text')
      .addColumn('storage_key', 'text')
      .addColumn('bytes', 'bigint')
      .addColumn('checksum', 'text')
      .addColumn('duration_seconds', 'numeric(10, 3)')
      .addColumn('manager', 'text')
      .addColumn('caller_number', 'text', (c) => c.notNull())
      .addColumn('callee_number', 'text', (c) => c.notNull())
      .addColumn('direction', 'text', (c) => c.notNull())
      .addColumn('started_at', 'timestamptz', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('stored_at', 'timestamptz')
      .addColumn('deleted_at', 'timestamptz')
      .execute();
    // The API's list: per manager and overall, newest first.
    await db.schema.createIndex('recordings_manager_started_at_idx').on('recordings').columns(['manager', 'started_at desc']).execute();
    await db.schema.createIndex('recordings_started_at_idx').on('recordings').column('started_at desc').execute();
    // What the reconciler queues again.
    await db.schema.createIndex('recordings_pending_idx').on('recordings').column('created_at').where(sql<boolean>`status = 'pending'`).execute();

    await db.schema
      .createTable('recording_audit')
      .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
      .addColumn('action', 'text', (c) => c.notNull().check(sql`action in ('listen', 'download', 'delete')`))
      .addColumn('call_id', 'text', (c) => c.notNull())
      // The API token's name, or 'retention'.
      .addColumn('who', 'text', (c) => c.notNull())
      .addColumn('role', 'text')
      .addColumn('ip', 'text')
      .addColumn('user_agent', 'text')
      .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
    await db.schema.createIndex('recording_audit_call_idx').on('recording_audit').columns(['call_id', 'at']).execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('recording_audit').execute();
    await db.schema.dropTable('recordings').execute();
  },
};
