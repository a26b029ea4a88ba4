import type { Kysely, Migration } from 'kysely';

/**
 * A voice message left on a missed call, noted on the call's callback task: the
 * manager who calls back listens first. The audio itself is the call's recording
 * (the recordings table, by Call-ID); the URL is where the API serves it.
 * Numbered 0017 to stay clear of migrations other work adds meanwhile.
 */
export const migration0017Voicemail: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('callback_tasks')
      .addColumn('voicemail_url', 'text')
      .addColumn('voicemail_seconds', 'integer')
      .execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('callback_tasks').dropColumn('voicemail_url').dropColumn('voicemail_seconds').execute();
  },
};
