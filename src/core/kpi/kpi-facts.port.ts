import type { KpiFacts } from './manager-kpi.js';

/** Where the KPI report reads its facts: PostgreSQL in service, memory in unit tests. */
export interface KpiFactSource {
  /**
   * Every fact a period inside [from, to) can need: calls started in it (internal ones may
   * be left out) with their ring attempts, leads created in it, and callback tasks
   * created before `to` and not done before `from` (owed at some moment of the range, or
   * done within it).
   */
  read(from: Date, to: Date): Promise<KpiFacts>;
}
