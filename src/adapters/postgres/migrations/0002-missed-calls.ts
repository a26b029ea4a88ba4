import { sql, type Kysely, type Migration } from 'kysely';

/** Calls nobody answered get the disposition 'missed' and a callback task for a manager. */
export const migration0002MissedCalls: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`alter table calls drop constraint calls_disposition_check`.execute(db);
    await sql`alter table calls add constraint calls_disposition_check
      check (disposition in ('answered', 'busy', 'no-answer', 'missed', 'failed', 'cancelled'))`.execute(db);

    await db.schema
      .createTable('callback_tasks')
      .addColumn('call_id', 'text', (c) => c.primaryKey())
      .addColumn('scenario', 'text', (c) => c.notNull())
      // Digits only, so a callback dialled in any format closes the task.
      .addColumn('client_number', 'text', (c) => c.notNull())
      .addColumn('company_number', 'text', (c) => c.notNull())
      .addColumn('manager', 'text')
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('done_at', 'timestamptz')
      .addColumn('done_call_id', 'text')
      .execute();
    await db.schema.createIndex('callback_tasks_open_idx').on('callback_tasks').columns(['client_number']).where(sql.ref('done_at'), 'is', null).execute();
    await db.schema.createIndex('callback_tasks_manager_idx').on('callback_tasks').columns(['manager', 'created_at desc']).execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('callback_tasks').execute();
    await sql`alter table calls drop constraint calls_disposition_check`.execute(db);
    await sql`alter table calls add constraint calls_disposition_check
      check (disposition in ('answered', 'busy', 'no-answer', 'failed', 'cancelled'))`.execute(db);
  },
};
