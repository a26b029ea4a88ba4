import { Queue } from 'bullmq';
import { sql } from 'kysely';
import type { Config } from '../../config/config-schema.js';
import type { Database } from '../postgres/database.js';
import { RedisKeys } from '../redis/redis-keys.js';
import type { GaugeSources } from './leadline-metrics.js';

/**
 * The gauges' backlog sources, read from where the backlog is kept rather than counted
 * in this process: the delivery log and the recordings index (PostgreSQL) and the BullMQ
 * queues (Redis). The figures are the same whichever instance is scraped, and stay
 * right when the workers run in other processes.
 */
export function backlogSources(config: Pick<Config, 'crm' | 'recordings' | 'redis'>, db: Database): Required<Pick<GaugeSources, 'webhookDeliveries' | 'recordings' | 'queueDepths'>> & { close(): Promise<void> } {
  const queueNames = [
    ...(config.crm.webhooks.length > 0 ? [config.crm.delivery.queueName] : []),
    ...(config.recordings.enabled ? [config.recordings.queueName] : []),
  ];
  const prefix = new RedisKeys(config.redis.keyPrefix).queuePrefix();
  // Read-only handles: one connection each, opened on first use (a scrape).
  const queues = queueNames.map((name) => {
    const queue = new Queue(name, { connection: { url: config.redis.url, maxRetriesPerRequest: null }, prefix });
    queue.on('error', () => {}); // ioredis reconnects; a scrape meanwhile reports the gauge empty
    return queue;
  });

  return {
    async webhookDeliveries() {
      const { rows } = await sql<{ endpoint: string; status: string; n: string }>`
        select endpoint, status, count(*) as n from webhook_deliveries group by endpoint, status`.execute(db);
      return rows.map((r) => ({ endpoint: r.endpoint, status: r.status, count: Number(r.n) }));
    },
    async recordings() {
      const { rows } = await sql<{ status: string; n: string }>`select status, count(*) as n from recordings group by status`.execute(db);
      return rows.map((r) => ({ status: r.status, count: Number(r.n) }));
    },
    async queueDepths() {
      return Promise.all(queues.map(async (q) => ({ queue: q.name, jobs: await q.getJobCountByTypes('waiting', 'active', 'delayed', 'prioritized') })));
    },
    async close() {
      await Promise.all(queues.map((q) => q.close()));
    },
  };
}
