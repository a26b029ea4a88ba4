import type { Logger } from 'pino';
import type { Config } from '../config/config-schema.js';
import type { WebhookEndpoint } from '../core/webhooks/webhook-endpoint.js';
import type { HealthCheck } from '../adapters/http/health-check.js';
import type { Database } from '../adapters/postgres/database.js';
import { RedisKeys } from '../adapters/redis/redis-keys.js';
import { BatchedDeliveryLog } from '../adapters/webhooks/batched-delivery-log.js';
import { createHttpSender, type SendRequest } from '../adapters/webhooks/http-sender.js';
import { PostgresDeliveryLog } from '../adapters/webhooks/postgres-delivery-log.js';
import { WebhookOutbox } from '../services/webhooks/webhook-outbox.js';
import { WebhookQueue, type QueueConnection } from '../adapters/webhooks/webhook-queue.js';
import { WebhookWorker, type WebhookWorkerOptions } from '../adapters/webhooks/webhook-worker.js';

export interface WebhookDeliveryOptions {
  config: Pick<Config, 'crm' | 'redis'>;
  db: Database;
  logger: Logger;
  /** Whether this instance sends (runs a worker); every instance records. Default true. */
  runWorker?: boolean;
  send?: SendRequest;
  clock?: () => number;
  random?: () => number;
  tuning?: WebhookWorkerOptions['tuning'];
}

export interface WebhookDelivery {
  /** The dispatcher's sink (record) and the HTTP API's WebhookAdmin. */
  outbox: WebhookOutbox;
  health: HealthCheck;
  /** Starts the worker and, with it, the reconciler: queues again what the log has but the queue lost, periodically. */
  start(): Promise<void>;
  /** Stops the reconciler, lets the worker finish its attempts in flight, closes the queue. */
  stop(): Promise<void>;
}

/** Builds webhook delivery over PostgreSQL (the log) and Redis (the BullMQ queue); the one place its adapters are wired. */
export function createWebhookDelivery(opts: WebhookDeliveryOptions): WebhookDelivery {
  const { crm, redis } = opts.config;
  const endpoints = crm.webhooks as WebhookEndpoint[];
  const logger = opts.logger;
  const clock = opts.clock ?? Date.now;
  const queueConnection: QueueConnection = {
    // BullMQ's workers block on Redis and must wait out a reconnect rather than fail a command.
    connection: { url: redis.url, maxRetriesPerRequest: null },
    prefix: new RedisKeys(redis.keyPrefix).queuePrefix(),
    name: crm.delivery.queueName,
  };
  const log = new PostgresDeliveryLog(opts.db);
  const batched = new BatchedDeliveryLog(log);
  const queue = new WebhookQueue(queueConnection);
  const outbox = new WebhookOutbox(batched, queue, endpoints, clock);
  // One socket per delivery in flight at most, kept alive between deliveries to the same receiver.
  const sender = opts.send ? null : createHttpSender(crm.delivery.concurrency);
  const worker = opts.runWorker === false ? null : new WebhookWorker({
    queue: queueConnection,
    log: batched,
    endpoints: new Map(endpoints.map((e) => [e.name, e])),
    delivery: crm.delivery,
    send: opts.send ?? sender!.send,
    advance: (endpoint, callId) => outbox.advance(endpoint, callId),
    afterSettled: (id) => outbox.requeueIfReopened(id),
    logger,
    clock,
    random: opts.random,
    tuning: opts.tuning,
  });

  let timer: NodeJS.Timeout | undefined;
  let reconciling: Promise<void> = Promise.resolve();
  const reconcile = (graceMs: number) => {
    reconciling = outbox
      .reconcile(new Date(clock() - graceMs))
      .then((n) => void (n > 0 && logger.info({ deliveries: n }, 'webhook deliveries queued again from the log')))
      .catch((err: unknown) => logger.warn({ err }, 'webhook reconciliation failed; next round retries'));
    return reconciling;
  };

  return {
    outbox,
    health: {
      name: 'webhooks',
      async check() {
        if (worker && !worker.running) return { ok: false, detail: 'the webhook worker is not running' };
        const [backlog, states] = await Promise.all([queue.backlog(), log.endpointStates()]);
        const disabled = [...states.keys()];
        return { ok: true, detail: `${backlog} queued${disabled.length ? `; disabled by 410: ${disabled.join(', ')}` : ''}` };
      },
    },
    async start() {
      await worker?.start();
      // The reconciler runs beside the senders, off the routing process.
      if (!worker) return;
      await reconcile(0);
      // A head is due but unqueued only after a lost write; the grace keeps the rounds off deliveries being sent right now.
      const graceMs = Math.max(30_000, crm.delivery.timeoutSeconds * 2000);
      timer = setInterval(() => void reconcile(graceMs), crm.delivery.reconcileEverySeconds * 1000);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      await reconciling;
      await worker?.close();
      await queue.close();
      sender?.close();
    },
  };
}
