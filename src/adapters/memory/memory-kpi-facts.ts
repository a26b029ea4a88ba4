import type { KpiFactSource } from '../../core/kpi/kpi-facts.port.js';
import type { KpiFacts } from '../../core/kpi/manager-kpi.js';

/** The in-memory twin of PostgresKpiFacts, for unit tests: the same range rules over a list of facts. */
export class MemoryKpiFacts implements KpiFactSource {
  /** Every range read, so a test can see the report read once. */
  readonly reads: { from: Date; to: Date }[] = [];

  constructor(readonly facts: KpiFacts) {}

  async read(from: Date, to: Date): Promise<KpiFacts> {
    this.reads.push({ from, to });
    const within = (at: Date) => at >= from && at < to;
    return {
      calls: this.facts.calls.filter((c) => within(c.startedAt) && c.direction !== 'internal'),
      leads: this.facts.leads.filter((l) => within(l.createdAt)),
      callbackTasks: this.facts.callbackTasks.filter((t) => t.createdAt < to && (t.doneAt === null || t.doneAt >= from)),
    };
  }
}
