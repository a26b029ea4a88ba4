import type { DeliveryQuery, DeliveryStatus, DeliveryView } from '../../core/webhooks/webhook-admin.port.js';
import type { DeliveryLog, DeliveryToSend, EndpointState, InsertedDelivery, LineHead, NewDelivery, Settlement } from '../../services/webhooks/delivery-log.port.js';

interface Row extends NewDelivery {
  seq: number;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: Date | null;
  createdAt: Date;
  deliveredAt: Date | null;
}

/**
 * The webhook delivery log in memory, for unit tests of the webhook services: the same
 * lines as PostgreSQL (the deliveries of one call to one endpoint go one after the other),
 * and only pending rows are settled.
 */
export class MemoryDeliveryLog implements DeliveryLog {
  private readonly rows = new Map<string, Row>();
  private readonly states = new Map<string, EndpointState>();
  private readonly crmCallIds = new Map<string, string>();
  private seq = 0;

  constructor(private readonly clock: () => number = Date.now) {}

  async insert(rows: readonly NewDelivery[]): Promise<InsertedDelivery[]> {
    return rows.map((r) => {
      const blocked = r.callId !== null && this.headOf(r.endpoint, r.callId) !== null;
      const now = new Date(this.clock());
      this.rows.set(r.id, { ...r, seq: ++this.seq, status: 'pending', attempts: 0, lastStatusCode: null, lastError: null, nextAttemptAt: blocked ? null : now, createdAt: now, deliveredAt: null });
      return { id: r.id, endpoint: r.endpoint, callId: r.callId, blocked };
    });
  }

  async load(id: string): Promise<DeliveryToSend | null> {
    const r = this.rows.get(id);
    if (!r) return null;
    const state = this.states.get(r.endpoint);
    return {
      id: r.id,
      endpoint: r.endpoint,
      callId: r.callId,
      status: r.status,
      envelope: r.envelope,
      disabledAt: state?.disabledAt ?? null,
      disabledReason: state?.reason ?? null,
      crmCallId: r.callId === null ? null : (this.crmCallIds.get(`${r.endpoint}\u0000${r.callId}`) ?? null),
    };
  }

  async settle(s: Settlement): Promise<void> {
    const r = this.rows.get(s.id);
    if (!r || r.status !== 'pending') return;
    Object.assign(r, {
      status: s.status,
      attempts: r.attempts + (s.attempted ? 1 : 0),
      lastStatusCode: s.statusCode,
      lastError: s.error,
      nextAttemptAt: s.nextAttemptAt,
      deliveredAt: s.status === 'delivered' ? new Date(this.clock()) : r.deliveredAt,
    });
  }

  async head(endpoint: string, callId: string): Promise<string | null> {
    return this.headOf(endpoint, callId);
  }

  async overdueHeads(before: Date, limit: number): Promise<LineHead[]> {
    return this.ordered()
      .filter((r) => r.status === 'pending' && r.nextAttemptAt !== null && r.nextAttemptAt <= before)
      .filter((r) => r.callId === null || this.headOf(r.endpoint, r.callId) === r.id)
      .slice(0, limit)
      .map((r) => ({ id: r.id, endpoint: r.endpoint }));
  }

  async reopen(id: string): Promise<LineHead | null> {
    const r = this.rows.get(id);
    if (!r || (r.status !== 'failed' && r.status !== 'dead')) return null;
    Object.assign(r, { status: 'pending', nextAttemptAt: new Date(this.clock()) });
    return { id: r.id, endpoint: r.endpoint };
  }

  async saveCrmCallId(endpoint: string, callId: string, crmCallId: string): Promise<void> {
    this.crmCallIds.set(`${endpoint}\u0000${callId}`, crmCallId);
  }

  async disableEndpoint(endpoint: string, reason: string, at = new Date(this.clock())): Promise<void> {
    if (!this.states.has(endpoint)) this.states.set(endpoint, { disabledAt: at, reason });
  }

  async enableEndpoint(endpoint: string): Promise<void> {
    this.states.delete(endpoint);
  }

  async endpointStates(): Promise<Map<string, EndpointState>> {
    return new Map(this.states);
  }

  async openCounts(): Promise<Map<string, Partial<Record<DeliveryStatus, number>>>> {
    const counts = new Map<string, Partial<Record<DeliveryStatus, number>>>();
    for (const r of this.rows.values()) {
      if (r.status === 'delivered' || (r.status === 'pending' && r.nextAttemptAt === null)) continue;
      const c = counts.get(r.endpoint) ?? {};
      c[r.status] = (c[r.status] ?? 0) + 1;
      counts.set(r.endpoint, c);
    }
    return counts;
  }

  async get(id: string): Promise<DeliveryView | null> {
    const r = this.rows.get(id);
    return r ? toView(r) : null;
  }

  async list(query: DeliveryQuery): Promise<DeliveryView[]> {
    return this.ordered()
      .reverse()
      .filter((r) => query.statuses.includes(r.status) && (query.endpoint === undefined || r.endpoint === query.endpoint))
      .slice(0, query.limit)
      .map(toView);
  }

  private ordered(): Row[] {
    return [...this.rows.values()].sort((a, b) => a.seq - b.seq);
  }

  private headOf(endpoint: string, callId: string): string | null {
    return this.ordered().find((r) => r.endpoint === endpoint && r.callId === callId && r.status === 'pending')?.id ?? null;
  }
}

function toView(r: Row): DeliveryView {
  return {
    id: r.id,
    endpoint: r.endpoint,
    event: r.event,
    callId: r.callId,
    status: r.status,
    attempts: r.attempts,
    lastStatusCode: r.lastStatusCode,
    lastError: r.lastError,
    nextAttemptAt: r.nextAttemptAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
    deliveredAt: r.deliveredAt?.toISOString() ?? null,
    payload: r.envelope,
  };
}
