import type { Kysely, Migration } from 'kysely';

/**
 * A call that ended while the service was away (killed, restarting) is closed at
 * the next connection to Kamailio with the best end time there is (the recording's
 * last packet, or the last moment the service was seen alive): such records say so,
 * so reports can tell a measured talk time from an estimated one.
 * Numbered 0012 to stay clear of migrations other work adds meanwhile.
 */
export const migration0012ApproximateCallTimes: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('calls')
      .addColumn('times_approximate', 'boolean', (c) => c.notNull().defaultTo(false))
      .execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('calls').dropColumn('times_approximate').execute();
  },
};
