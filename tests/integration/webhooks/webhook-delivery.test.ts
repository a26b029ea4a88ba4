import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSchema, type TestSchema } from '../../helpers/postgres-schema.js';
import { useTestRedis } from '../../helpers/test-redis.js';
import { bodyOf, raiseCall, startHarness, TEST_SIGNING_SECRET, type Harness } from '../../helpers/webhook-harness.js';
import { waitFor, WebhookReceiver } from '../../helpers/webhook-receiver.js';

const redis = useTestRedis();
let pg: TestSchema;
const receiver = new WebhookReceiver();
const running: Harness[] = [];

beforeAll(async () => {
  pg = await createTestSchema();
  await receiver.start();
});
afterAll(async () => {
  for (const h of running) await h.stop();
  await receiver.stop();
  await pg?.drop();
});

/** A generic endpoint on its own receiver path, with a short schedule. */
async function deliverTo(path: string, schedule: number[], extra: Record<string, unknown> = {}, url = receiver.url(path)): Promise<Harness> {
  const harness = await startHarness({
    db: pg.db,
    keyPrefix: redis.prefix,
    webhooks: [{ name: path.slice(1), kind: 'generic', url, secret: TEST_SIGNING_SECRET, retry: { schedule }, ...extra }],
  });
  running.push(harness);
  return harness;
}

const rowsOf = (endpoint: string) => pg.db.selectFrom('webhook_deliveries').selectAll().where('endpoint', '=', endpoint).orderBy('seq').execute();

describe('webhook delivery (Redis, PostgreSQL, a local receiver)', () => {
  it('retries a 500 and delivers on the second attempt with the same webhook-id, signed so the standardwebhooks library verifies it', async () => {
    receiver.route('/retry500', (_r, n) => ({ status: n === 1 ? 500 : 200 }));
    const { events } = await deliverTo('/retry500', [0.1, 0.2]);
    events.emit('call.missed', { callId: 'c500', scenario: 'main', callerNumber: '+79160000000', companyNumber: '+74950000000', reason: 'closed', callbackManager: null, at: new Date().toISOString() });

    await waitFor('the second attempt', () => receiver.at('/retry500').length === 2);
    const [first, second] = receiver.at('/retry500');
    expect(second!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
    expect(second!.body).toBe(first!.body);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(90);
    expect(new Webhook(TEST_SIGNING_SECRET).verify(second!.body, second!.headers)).toMatchObject({ type: 'call.missed', data: { callId: 'c500' } });
    await waitFor('the log to say delivered', async () => (await rowsOf('retry500'))[0]?.status === 'delivered');
    expect(await rowsOf('retry500')).toMatchObject([{ id: first!.headers['webhook-id'], status: 'delivered', attempts: 2, last_status_code: 200 }]);
  });

  it('disables the endpoint on 410: nothing more is sent, later deliveries fail with the reason; enable and replay deliver', async () => {
    let gone = true;
    receiver.route('/gone', () => ({ status: gone ? 410 : 200 }));
    const { events, delivery } = await deliverTo('/gone', [0.1]);
    raiseCall(events, 'c410');

    await waitFor('the line to settle', async () => {
      const rows = await rowsOf('gone');
      return rows.length === 3 && rows.every((r) => r.status === 'failed');
    });
    expect(receiver.at('/gone')).toHaveLength(1);
    const rows = await rowsOf('gone');
    expect(rows.map((r) => r.last_error)).toEqual([
      'HTTP 410: the receiver says the endpoint is gone',
      expect.stringMatching(/^endpoint disabled since .*HTTP 410.*: enable it, then replay$/),
      expect.stringMatching(/^endpoint disabled since/),
    ]);
    const [view] = await delivery.outbox.endpoints();
    expect(view).toMatchObject({ name: 'gone', disabled: true, failed: 3 });
    await expect(delivery.outbox.replay(rows[0]!.id)).rejects.toThrow(/is disabled: enable it first/);

    gone = false;
    expect(await delivery.outbox.enable('gone')).toMatchObject({ disabled: false, disabledAt: null });
    for (const r of rows) await delivery.outbox.replay(r.id);
    await waitFor('the replays', () => receiver.at('/gone').length === 4);
    await waitFor('the log', async () => (await rowsOf('gone')).every((r) => r.status === 'delivered'));
    expect(new Set(receiver.at('/gone').slice(1).map((r) => r.headers['webhook-id']))).toEqual(new Set(rows.map((r) => r.id)));
  });

  it('honours Retry-After on 429 (seconds) and 503 (HTTP-date) over a shorter schedule', async () => {
    receiver.route('/limited', (_r, n) => {
      if (n === 1) return { status: 429, headers: { 'retry-after': '1' } };
      if (n === 2) return { status: 503, headers: { 'retry-after': new Date(Date.now() + 2_000).toUTCString() } };
      return { status: 200 };
    });
    const { events } = await deliverTo('/limited', [0.05, 0.05, 0.05]);
    events.emit('manager.auto_paused', { extension: '101', reason: 'no-answer', consecutiveMisses: 3, consecutiveDeclines: 0, callId: 'c429', at: new Date().toISOString() });

    await waitFor('three attempts', () => receiver.at('/limited').length === 3, 8_000);
    const [a, b, c] = receiver.at('/limited');
    expect(b!.at - a!.at).toBeGreaterThanOrEqual(1_000);
    // An HTTP-date has whole seconds: the wait is at least the second that remained.
    expect(c!.at - b!.at).toBeGreaterThanOrEqual(1_000);
    const [row] = await rowsOf('limited');
    await waitFor('delivered', async () => (await rowsOf('limited'))[0]?.status === 'delivered');
    expect(row!.attempts).toBeGreaterThanOrEqual(2);
  });

  it('keeps retrying while the receiver is down, then delivers everything once it is back', async () => {
    const down = new WebhookReceiver();
    await down.start();
    const port = down.port;
    await down.stop();
    const { events } = await deliverTo('/down', [0.2, 0.3, 0.5, 1, 1, 1, 1], {}, `http://127.0.0.1:${port}/down`);
    for (let i = 0; i < 10; i += 1) raiseCall(events, `down-${i}`);

    await waitFor('failed attempts to be logged', async () => (await rowsOf('down')).some((r) => r.attempts >= 2 && r.last_error?.includes('ECONNREFUSED')));
    await down.start(port);
    try {
      await waitFor('all 30 deliveries', async () => (await rowsOf('down')).filter((r) => r.status === 'delivered').length === 30, 10_000);
      const ids = new Set(down.at('/down').map((r) => r.headers['webhook-id']));
      expect(ids.size).toBe(30);
      for (let i = 0; i < 10; i += 1) {
        const types = down.at('/down').map((r) => bodyOf(r.body)).filter((b) => b.data.callId === `down-${i}`).map((b) => b.type);
        expect(types).toEqual(['call.started', 'call.answered', 'call.ended']);
      }
    } finally {
      await down.stop();
    }
  });

  it('puts a delivery whose every attempt failed on the dead-letter list; a replay delivers it with the same webhook-id', async () => {
    let healthy = false;
    receiver.route('/dead', () => ({ status: healthy ? 200 : 502 }));
    const { events, delivery } = await deliverTo('/dead', [0.05, 0.05]);
    events.emit('call.missed', { callId: 'cdead', scenario: 'main', callerNumber: '+79160000001', companyNumber: '+74950000000', reason: 'closed', callbackManager: null, at: new Date().toISOString() });

    await waitFor('dead', async () => (await rowsOf('dead'))[0]?.status === 'dead');
    expect(receiver.at('/dead')).toHaveLength(3);
    const [dead] = await delivery.outbox.deliveries({ statuses: ['dead'], endpoint: 'dead', limit: 10 });
    expect(dead).toMatchObject({ status: 'dead', attempts: 3, lastStatusCode: 502, lastError: 'HTTP 502 (after 3 attempts)', payload: { type: 'call.missed' } });

    healthy = true;
    await expect(delivery.outbox.replay(dead!.id)).resolves.toMatchObject({ status: 'pending' });
    await expect(delivery.outbox.replay(dead!.id)).rejects.toThrow(/only failed and dead deliveries are replayed/);
    await waitFor('the replay', () => receiver.at('/dead').length === 4);
    expect(receiver.at('/dead')[3]!.headers['webhook-id']).toBe(dead!.id);
    await waitFor('delivered', async () => (await rowsOf('dead'))[0]?.status === 'delivered');
    expect((await rowsOf('dead'))[0]!.attempts).toBe(4);
  });

  it('keeps each call in order (started, answered, ended) even when an earlier delivery is retried', async () => {
    const firstTry = new Set<string>();
    receiver.route('/order', (r) => {
      const { type, data } = bodyOf(r.body);
      // Every call.started fails once, and call.ended answers slowly: later events must wait for both.
      if (type === 'call.started' && !firstTry.has(data.callId!)) {
        firstTry.add(data.callId!);
        return { status: 500 };
      }
      return type === 'call.ended' ? new Promise((resolve) => setTimeout(() => resolve({ status: 200 }), 30)) : { status: 200 };
    });
    const { events } = await deliverTo('/order', [0.1, 0.1, 0.1]);
    const calls = Array.from({ length: 8 }, (_, i) => `order-${i}`);
    for (const c of calls) raiseCall(events, c);

    await waitFor('24 deliveries', async () => (await rowsOf('order')).filter((r) => r.status === 'delivered').length === 24);
    for (const c of calls) {
      const seen = receiver.at('/order').map((r) => bodyOf(r.body)).filter((b) => b.data.callId === c).map((b) => b.type);
      expect(seen).toEqual(['call.started', 'call.started', 'call.answered', 'call.ended']);
    }
  });
});
