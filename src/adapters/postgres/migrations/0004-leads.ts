import { sql, type Kysely, type Migration } from 'kysely';

/** Leads from the CRM and how fast the team reached each one (first dial, connection, inbound call). */
export const migration0004Leads: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('leads')
      // The CRM's id: a lead sent twice is one row.
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('phone_e164', 'text', (c) => c.notNull())
      .addColumn('phone_raw', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('owner_manager', 'text')
      .addColumn('scenario', 'text')
      .addColumn('sla_minutes', 'integer', (c) => c.notNull())
      .addColumn('first_dial_at', 'timestamptz')
      .addColumn('first_dial_call_id', 'text')
      .addColumn('first_dial_manager', 'text')
      .addColumn('first_dial_seconds', 'numeric(12, 3)')
      .addColumn('first_connected_at', 'timestamptz')
      .addColumn('first_connected_call_id', 'text')
      .addColumn('first_inbound_at', 'timestamptz')
      .addColumn('first_inbound_call_id', 'text')
      .addColumn('sla_breached_at', 'timestamptz')
      .addColumn('reassigned_from', 'text')
      .addColumn('received_at', 'timestamptz', (c) => c.notNull())
      .addCheckConstraint('leads_sla_minutes_check', sql`sla_minutes > 0`)
      .execute();

    // Every outbound and inbound call looks its number up here.
    await db.schema.createIndex('leads_phone_e164_idx').on('leads').column('phone_e164').execute();
    // The list and the statistics read a period, optionally of one owner.
    await db.schema.createIndex('leads_created_at_idx').on('leads').columns(['created_at desc', 'id desc']).execute();
    await db.schema.createIndex('leads_owner_created_at_idx').on('leads').columns(['owner_manager', 'created_at desc']).execute();
    // The SLA sweep reads only the leads still waiting for a first dial and an alarm.
    await db.schema
      .createIndex('leads_sla_open_idx')
      .on('leads')
      .column('created_at')
      .where(sql.ref('first_dial_at'), 'is', null)
      .where(sql.ref('sla_breached_at'), 'is', null)
      .execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('leads').execute();
  },
};
