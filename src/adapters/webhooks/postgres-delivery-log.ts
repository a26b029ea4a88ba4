import { sql } from 'kysely';
import type { DeliveryQuery, DeliveryStatus, DeliveryView } from '../../core/webhooks/webhook-admin.port.js';
import type { WebhookEnvelope } from '../../core/webhooks/webhook-event.js';
import type { DeliveryToSend, EndpointState, InsertedDelivery, Line, LineHead, NewDelivery, Settlement } from '../../services/webhooks/delivery-log.port.js';
import type { Database } from '../postgres/database.js';
import { runPrepared } from '../postgres/prepared-statements.js';

/**
 * The delivery log in PostgreSQL (migration 0003). Rows are written before they are
 * queued, and every attempt is recorded, so the log, not the queue, is the truth: the
 * queue only holds the head of each line (endpoint, call) and can be rebuilt from here.
 */
export class PostgresDeliveryLog {
  constructor(private readonly db: Database) {}

  /**
   * Logs deliveries in one statement. `blocked`: an earlier delivery of the same call to
   * the same endpoint was still pending when this one was written, so this one waits in
   * line (the caller reads the line's head again once this write has committed).
   */
  async insertMany(rows: readonly NewDelivery[]): Promise<InsertedDelivery[]> {
    if (rows.length === 0) return [];
    const { rows: inserted } = await runPrepared(this.db, 'delivery-insert', sql<InsertedDelivery>`
      insert into webhook_deliveries (id, endpoint, event, call_id, payload)
      select id, endpoint, event, call_id, payload::json
      from unnest(${rows.map((r) => r.id)}::text[], ${rows.map((r) => r.endpoint)}::text[], ${rows.map((r) => r.event)}::text[],
                  ${rows.map((r) => r.callId)}::text[], ${rows.map((r) => JSON.stringify(r.envelope))}::text[])
             with ordinality as n(id, endpoint, event, call_id, payload, i)
      order by i
      returning id, endpoint, call_id as "callId", exists (
        select 1 from webhook_deliveries p
        where p.call_id = webhook_deliveries.call_id and p.endpoint = webhook_deliveries.endpoint
          and p.status = 'pending' and p.seq < webhook_deliveries.seq
      ) as blocked`.compile(this.db));
    const byId = new Map(inserted.map((r) => [r.id, r]));
    return rows.map((r) => byId.get(r.id)!);
  }

  /**
   * The first pending delivery of each line (endpoint, call), or null when the line is
   * empty. Read after the caller's own write committed: of two writers racing on one line
   * (a new event, a settled delivery), the later read sees both writes, so one of them
   * queues the head.
   */
  async headsOf(lines: readonly Line[]): Promise<(string | null)[]> {
    if (lines.length === 0) return [];
    // One index probe per line (lateral), whatever PostgreSQL believes the number of pending rows to be.
    const { rows } = await runPrepared(this.db, 'delivery-heads', sql<{ id: string; endpoint: string; call_id: string }>`
      select h.id, l.endpoint, l.call_id
      from unnest(${lines.map((l) => l.endpoint)}::text[], ${lines.map((l) => l.callId)}::text[]) as l(endpoint, call_id)
      cross join lateral (
        select d.id from webhook_deliveries d
        where d.call_id = l.call_id and d.endpoint = l.endpoint and d.status = 'pending'
        order by d.seq limit 1
      ) h`.compile(this.db));
    const heads = new Map(rows.map((r) => [lineKey(r.endpoint, r.call_id), r.id]));
    return lines.map((l) => heads.get(lineKey(l.endpoint, l.callId)) ?? null);
  }

  /** The line heads whose attempt was due before `before`: those a lost queue job left behind (and those about to go). */
  async overdueHeads(before: Date, limit: number): Promise<LineHead[]> {
    const { rows } = await sql<LineHead>`
      select d.id, d.endpoint from webhook_deliveries d
      where d.status = 'pending' and d.next_attempt_at is not null and d.next_attempt_at <= ${before}
        and not exists (
          select 1 from webhook_deliveries p
          where p.call_id = d.call_id and p.endpoint = d.endpoint and p.status = 'pending' and p.seq < d.seq
        )
      order by d.next_attempt_at
      limit ${limit}`.execute(this.db);
    return rows;
  }

  async loadMany(ids: readonly string[]): Promise<(DeliveryToSend | null)[]> {
    if (ids.length === 0) return [];
    // By primary key, one probe per id (lateral): never a scan, whatever the table's statistics say.
    const { rows } = await runPrepared(this.db, 'delivery-load', sql<{
      id: string; endpoint: string; call_id: string | null; status: DeliveryStatus; payload: unknown;
      disabled_at: Date | null; reason: string | null; crm_call_id: string | null;
    }>`
      select d.id, d.endpoint, d.call_id, d.status, d.payload, s.disabled_at, s.reason, c.crm_call_id
      from unnest(${[...ids]}::text[]) as k(id)
      cross join lateral (select * from webhook_deliveries x where x.id = k.id limit 1) d
      left join webhook_endpoint_state s on s.endpoint = d.endpoint
      left join webhook_crm_calls c on c.endpoint = d.endpoint and c.call_id = d.call_id`.compile(this.db));
    const byId = new Map(
      rows.map((row): [string, DeliveryToSend] => [row.id, {
        id: row.id,
        endpoint: row.endpoint,
        callId: row.call_id,
        status: row.status,
        envelope: row.payload as WebhookEnvelope,
        disabledAt: row.disabled_at ?? null,
        disabledReason: row.reason ?? null,
        crmCallId: row.crm_call_id ?? null,
      }]),
    );
    return ids.map((id) => byId.get(id) ?? null);
  }

  /**
   * Records attempts' results in one statement. Only pending rows change: a late worker
   * (one that lost its lock) cannot undo a replay's or another worker's result.
   */
  async settleMany(settlements: readonly Settlement[]): Promise<void[]> {
    if (settlements.length === 0) return [];
    await runPrepared(this.db, 'delivery-settle', sql`
      update webhook_deliveries d set
        status = u.status,
        attempts = d.attempts + case when u.attempted then 1 else 0 end,
        last_status_code = u.code,
        last_error = u.error,
        next_attempt_at = u.next_at,
        delivered_at = case when u.status = 'delivered' then now() else d.delivered_at end
      from unnest(${settlements.map((s) => s.id)}::text[], ${settlements.map((s) => s.status)}::text[],
                  ${settlements.map((s) => s.attempted)}::boolean[], ${settlements.map((s) => s.statusCode)}::int[],
                  ${settlements.map((s) => s.error)}::text[], ${settlements.map((s) => s.nextAttemptAt)}::timestamptz[])
             as u(id, status, attempted, code, error, next_at)
      where d.id = u.id and d.status = 'pending'`.compile(this.db));
    return settlements.map(() => undefined);
  }

  /** Puts a failed or dead delivery back in line; null when there is none in that state. */
  async reopen(id: string): Promise<LineHead | null> {
    const row = await this.db
      .updateTable('webhook_deliveries')
      .set({ status: 'pending', next_attempt_at: new Date() })
      .where('id', '=', id)
      .where('status', 'in', ['failed', 'dead'])
      .returning(['id', 'endpoint'])
      .executeTakeFirst();
    return row ?? null;
  }

  async saveCrmCallId(endpoint: string, callId: string, crmCallId: string): Promise<void> {
    await this.db
      .insertInto('webhook_crm_calls')
      .values({ endpoint, call_id: callId, crm_call_id: crmCallId })
      .onConflict((oc) => oc.columns(['endpoint', 'call_id']).doUpdateSet({ crm_call_id: crmCallId }))
      .execute();
  }

  async disableEndpoint(endpoint: string, reason: string, at = new Date()): Promise<void> {
    await this.db
      .insertInto('webhook_endpoint_state')
      .values({ endpoint, disabled_at: at, reason })
      // The first 410's time and reason stay: later ones only repeat it.
      .onConflict((oc) => oc.column('endpoint').doUpdateSet({ disabled_at: sql`coalesce(webhook_endpoint_state.disabled_at, excluded.disabled_at)`, reason: sql`coalesce(webhook_endpoint_state.reason, excluded.reason)` }))
      .execute();
  }

  async enableEndpoint(endpoint: string): Promise<void> {
    await this.db.updateTable('webhook_endpoint_state').set({ disabled_at: null, reason: null }).where('endpoint', '=', endpoint).execute();
  }

  async endpointStates(): Promise<Map<string, EndpointState>> {
    const rows = await this.db.selectFrom('webhook_endpoint_state').selectAll().where('disabled_at', 'is not', null).execute();
    return new Map(rows.map((r) => [r.endpoint, { disabledAt: r.disabled_at!, reason: r.reason }]));
  }

  /** Deliveries per endpoint and status, leaving out the delivered ones (the bulk of the table); each half reads a partial index. */
  async openCounts(): Promise<Map<string, Partial<Record<DeliveryStatus, number>>>> {
    const { rows } = await sql<{ endpoint: string; status: DeliveryStatus; n: string }>`
      select endpoint, status, count(*) as n from webhook_deliveries where status in ('failed', 'dead') group by endpoint, status
      union all
      select endpoint, status, count(*) from webhook_deliveries where status = 'pending' and next_attempt_at is not null group by endpoint, status`.execute(this.db);
    const counts = new Map<string, Partial<Record<DeliveryStatus, number>>>();
    for (const r of rows) counts.set(r.endpoint, { ...counts.get(r.endpoint), [r.status]: Number(r.n) });
    return counts;
  }

  async get(id: string): Promise<DeliveryView | null> {
    const row = await this.viewQuery().where('id', '=', id).executeTakeFirst();
    return row ? toView(row) : null;
  }

  /** Newest first. */
  async list(query: DeliveryQuery): Promise<DeliveryView[]> {
    let q = this.viewQuery().where('status', 'in', query.statuses);
    if (query.endpoint !== undefined) q = q.where('endpoint', '=', query.endpoint);
    const rows = await q.orderBy('created_at', 'desc').orderBy('seq', 'desc').limit(query.limit).execute();
    return rows.map(toView);
  }

  private viewQuery() {
    return this.db
      .selectFrom('webhook_deliveries')
      .select(['id', 'endpoint', 'event', 'call_id', 'status', 'attempts', 'last_status_code', 'last_error', 'next_attempt_at', 'created_at', 'delivered_at', 'payload']);
  }
}

const lineKey = (endpoint: string, callId: string) => `${endpoint}\u0000${callId}`;

interface ViewRow {
  id: string;
  endpoint: string;
  event: string;
  call_id: string | null;
  status: DeliveryStatus;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: Date | null;
  created_at: Date;
  delivered_at: Date | null;
  payload: unknown;
}

function toView(r: ViewRow): DeliveryView {
  return {
    id: r.id,
    endpoint: r.endpoint,
    event: r.event,
    callId: r.call_id,
    status: r.status,
    attempts: r.attempts,
    lastStatusCode: r.last_status_code,
    lastError: r.last_error,
    nextAttemptAt: r.next_attempt_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
    deliveredAt: r.delivered_at?.toISOString() ?? null,
    payload: r.payload,
  };
}
