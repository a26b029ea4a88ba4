import type { Kysely, Migration } from 'kysely';

/**
 * The caller's answer to a scenario's DTMF menu ("press 1 for sales, 2 for support"):
 * the key (null when he pressed nothing the menu offers and the default was taken)
 * and the step it sent him to, counted from 1. Both null for calls without a menu.
 */
export const migration0025MenuChoice: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('calls').addColumn('menu_digit', 'text').addColumn('menu_step', 'integer').execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('calls').dropColumn('menu_digit').dropColumn('menu_step').execute();
  },
};
