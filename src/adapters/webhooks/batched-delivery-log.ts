import type { DeliveryQuery, DeliveryStatus, DeliveryView } from '../../core/webhooks/webhook-admin.port.js';
import type { DeliveryLog, DeliveryToSend, EndpointState, InsertedDelivery, LineHead, NewDelivery, Settlement } from '../../services/webhooks/delivery-log.port.js';
import type { PostgresDeliveryLog } from './postgres-delivery-log.js';
import { TickBatcher } from '../tick-batcher.js';

/**
 * The delivery log in PostgreSQL, its hot path (one call per delivery) sent in batches:
 * the events recorded, the deliveries loaded and settled, and the lines' heads read by
 * concurrent deliveries share statements (see TickBatcher). The rest goes straight through.
 */
export class BatchedDeliveryLog implements DeliveryLog {
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

  overdueHeads(before: Date, limit: number): Promise<LineHead[]> {
    return this.log.overdueHeads(before, limit);
  }

  reopen(id: string): Promise<LineHead | null> {
    return this.log.reopen(id);
  }

  saveCrmCallId(endpoint: string, callId: string, crmCallId: string): Promise<void> {
    return this.log.saveCrmCallId(endpoint, callId, crmCallId);
  }

  disableEndpoint(endpoint: string, reason: string, at?: Date): Promise<void> {
    return this.log.disableEndpoint(endpoint, reason, at);
  }

  enableEndpoint(endpoint: string): Promise<void> {
    return this.log.enableEndpoint(endpoint);
  }

  endpointStates(): Promise<Map<string, EndpointState>> {
    return this.log.endpointStates();
  }

  openCounts(): Promise<Map<string, Partial<Record<DeliveryStatus, number>>>> {
    return this.log.openCounts();
  }

  get(id: string): Promise<DeliveryView | null> {
    return this.log.get(id);
  }

  list(query: DeliveryQuery): Promise<DeliveryView[]> {
    return this.log.list(query);
  }
}
