import type { Kysely, Migration } from 'kysely';

/**
 * A supervisor may give a callback task to another manager (the callbacks page): the
 * task remembers whom it was taken from, by whom and when, so a reassignment is never
 * silent. Numbered 0021 to stay clear of migrations other work adds meanwhile.
 */
export const migration0021CallbackReassignment: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('callback_tasks')
      .addColumn('reassigned_from', 'text')
      .addColumn('reassigned_by', 'text')
      .addColumn('reassigned_at', 'timestamptz')
      .execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('callback_tasks').dropColumn('reassigned_from').dropColumn('reassigned_by').dropColumn('reassigned_at').execute();
  },
};
