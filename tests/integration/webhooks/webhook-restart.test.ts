import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSchema, type TestSchema } from '../../helpers/postgres-schema.js';
import { useTestRedis } from '../../helpers/test-redis.js';
import { bodyOf, raiseCall, startHarness, TEST_SIGNING_SECRET, type Harness } from '../../helpers/webhook-harness.js';
import { waitFor, WebhookReceiver, type ReceivedRequest } from '../../helpers/webhook-receiver.js';

const redis = useTestRedis();
let pg: TestSchema;
const receiver = new WebhookReceiver();
const running: Harness[] = [];
const children: ChildProcess[] = [];

beforeAll(async () => {
  pg = await createTestSchema();
  await receiver.start();
});
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  for (const h of running) await h.stop();
  await receiver.stop();
  await pg?.drop();
});

const endpoint = (path: string) => ({ name: path.slice(1), kind: 'generic', url: receiver.url(path), secret: TEST_SIGNING_SECRET, retry: { schedule: [0.1, 0.2, 0.5] } });

async function harness(path: string, queueName: string, extra: Partial<Parameters<typeof startHarness>[0]> = {}): Promise<Harness> {
  const h = await startHarness({ db: pg.db, keyPrefix: redis.prefix, queueName, webhooks: [endpoint(path)], ...extra });
  running.push(h);
  return h;
}

const delivered = async (endpointName: string) =>
  (await pg.db.selectFrom('webhook_deliveries').select('id').where('endpoint', '=', endpointName).where('status', '=', 'delivered').execute()).length;

/** Per call, the event types in the order the receiver first saw each webhook-id: what an idempotent receiver keeps. */
function keptOrder(requests: ReceivedRequest[], callId: string): string[] {
  const seen = new Set<string>();
  const kept: string[] = [];
  for (const r of requests) {
    const body = bodyOf(r.body);
    if (body.data.callId !== callId || seen.has(r.headers['webhook-id']!)) continue;
    seen.add(r.headers['webhook-id']!);
    kept.push(body.type);
  }
  return kept;
}

describe('webhook delivery across restarts', () => {
  it('a graceful restart finishes the attempts in flight: nothing lost, nothing sent twice, calls in order', async () => {
    receiver.route('/graceful', () => new Promise((resolve) => setTimeout(() => resolve({ status: 200 }), 40)));
    const queueName = `q${randomBytes(4).toString('hex')}`;
    const first = await harness('/graceful', queueName, { delivery: { concurrency: 4 } });
    for (let i = 0; i < 10; i += 1) raiseCall(first.events, `graceful-${i}`);
    await waitFor('some deliveries', () => receiver.at('/graceful').length >= 5);
    await first.stop();
    running.splice(running.indexOf(first), 1);
    const sentBefore = receiver.at('/graceful').length;
    expect(sentBefore).toBeLessThan(30);

    await harness('/graceful', queueName, { delivery: { concurrency: 4 } });
    await waitFor('all 30 delivered', async () => (await delivered('graceful')) === 30);
    const ids = receiver.at('/graceful').map((r) => r.headers['webhook-id']);
    expect(new Set(ids).size).toBe(30);
    expect(ids).toHaveLength(30);
    for (let i = 0; i < 10; i += 1) expect(keptOrder(receiver.at('/graceful'), `graceful-${i}`)).toEqual(['call.started', 'call.answered', 'call.ended']);
  });

  it('a worker process killed mid-delivery loses nothing: its delivery is sent again under the same webhook-id, and the call stays in order', async () => {
    let release: (() => void) | null = null;
    receiver.route('/crash', (r) => {
      const { type, data } = bodyOf(r.body);
      if (data.callId === 'crash-0' && type === 'call.answered' && release === null) {
        return new Promise((resolve) => (release = () => resolve({ status: 200 })));
      }
      return { status: 200 };
    });
    const queueName = `q${randomBytes(4).toString('hex')}`;
    // This process only records; the worker runs in a child that is killed.
    const recorder = await harness('/crash', queueName, { runWorker: false });
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/helpers/webhook-worker-process.ts'], {
      env: {
        ...process.env,
        LEADLINE_TEST_WEBHOOK_WORKER: JSON.stringify({ schema: pg.schema, keyPrefix: redis.prefix, queueName, webhooks: [endpoint('/crash')], lockDurationMs: 1_000 }),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      child.once('exit', (code) => reject(new Error(`the worker process exited with ${code}`)));
    });

    for (let i = 0; i < 5; i += 1) raiseCall(recorder.events, `crash-${i}`);
    await waitFor('the held delivery', () => release !== null);
    await waitFor('the other calls', async () => (await delivered('crash')) === 13);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));

    // A new worker takes the dead one's job once its lock expires.
    await harness('/crash', queueName, { tuning: { stalledInterval: 300 } });
    await waitFor('all 15 delivered', async () => (await delivered('crash')) === 15, 10_000);
    const held = receiver.at('/crash').filter((r) => bodyOf(r.body).data.callId === 'crash-0');
    expect(held.map((r) => bodyOf(r.body).type)).toEqual(['call.started', 'call.answered', 'call.answered', 'call.ended']);
    expect(held[2]!.headers['webhook-id']).toBe(held[1]!.headers['webhook-id']);
    for (let i = 0; i < 5; i += 1) expect(keptOrder(receiver.at('/crash'), `crash-${i}`)).toEqual(['call.started', 'call.answered', 'call.ended']);
    expect(new Set(receiver.at('/crash').map((r) => r.headers['webhook-id'])).size).toBe(15);
  });

  it('queues on start what was logged but never queued (a crash between the two writes)', async () => {
    const envelope = { type: 'call.missed', timestamp: new Date().toISOString(), data: { callId: 'orphan-1', scenario: 'main' } };
    await pg.db.insertInto('webhook_deliveries')
      .values({ id: 'msg_ORPHAN0000000000000000001', endpoint: 'orphan', event: 'call.missed', call_id: 'orphan-1', payload: JSON.stringify(envelope) })
      .execute();
    await harness('/orphan', `q${randomBytes(4).toString('hex')}`);
    await waitFor('the orphan delivered', async () => (await delivered('orphan')) === 1);
    expect(receiver.at('/orphan').map((r) => r.headers['webhook-id'])).toEqual(['msg_ORPHAN0000000000000000001']);
    expect(JSON.parse(receiver.at('/orphan')[0]!.body)).toEqual(envelope);
  });
});
