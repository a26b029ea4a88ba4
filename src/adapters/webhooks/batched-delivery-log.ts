import type { DeliveryToSend, InsertedDelivery, NewDelivery, PostgresDeliveryLog, Settlement } from './postgres-delivery-log.js';
import { TickBatcher } from './tick-batcher.js';

/**
 * The delivery log's hot path, one call per delivery, sent to PostgreSQL in batches:
 * the events recorded, the deliveries loaded and settled, and the lines' heads read by
 * concurrent deliveries share statements (see TickBatcher).
 */
export class BatchedDeliveryLog {
  private readonly inserts: TickBatcher<readonly NewDelivery[], InsertedDelivery[]>;
  private readonly loads: TickBatcher<string, DeliveryToSend | null>;
  private readonly settles: TickBatcher<Settlement, void>;
  private readonly heads: TickBatcher<{ endpoint: string; callId: string }, string | null>;

  constructor(readonly log: PostgresDeliveryLog) {
    this.inserts = new TickBatcher(async (groups) => {
      const inserted = await log.insertMany(groups.flat());
      let at = 0;
      return groups.map((g) => inserted.slice(at, (at += g.length)));
    });
    this.loads = new TickBatcher((ids) => log.loadMany(ids));
    this.settles = new TickBatcher((s) => log.settleMany(s));
    this.heads = new TickBatcher((lines) => log.headsOf(lines));
  }

  /** Logs one event's deliveries (committed when this resolves). */
  insert(rows: readonly NewDelivery[]): Promise<InsertedDelivery[]> {
    return rows.length === 0 ? Promise.resolve([]) : this.inserts.call(rows);
  }

  load(id: string): Promise<DeliveryToSend | null> {
    return this.loads.call(id);
  }

  settle(settlement: Settlement): Promise<void> {
    return this.settles.call(settlement);
  }

  /** The first pending delivery of the call's line to this endpoint, read after the caller's write committed. */
  head(endpoint: string, callId: string): Promise<string | null> {
    return this.heads.call({ endpoint, callId });
  }
}
