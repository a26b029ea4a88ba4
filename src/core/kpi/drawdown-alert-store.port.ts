import type { DrawdownAlert } from './drawdown-alert.js';

/** Where raised drawdown alerts are kept, so that several instances raise each one once. */
export interface DrawdownAlertStore {
  /**
   * Records the alert unless one exists for its manager and day. True when this call
   * recorded it: the caller raises the event then, and only then.
   */
  claim(alert: DrawdownAlert): Promise<boolean>;
}
