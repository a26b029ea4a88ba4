/**
 * A webhook worker in a process of its own, for the test that kills it mid-delivery
 * (SIGKILL: no cleanup, its BullMQ lock left to expire). Settings come as JSON in
 * LEADLINE_TEST_WEBHOOK_WORKER; it prints "ready" once the worker takes jobs.
 */
import { createDatabase } from '../../src/adapters/postgres/database.js';
import { startHarness } from './webhook-harness.js';
import { TEST_POSTGRES_URL } from './postgres-schema.js';

const settings = JSON.parse(process.env.LEADLINE_TEST_WEBHOOK_WORKER ?? '{}') as {
  schema: string;
  keyPrefix: string;
  queueName: string;
  webhooks: unknown[];
  lockDurationMs: number;
};
const db = createDatabase({ url: TEST_POSTGRES_URL, schema: settings.schema }, { maxConnections: 4 });
await startHarness({
  db,
  keyPrefix: settings.keyPrefix,
  queueName: settings.queueName,
  webhooks: settings.webhooks,
  // The stall check runs once per interval across all workers (a Redis key): the dead
  // worker's long interval would hold off the next worker's check.
  tuning: { lockDuration: settings.lockDurationMs, stalledInterval: 300 },
});
process.stdout.write('ready\n');
setInterval(() => {}, 60_000);
