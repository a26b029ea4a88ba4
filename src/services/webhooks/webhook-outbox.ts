import { randomBytes } from 'node:crypto';
import { NotFoundError } from '../../core/errors/app-error.js';
import type { DeliveryQuery, DeliveryView, EndpointView, WebhookAdmin } from '../../core/webhooks/webhook-admin.port.js';
import { deliveryId } from '../../core/webhooks/delivery-id.js';
import { callIdOf, type WebhookEnvelope } from '../../core/webhooks/webhook-event.js';
import { displayUrl, type WebhookEndpoint } from '../../core/webhooks/webhook-endpoint.js';
import { DeliveryNotReplayableError } from '../../core/webhooks/webhook-errors.js';
import type { DeliveryJobQueue, DeliveryLog, LineHead } from './delivery-log.port.js';

/**
 * The writing side of delivery: new events into the log and the heads of their lines
 * into the queue; replays, the endpoints' state, and the reconciler that queues again
 * what a crash or a lost Redis left only in the log.
 */
export class WebhookOutbox implements WebhookAdmin {
  private readonly endpointsByName: ReadonlyMap<string, WebhookEndpoint>;

  constructor(
    private readonly log: DeliveryLog,
    private readonly queue: DeliveryJobQueue,
    endpoints: readonly WebhookEndpoint[],
    private readonly clock: () => number = Date.now,
  ) {
    this.endpointsByName = new Map(endpoints.map((e) => [e.name, e]));
  }

  /**
   * One delivery per endpoint, logged (committed) before anything is queued. Deliveries
   * of a call are queued only when first in their line; the others wait for the one
   * ahead to settle (the worker queues them then). Returns the deliveries' ids.
   */
  async record(envelope: WebhookEnvelope, endpoints: readonly string[]): Promise<string[]> {
    const callId = callIdOf(envelope.data);
    const rows = endpoints.map((endpoint) => ({ id: deliveryId(this.clock(), randomBytes(10)), endpoint, event: envelope.type, callId, envelope }));
    const inserted = await this.log.insert(rows);
    const heads = await Promise.all(
      inserted.map(async (r): Promise<LineHead | null> => {
        if (!r.blocked || r.callId === null) return { id: r.id, endpoint: r.endpoint };
        // Behind a pending delivery when written. Read the line again now that this write is
        // visible: if the one ahead has settled since, its advance may have looked before this
        // row was there, so this row is queued here. If one ahead is still pending, it is
        // queued already (by its writer or by the advance before it) and queues this row when
        // it settles: adding it again would only cost Redis a script. A job Redis lost is the
        // reconciler's, as everywhere else.
        const head = await this.log.head(r.endpoint, r.callId);
        return head === r.id ? { id: r.id, endpoint: r.endpoint } : null;
      }),
    );
    await this.queue.add(heads.filter((h): h is LineHead => h !== null));
    return rows.map((r) => r.id);
  }

  /** Queues the next pending delivery of a line (the worker calls it when one settles). */
  async advance(endpoint: string, callId: string | null): Promise<void> {
    if (callId === null) return;
    const next = await this.log.head(endpoint, callId);
    if (next !== null) await this.queue.add([{ id: next, endpoint }]);
  }

  /**
   * A replay that comes while the attempt that settled the delivery is still finishing adds
   * a job id BullMQ still holds, and that add does nothing: the worker calls this once the
   * old job is gone, so the replay goes out.
   */
  async requeueIfReopened(id: string): Promise<void> {
    const found = await this.log.get(id);
    if (found?.status === 'pending') await this.queue.add([{ id, endpoint: found.endpoint }]);
  }

  /**
   * Queues every line head due before `before` again; a head still queued is not doubled
   * (the job id is the delivery id). At start-up with `before` = now this recovers what
   * was logged but never queued, or queued in a Redis that lost it.
   */
  async reconcile(before: Date, limit = 1000): Promise<number> {
    const heads = await this.log.overdueHeads(before, limit);
    await this.queue.add(heads);
    return heads.length;
  }

  async deliveries(query: DeliveryQuery): Promise<DeliveryView[]> {
    return this.log.list(query);
  }

  /**
   * Sends a failed or dead delivery again under its own webhook-id, at once: it does
   * not wait for later deliveries of its call, which have gone on without it.
   */
  async replay(id: string): Promise<DeliveryView> {
    const found = await this.log.get(id);
    if (!found) throw new NotFoundError(`Delivery ${id}`);
    if (found.status !== 'failed' && found.status !== 'dead') {
      throw new DeliveryNotReplayableError(`Delivery ${id} is ${found.status}: only failed and dead deliveries are replayed.`);
    }
    if (!this.endpointsByName.has(found.endpoint)) {
      throw new DeliveryNotReplayableError(`Delivery ${id} is for endpoint "${found.endpoint}", which is no longer configured.`);
    }
    if ((await this.log.endpointStates()).has(found.endpoint)) {
      throw new DeliveryNotReplayableError(`Endpoint "${found.endpoint}" is disabled: enable it first (POST /api/webhooks/endpoints/${found.endpoint}/enable).`);
    }
    const reopened = await this.log.reopen(id);
    // Read before the job is queued: the answer is the replay as accepted (pending), not
    // whatever a fast worker has made of it since. Another replay may have won the race;
    // the delivery is on its way either way.
    const view = (await this.log.get(id))!;
    if (reopened) await this.queue.add([reopened]);
    return view;
  }

  async endpoints(): Promise<EndpointView[]> {
    const [states, counts] = await Promise.all([this.log.endpointStates(), this.log.openCounts()]);
    return [...this.endpointsByName.values()].map((e) => {
      const state = states.get(e.name);
      const count = counts.get(e.name) ?? {};
      return {
        name: e.name,
        kind: e.kind,
        url: displayUrl(e),
        events: e.events,
        disabled: state !== undefined,
        disabledAt: state?.disabledAt.toISOString() ?? null,
        disabledReason: state?.reason ?? null,
        pending: count.pending ?? 0,
        failed: count.failed ?? 0,
        dead: count.dead ?? 0,
      };
    });
  }

  /** Deliveries that failed while it was disabled stay failed: replay the ones still wanted. */
  async enable(name: string): Promise<EndpointView> {
    if (!this.endpointsByName.has(name)) throw new NotFoundError(`Webhook endpoint ${name}`);
    await this.log.enableEndpoint(name);
    return (await this.endpoints()).find((e) => e.name === name)!;
  }
}
