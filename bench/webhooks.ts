// Webhook delivery benchmark: call.ended events through the real path (domain event bus ->
// WebhookDispatcher -> PostgreSQL log -> BullMQ queue -> worker -> signed POST) to a local
// receiver.
// Run: npx tsx bench/webhooks.ts                (about 1 min)
//      npx tsx bench/webhooks.ts --quick        (about 15 s)
//
// Real PostgreSQL (a schema of its own, dropped at the end) and Redis (a key prefix of its
// own, removed at the end). The receiver is an HTTP server on 127.0.0.1 in a worker thread
// (its own event loop, as a receiver on another host would have): it parses each body as a
// receiver would, answers 200, and reports when each call's webhook arrived.
//   (a) throughput, per worker concurrency setting (crm.delivery.concurrency), one generic
//       endpoint so one delivery per event, N call.ended events of N different calls:
//       - delivery: the N events recorded first (log and queue, no worker running), then a
//         worker started: deliveries/s from its start to the last arrival;
//       - end to end: the N events raised at once with the worker running: from the first
//         event to the last arrival (recording and sending compete for the same cores);
//       - baseline, same run: the same signed bodies POSTed straight to the receiver at the
//         same concurrency, no log, queue or retry; the delivery rate is given as a ratio of it.
//   (b) latency: rounds of 20 calls ending together; per call, the time from raising
//       call.ended to its webhook arriving at the receiver. Median and p95 over the rounds.
// Targets (printed, not asserted): >= 2,000 deliveries/s; hangup -> delivered p95 <= 250 ms.
// Options: --quick, --deliveries 10000, --concurrency 64,128,256, --rounds 25, --pool 16
// Environment: LEADLINE_REDIS_URL, LEADLINE_POSTGRES_URL (defaults: the local services).
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import pino from 'pino';
import { createDatabase, type Database } from '../src/adapters/postgres/database.js';
import { ensureDatabase } from '../src/adapters/postgres/ensure-database.js';
import { migrateToLatest, dropSchema } from '../src/adapters/postgres/migrate.js';
import { createRedis } from '../src/adapters/redis/create-redis.js';
import { createWebhookDelivery } from '../src/launcher/webhook-delivery.js';
import { crmSchema } from '../src/config/crm-config-schema.js';
import { signingKey, signWebhook } from '../src/core/webhooks/standard-webhook-signature.js';
import { DomainEvents } from '../src/services/domain-events.js';
import { WebhookDispatcher } from '../src/services/webhook-dispatcher.js';

const REDIS_URL = process.env.LEADLINE_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const POSTGRES_URL = process.env.LEADLINE_POSTGRES_URL ?? 'postgres://leadline:leadline@127.0.0.1:5432/leadline';
const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
// The baseline signs with the pipeline's own signer, so both do the same HMAC work.
const SIGNING_KEY = signingKey(SECRET)!;

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const quick = args.includes('--quick');
const opts = {
  deliveries: Number(option('deliveries', quick ? '3000' : '10000')),
  concurrency: option('concurrency', quick ? '128' : '64,128,256').split(',').map(Number),
  rounds: Number(option('rounds', quick ? '10' : '25')),
  pool: Number(option('pool', '16')),
};

const now = () => performance.timeOrigin + performance.now();
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};

/** The receiver thread: plain JavaScript, evaluated, so it needs no TypeScript loader. */
const RECEIVER = `
const http = require('node:http');
const { parentPort } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');
let batch = [];
const server = http.createServer({ keepAliveTimeout: 10000 }, (req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    batch.push([body.data.callId, performance.timeOrigin + performance.now(), req.headers['webhook-id']]);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  });
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
setInterval(() => { if (batch.length) { parentPort.postMessage({ arrivals: batch }); batch = []; } }, 5);
`;

interface Receiver {
  port: number;
  /** callId -> first arrival time. */
  arrivals: Map<string, number>;
  ids: Set<string>;
  stop(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const worker = new Worker(RECEIVER, { eval: true });
  const arrivals = new Map<string, number>();
  const ids = new Set<string>();
  const port = await new Promise<number>((resolve) => {
    worker.on('message', (m: { port?: number; arrivals?: [string, number, string][] }) => {
      if (m.port) resolve(m.port);
      for (const [callId, at, id] of m.arrivals ?? []) {
        if (!arrivals.has(callId)) arrivals.set(callId, at);
        ids.add(id);
      }
    });
  });
  return { port, arrivals, ids, stop: async () => void (await worker.terminate()) };
}

function callEnded(callId: string) {
  const at = Date.now();
  return {
    record: {
      callId, direction: 'inbound' as const, callerNumber: '+79161234567', calleeNumber: '+74951234567', companyNumber: '+74951234567', manager: '101',
      startedAt: new Date(at - 63_000).toISOString(), answeredAt: new Date(at - 60_000).toISOString(), endedAt: new Date(at).toISOString(),
      ringSeconds: 3, talkSeconds: 60, disposition: 'answered' as const, sipCode: null, reason: null, attempts: [],
    },
  };
}

async function withDelivery<T>(
  db: Database,
  keyPrefix: string,
  receiver: Receiver,
  concurrency: number,
  run: (events: DomainEvents) => Promise<T>,
  { queueName = `bench${randomBytes(3).toString('hex')}`, runWorker = true, onStarting = () => {} } = {},
): Promise<T> {
  const config = {
    crm: crmSchema.parse({
      webhooks: [{ name: 'bench', kind: 'generic', url: `http://127.0.0.1:${receiver.port}/hook`, secret: SECRET }],
      delivery: { queueName, concurrency },
    }),
    redis: { url: REDIS_URL, keyPrefix },
    managers: [{ extension: '101', name: 'Anna', password: 'anna-secret', crmUserId: '17' }],
  };
  // Logs at info as in production, into /dev/null: their cost is part of a delivery.
  const log = pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: false }));
  const delivery = createWebhookDelivery({ config, db, logger: log, runWorker });
  const events = new DomainEvents();
  const dispatcher = new WebhookDispatcher({ config, events, sink: delivery.outbox, log });
  onStarting();
  await delivery.start();
  dispatcher.start();
  try {
    return await run(events);
  } finally {
    await dispatcher.stop();
    await delivery.stop();
  }
}

async function waitForArrivals(receiver: Receiver, callIds: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (callIds.some((c) => !receiver.arrivals.has(c))) {
    if (Date.now() > deadline) throw new Error(`only ${callIds.filter((c) => receiver.arrivals.has(c)).length} of ${callIds.length} webhooks arrived in ${timeoutMs} ms`);
    await pause(2);
  }
}

/** Deliveries/s of a worker started on N deliveries already logged and queued. */
async function deliveryRate(db: Database, keyPrefix: string, receiver: Receiver, concurrency: number): Promise<number> {
  const queueName = `bench${randomBytes(3).toString('hex')}`;
  const calls = Array.from({ length: opts.deliveries }, (_, i) => `dr-${concurrency}-${i}`);
  await withDelivery(db, keyPrefix, receiver, concurrency, async (events) => {
    for (const c of calls) events.emit('call.ended', callEnded(c));
  }, { queueName, runWorker: false });
  let start = 0;
  return withDelivery(db, keyPrefix, receiver, concurrency, async () => {
    await waitForArrivals(receiver, calls, 120_000);
    const last = Math.max(...calls.map((c) => receiver.arrivals.get(c)!));
    return opts.deliveries / ((last - start) / 1000);
  }, { queueName, runWorker: true, onStarting: () => (start = now()) });
}

/**
 * Baseline, same run: the same signed bodies POSTed straight to the receiver by
 * `concurrency` loops over keep-alive connections, with no log, queue or retry:
 * what the wire and the receiver allow on this machine.
 */
async function plainPostRate(receiver: Receiver, concurrency: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const calls = Array.from({ length: opts.deliveries }, (_, i) => `plain-${concurrency}-${i}`);
  let next = 0;
  const started = now();
  const post = (callId: string) =>
    new Promise<void>((resolve, reject) => {
      const body = JSON.stringify({ type: 'call.ended', timestamp: new Date().toISOString(), data: callEnded(callId).record });
      const id = `msg_${callId}`;
      const timestamp = Math.floor(Date.now() / 1000);
      const signature = signWebhook(id, timestamp, body, SIGNING_KEY);
      const req = http.request(
        { host: '127.0.0.1', port: receiver.port, method: 'POST', path: '/plain', agent, headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature } },
        (res) => {
          res.resume();
          res.on('end', resolve);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < calls.length) await post(calls[next++]!);
  }));
  await waitForArrivals(receiver, calls, 60_000);
  agent.destroy();
  return opts.deliveries / ((now() - started) / 1000);
}

async function throughput(db: Database, keyPrefix: string, receiver: Receiver, concurrency: number): Promise<number> {
  return withDelivery(db, keyPrefix, receiver, concurrency, async (events) => {
    // Warm-up: connections, prepared code paths.
    const warm = Array.from({ length: 200 }, (_, i) => `warm-${concurrency}-${i}`);
    for (const c of warm) events.emit('call.ended', callEnded(c));
    await waitForArrivals(receiver, warm, 30_000);

    const calls = Array.from({ length: opts.deliveries }, (_, i) => `tp-${concurrency}-${i}`);
    const start = now();
    for (const c of calls) events.emit('call.ended', callEnded(c));
    await waitForArrivals(receiver, calls, 120_000);
    const last = Math.max(...calls.map((c) => receiver.arrivals.get(c)!));
    return opts.deliveries / ((last - start) / 1000);
  });
}

async function latency(db: Database, keyPrefix: string, receiver: Receiver, concurrency: number): Promise<number[]> {
  return withDelivery(db, keyPrefix, receiver, concurrency, async (events) => {
    const samples: number[] = [];
    for (let round = -2; round < opts.rounds; round += 1) {
      const calls = Array.from({ length: 20 }, (_, i) => `lat-${round}-${i}-${randomBytes(2).toString('hex')}`);
      const raised = new Map<string, number>();
      for (const c of calls) {
        raised.set(c, now());
        events.emit('call.ended', callEnded(c));
      }
      await waitForArrivals(receiver, calls, 10_000);
      // The first two rounds warm up and are not counted.
      if (round >= 0) for (const c of calls) samples.push(receiver.arrivals.get(c)! - raised.get(c)!);
      await pause(100);
    }
    return samples;
  });
}

async function main(): Promise<void> {
  await ensureDatabase(POSTGRES_URL);
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  const db = createDatabase({ url: POSTGRES_URL, schema }, { maxConnections: opts.pool });
  await migrateToLatest(db, schema);
  const keyPrefix = `bench:${randomBytes(4).toString('hex')}:`;
  const receiver = await startReceiver();
  console.log(`webhooks bench: ${opts.deliveries} deliveries per throughput run, concurrency ${opts.concurrency.join('/')}, ${opts.rounds} latency rounds of 20 calls, pg pool ${opts.pool}`);
  try {
    // Warm-up, not reported: JIT, connection pools, PostgreSQL's caches.
    await withDelivery(db, keyPrefix, receiver, opts.concurrency[0]!, async (events) => {
      const warm = Array.from({ length: 2000 }, (_, i) => `warm-${i}`);
      for (const c of warm) events.emit('call.ended', callEnded(c));
      await waitForArrivals(receiver, warm, 60_000);
    });
    const rates: [number, number][] = [];
    for (const c of opts.concurrency) {
      const rate = await deliveryRate(db, keyPrefix, receiver, c);
      const endToEnd = await throughput(db, keyPrefix, receiver, c);
      const plain = await plainPostRate(receiver, c);
      rates.push([c, rate]);
      console.log(`  concurrency ${String(c).padStart(3)}: delivery ${rate.toFixed(0)} deliveries/s; end to end (raise + record + deliver) ${endToEnd.toFixed(0)} deliveries/s; plain signed POSTs (baseline) ${plain.toFixed(0)}/s: delivery x${(rate / plain).toFixed(2)} of the baseline`);
    }
    const best = rates.reduce((a, b) => (b[1] > a[1] ? b : a));
    const samples = await latency(db, keyPrefix, receiver, best[0]);
    const p50 = quantile(samples, 0.5);
    const p95 = quantile(samples, 0.95);
    console.log(`  latency (20 calls ending together, concurrency ${best[0]}, ${samples.length} samples): median ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${Math.max(...samples).toFixed(1)} ms`);
    console.log(`  every delivery arrived once: ${receiver.ids.size} webhook-ids for ${receiver.arrivals.size} calls`);
    console.log(`target >= 2,000 deliveries/s: ${best[1] >= 2000 ? 'met' : 'NOT met'} (${best[1].toFixed(0)} at concurrency ${best[0]})`);
    console.log(`target hangup -> delivered p95 <= 250 ms: ${p95 <= 250 ? 'met' : 'NOT met'} (${p95.toFixed(1)} ms)`);
  } finally {
    await receiver.stop();
    await dropSchema(db, schema);
    await db.destroy();
    const redis = await createRedis(REDIS_URL);
    const keys = await redis.keys(`${keyPrefix}*`);
    for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
    redis.disconnect();
  }
}

await main();
