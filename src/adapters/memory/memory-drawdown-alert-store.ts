import type { DrawdownAlert } from '../../core/kpi/drawdown-alert.js';
import type { DrawdownAlertStore } from '../../core/kpi/drawdown-alert-store.port.js';

/** The in-memory twin of PostgresDrawdownAlertStore: one alert per manager and day. */
export class MemoryDrawdownAlertStore implements DrawdownAlertStore {
  readonly alerts = new Map<string, DrawdownAlert>();

  async claim(alert: DrawdownAlert): Promise<boolean> {
    const key = `${alert.manager}|${alert.day}`;
    if (this.alerts.has(key)) return false;
    this.alerts.set(key, alert);
    return true;
  }
}
