import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Drawdown alerts raised (src/services/drawdown-watch.ts): one row per manager and
 * local day. The primary key is what lets several instances run the same check and
 * raise the alert once: the one whose insert lands raises it.
 */
export const migration0007KpiDrawdownAlerts: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('kpi_drawdown_alerts')
      .addColumn('manager', 'text', (c) => c.notNull())
      .addColumn('day', 'date', (c) => c.notNull())
      // The flagged metrics as the event carried them: [{ metric, current, trailingAverage, change, threshold }].
      .addColumn('metrics', 'jsonb', (c) => c.notNull())
      .addColumn('raised_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('kpi_drawdown_alerts_pkey', ['manager', 'day'])
      .execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('kpi_drawdown_alerts').execute();
  },
};
