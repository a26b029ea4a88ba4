import type { Logger } from 'pino';
import type { Config } from '../config/config-schema.js';
import { toWebhookEnvelope, type ManagerDirectory } from '../core/webhooks/call-event-data.js';
import { endpointWants } from '../core/webhooks/crm-request.js';
import { callIdOf, matchesEventFilter, WEBHOOK_EVENT_NAMES, type WebhookEnvelope } from '../core/webhooks/webhook-event.js';
import type { WebhookEndpoint } from '../core/webhooks/webhook-endpoint.js';
import type { DomainEvents } from './domain-events.js';
import { KeyedQueue } from './keyed-queue.js';

/** Where the dispatcher hands deliveries: the outbox (PostgreSQL log, then the BullMQ queue). */
export interface WebhookSink {
  record(envelope: WebhookEnvelope, endpoints: readonly string[]): Promise<unknown>;
}

export interface WebhookDispatcherDeps {
  config: Pick<Config, 'crm' | 'managers'>;
  events: DomainEvents;
  sink: WebhookSink;
  log: Logger;
  clock?: () => number;
  /** Waits between tries to record an event while PostgreSQL or Redis is unreachable. */
  recordRetryDelaysMs?: readonly number[];
}

type Subscribe = (name: string, listener: (payload: unknown) => void) => () => void;

/**
 * Turns domain events into webhook deliveries: each event, enriched for the CRMs, goes to
 * every endpoint whose filter and kind take it. The events of one call are recorded one
 * after the other, in the order they were raised, which is the order their deliveries
 * keep; events of different calls are recorded concurrently.
 */
export class WebhookDispatcher {
  private readonly endpoints: readonly WebhookEndpoint[];
  private readonly managers: ManagerDirectory;
  private readonly queue = new KeyedQueue();
  private readonly inFlight = new Set<Promise<unknown>>();
  private unsubscribe: (() => void)[] = [];

  constructor(private readonly deps: WebhookDispatcherDeps) {
    this.endpoints = deps.config.crm.webhooks as WebhookEndpoint[];
    this.managers = new Map(deps.config.managers.map((m) => [m.extension, { name: m.name, crmUserId: m.crmUserId ?? null }]));
  }

  /** Subscribes to the events some endpoint takes; with no endpoint configured, to none. */
  start(): void {
    // Events still to come (recording.ready, lead.*) are not in DomainEventMap yet: subscribed
    // by name, they flow as soon as a feature raises them.
    const subscribe = this.deps.events.on.bind(this.deps.events) as unknown as Subscribe;
    for (const name of WEBHOOK_EVENT_NAMES) {
      if (!this.endpoints.some((e) => matchesEventFilter(e.events, name))) continue;
      this.unsubscribe.push(subscribe(name, (payload) => this.dispatch(name, payload)));
    }
  }

  /** Stops listening and waits for the events already taken to be recorded. */
  async stop(): Promise<void> {
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
    await Promise.allSettled([...this.inFlight]);
  }

  /** Public for tests and for events raised outside the bus. */
  dispatch(name: string, payload: unknown): void {
    let envelope: WebhookEnvelope;
    try {
      envelope = toWebhookEnvelope(name, payload, this.managers, new Date((this.deps.clock ?? Date.now)()));
    } catch (err) {
      this.deps.log.error({ err, event: name }, 'webhook: event could not be read; not delivered');
      return;
    }
    const targets = this.endpoints.filter((e) => endpointWants(e, envelope)).map((e) => e.name);
    if (targets.length === 0) return;
    const callId = callIdOf(envelope.data);
    const task = () => this.recordWithRetries(envelope, targets);
    const running = callId === null ? task() : this.queue.run(callId, task);
    this.inFlight.add(running);
    void running.finally(() => this.inFlight.delete(running));
  }

  /**
   * A short outage of PostgreSQL or Redis must not lose an event, nor let a later event of
   * the same call overtake it: the call's next events wait while this one is retried.
   */
  private async recordWithRetries(envelope: WebhookEnvelope, targets: string[]): Promise<void> {
    const delays = this.deps.recordRetryDelaysMs ?? [200, 1_000, 5_000, 15_000, 30_000];
    for (let attempt = 0; ; attempt += 1) {
      try {
        await this.deps.sink.record(envelope, targets);
        return;
      } catch (err) {
        const delay = delays[attempt];
        if (delay === undefined) {
          // The log line carries the whole envelope, so an operator can still send it by hand.
          this.deps.log.error({ err, endpoints: targets, envelope }, 'webhook: event could not be recorded; it is lost for delivery');
          return;
        }
        this.deps.log.warn({ err, event: envelope.type, attempt: attempt + 1 }, 'webhook: event not recorded yet; retrying');
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}
