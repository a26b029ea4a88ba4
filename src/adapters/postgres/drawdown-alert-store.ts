import type { DrawdownAlert } from '../../core/kpi/drawdown-alert.js';
import type { DrawdownAlertStore } from '../../core/kpi/drawdown-alert-store.port.js';
import type { Database } from './database.js';

/** Drawdown alerts in PostgreSQL (migration 0007): the primary key decides which instance raises one. */
export class PostgresDrawdownAlertStore implements DrawdownAlertStore {
  constructor(private readonly db: Database) {}

  async claim(alert: DrawdownAlert): Promise<boolean> {
    const row = await this.db
      .insertInto('kpi_drawdown_alerts')
      .values({ manager: alert.manager, day: alert.day, metrics: JSON.stringify(alert.metrics), raised_at: alert.raisedAt })
      // A concurrent insert of the same key waits for the first to commit, then returns no row.
      .onConflict((oc) => oc.columns(['manager', 'day']).doNothing())
      .returning('manager')
      .executeTakeFirst();
    return row !== undefined;
  }
}
