import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The review queue (src/core/review/review-picker.ts): the calls picked for a day, a
 * supervisor's checklist marks, score and note on each, and an audit of every pick and
 * score. Numbered 0023 to stay clear of migrations other work adds meanwhile.
 */
export const migration0023ReviewQueue: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('review_items')
      .addColumn('call_id', 'text', (c) => c.primaryKey())
      .addColumn('day', 'date', (c) => c.notNull())
      .addColumn('manager', 'text', (c) => c.notNull())
      .addColumn('weight', 'numeric', (c) => c.notNull())
      .addColumn('reasons', 'jsonb', (c) => c.notNull())
      .addColumn('picked_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('marks', 'jsonb')
      .addColumn('score', 'numeric')
      .addColumn('note', 'text')
      .addColumn('reviewer', 'text')
      .addColumn('reviewed_at', 'timestamptz')
      .execute();
    await db.schema.createIndex('review_items_day_idx').on('review_items').columns(['day', 'manager']).execute();
    await db.schema
      .createTable('review_audit')
      .addColumn('id', 'bigserial', (c) => c.primaryKey())
      .addColumn('action', 'text', (c) => c.notNull().check(sql`action in ('pick', 'score')`))
      .addColumn('day', 'date')
      .addColumn('call_id', 'text')
      .addColumn('who', 'text', (c) => c.notNull())
      .addColumn('detail', 'jsonb')
      .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('review_audit').execute();
    await db.schema.dropTable('review_items').execute();
  },
};
