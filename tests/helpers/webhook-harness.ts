import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { createWebhookDelivery, type WebhookDelivery, type WebhookDeliveryOptions } from '../../src/launcher/webhook-delivery.js';
import type { Database } from '../../src/adapters/postgres/database.js';
import { crmSchema } from '../../src/config/crm-config-schema.js';
import type { Config } from '../../src/config/config-schema.js';
import { DomainEvents } from '../../src/services/domain-events.js';
import { WebhookDispatcher } from '../../src/services/webhook-dispatcher.js';
import { TEST_REDIS_URL } from './test-redis.js';

export const silentLog = pino({ level: process.env.LEADLINE_TEST_LOG ?? 'silent' });
export const TEST_SIGNING_SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

export const testManagers: Config['managers'] = [
  { extension: '101', name: 'Anna', password: 'anna-secret', crmUserId: '17' },
  { extension: '102', name: 'Boris', password: 'boris-secret' },
];

export interface HarnessOptions {
  db: Database;
  /** Redis key prefix of the test file (useTestRedis().prefix). */
  keyPrefix: string;
  /** Raw crm.webhooks entries (before defaults). */
  webhooks: unknown[];
  delivery?: Record<string, unknown>;
  /** A queue of its own per test, so one test's jobs never reach another's worker. */
  queueName?: string;
  runWorker?: boolean;
  tuning?: WebhookDeliveryOptions['tuning'];
}

export interface Harness {
  config: Pick<Config, 'crm' | 'redis' | 'managers'>;
  delivery: WebhookDelivery;
  events: DomainEvents;
  dispatcher: WebhookDispatcher;
  stop(): Promise<void>;
}

/** Webhook delivery as the launcher wires it (log, queue, worker, dispatcher on a domain event bus), on the test's database and Redis prefix. */
export async function startHarness(opts: HarnessOptions): Promise<Harness> {
  const config = {
    crm: crmSchema.parse({
      webhooks: opts.webhooks,
      delivery: { queueName: opts.queueName ?? `q${randomBytes(4).toString('hex')}`, jitter: 'none', timeoutSeconds: 2, concurrency: 16, ...opts.delivery },
    }),
    redis: { url: TEST_REDIS_URL, keyPrefix: opts.keyPrefix },
    managers: testManagers,
  };
  const delivery = createWebhookDelivery({ config, db: opts.db, logger: silentLog, runWorker: opts.runWorker, tuning: opts.tuning });
  const events = new DomainEvents();
  const dispatcher = new WebhookDispatcher({ config, events, sink: delivery.outbox, log: silentLog });
  await delivery.start();
  dispatcher.start();
  return {
    config,
    delivery,
    events,
    dispatcher,
    async stop() {
      await dispatcher.stop();
      await delivery.stop();
    },
  };
}

/** Raises a call's three events as the services do: started, answered, ended. */
export function raiseCall(events: DomainEvents, callId: string, manager = '101', at = Date.now()): void {
  const parties = {
    callId,
    direction: 'inbound' as const,
    callerNumber: '+79161234567',
    calleeNumber: '+74951234567',
    companyNumber: '+74951234567',
    manager,
  };
  events.emit('call.started', { ...parties, at: new Date(at).toISOString() });
  events.emit('call.answered', { ...parties, at: new Date(at + 3_000).toISOString() });
  events.emit('call.ended', {
    record: {
      ...parties,
      startedAt: new Date(at).toISOString(),
      answeredAt: new Date(at + 3_000).toISOString(),
      endedAt: new Date(at + 63_000).toISOString(),
      ringSeconds: 3,
      talkSeconds: 60,
      disposition: 'answered',
      sipCode: null,
      reason: null,
      attempts: [],
    },
  });
}

/** The event type and call of a generic webhook's body. */
export function bodyOf(body: string): { type: string; data: { callId?: string } } {
  return JSON.parse(body) as { type: string; data: { callId?: string } };
}
