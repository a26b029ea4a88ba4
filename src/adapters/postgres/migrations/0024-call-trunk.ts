import type { Kysely, Migration } from 'kysely';

/**
 * With several trunks, a call record says which one carried the call (an inbound call's
 * trunk; an outbound call's last trunk tried, after any failover). Null for internal calls
 * and for calls recorded before this column. Numbered 0024, after the others main holds (0023).
 */
export const migration0024CallTrunk: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('calls').addColumn('trunk', 'text').execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('calls').dropColumn('trunk').execute();
  },
};
