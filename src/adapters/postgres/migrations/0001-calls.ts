import { sql, type Kysely, type Migration } from 'kysely';

/** Finished calls and their ring attempts, written in batches by BatchedCallWriter. */
export const migration0001Calls: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('calls')
      .addColumn('call_id', 'text', (c) => c.primaryKey())
      .addColumn('direction', 'text', (c) => c.notNull())
      .addColumn('caller_number', 'text', (c) => c.notNull())
      .addColumn('callee_number', 'text', (c) => c.notNull())
      .addColumn('company_number', 'text')
      .addColumn('manager', 'text')
      .addColumn('started_at', 'timestamptz', (c) => c.notNull())
      .addColumn('answered_at', 'timestamptz')
      .addColumn('ended_at', 'timestamptz', (c) => c.notNull())
      .addColumn('ring_seconds', 'numeric(10, 3)', (c) => c.notNull())
      .addColumn('talk_seconds', 'numeric(10, 3)', (c) => c.notNull())
      .addColumn('disposition', 'text', (c) => c.notNull())
      .addColumn('sip_code', 'integer')
      .addColumn('reason', 'text')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addCheckConstraint('calls_direction_check', sql`direction in ('inbound', 'outbound', 'internal')`)
      .addCheckConstraint(
        'calls_disposition_check',
        sql`disposition in ('answered', 'busy', 'no-answer', 'failed', 'cancelled')`,
      )
      .execute();

    // The API lists newest first, optionally for one manager.
    await db.schema.createIndex('calls_started_at_idx').on('calls').columns(['started_at desc', 'call_id desc']).execute();
    await db.schema.createIndex('calls_manager_started_at_idx').on('calls').columns(['manager', 'started_at desc']).execute();

    await db.schema
      .createTable('call_attempts')
      .addColumn('call_id', 'text', (c) => c.notNull().references('calls.call_id').onDelete('cascade'))
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('manager', 'text')
      .addColumn('target', 'text', (c) => c.notNull())
      .addColumn('started_at', 'timestamptz', (c) => c.notNull())
      .addColumn('ended_at', 'timestamptz')
      .addColumn('result', 'text', (c) => c.notNull())
      .addColumn('sip_code', 'integer')
      .addPrimaryKeyConstraint('call_attempts_pkey', ['call_id', 'seq'])
      .addCheckConstraint(
        'call_attempts_result_check',
        sql`result in ('answered', 'busy', 'no-answer', 'rejected', 'unreachable', 'cancelled')`,
      )
      .execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('call_attempts').execute();
    await db.schema.dropTable('calls').execute();
  },
};
