import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The webhook delivery log. A delivery is written here before it is queued, so a crash
 * between the two loses nothing: pending rows without a queue job are queued again.
 */
export const migration0003Webhooks: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('webhook_deliveries')
      // The webhook-id (msg_<ULID>): the receiver's idempotency key, kept by retries and replays.
      .addColumn('id', 'text', (c) => c.primaryKey())
      // One sequence for all rows: within (endpoint, call_id) it gives the order the events were raised in.
      .addColumn('seq', 'bigint', (c) => c.notNull().generatedAlwaysAsIdentity())
      .addColumn('endpoint', 'text', (c) => c.notNull())
      .addColumn('event', 'text', (c) => c.notNull())
      .addColumn('call_id', 'text')
      // json, not jsonb: the body is rebuilt from it on every attempt, with its keys in the order written.
      .addColumn('payload', 'json', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending').check(sql`status in ('pending', 'delivered', 'failed', 'dead')`))
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_status_code', 'integer')
      .addColumn('last_error', 'text')
      // Set while pending (now() when written), so the reconciler finds what is due by index.
      .addColumn('next_attempt_at', 'timestamptz', (c) => c.defaultTo(sql`now()`))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('delivered_at', 'timestamptz')
      .execute();
    // A call's line per endpoint, in order: its head is the first pending delivery. Not
    // partial on status = 'pending' on purpose: PostgreSQL would then read every pending
    // row for a batch of a few (its estimate of pending rows is taken when there are
    // few, and a receiver's outage makes them many).
    await db.schema.createIndex('webhook_deliveries_line_idx').on('webhook_deliveries').columns(['call_id', 'endpoint', 'seq']).execute();
    // What is due, for the reconciler; the extra condition keeps the other queries off it, for the reason above.
    await db.schema
      .createIndex('webhook_deliveries_due_idx')
      .on('webhook_deliveries')
      .column('next_attempt_at')
      .where(sql<boolean>`status = 'pending' and next_attempt_at is not null`)
      .execute();
    // The dead-letter list the API pages through.
    await db.schema
      .createIndex('webhook_deliveries_failed_idx')
      .on('webhook_deliveries')
      .columns(['status', 'created_at desc'])
      .where(sql<boolean>`status in ('failed', 'dead')`)
      .execute();

    await db.schema
      .createTable('webhook_endpoint_state')
      .addColumn('endpoint', 'text', (c) => c.primaryKey())
      .addColumn('disabled_at', 'timestamptz')
      .addColumn('reason', 'text')
      .execute();

    // The CRM's own id of a call (Bitrix24's CALL_ID from register), which its later requests name.
    await db.schema
      .createTable('webhook_crm_calls')
      .addColumn('endpoint', 'text', (c) => c.notNull())
      .addColumn('call_id', 'text', (c) => c.notNull())
      .addColumn('crm_call_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('webhook_crm_calls_pkey', ['endpoint', 'call_id'])
      .execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('webhook_crm_calls').execute();
    await db.schema.dropTable('webhook_endpoint_state').execute();
    await db.schema.dropTable('webhook_deliveries').execute();
  },
};
