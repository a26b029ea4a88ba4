import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { MemoryDeliveryLog } from '../../../src/adapters/memory/memory-delivery-log.js';
import { crmSchema } from '../../../src/config/crm-config-schema.js';
import type { WebhookEndpoint } from '../../../src/core/webhooks/webhook-endpoint.js';
import type { WebhookEnvelope } from '../../../src/core/webhooks/webhook-event.js';
import { attemptDelivery, type AttemptDeps } from '../../../src/services/webhooks/delivery-attempt.js';
import type { HttpAnswer, LineHead } from '../../../src/services/webhooks/delivery-log.port.js';
import { WebhookOutbox } from '../../../src/services/webhooks/webhook-outbox.js';

const T0 = Date.UTC(2026, 2, 4, 9, 0, 0);
const crm = crmSchema.parse({ webhooks: [{ name: 'crm', kind: 'generic', url: 'https://crm.example.com/hook', secret: 'whsec_' + Buffer.from('0123456789abcdef0123456789abcdef').toString('base64'), retry: { schedule: [1, 5] } }] });
const endpoints = crm.webhooks as WebhookEndpoint[];

class QueueFake {
  readonly added: LineHead[] = [];
  /** Queued at least once, in the order first queued (a job id is queued once, as in BullMQ). */
  get ids(): string[] {
    return [...new Set(this.added.map((h) => h.id))];
  }
  async add(heads: readonly LineHead[]) {
    this.added.push(...heads);
  }
}

const envelope = (type: string, callId: string): WebhookEnvelope => ({ type, timestamp: new Date(T0).toISOString(), data: { callId } }) as WebhookEnvelope;

function setUp(answer: (n: number) => HttpAnswer | Error) {
  const log = new MemoryDeliveryLog(() => T0);
  const queue = new QueueFake();
  const outbox = new WebhookOutbox(log, queue, endpoints, () => T0);
  let sent = 0;
  const deps: AttemptDeps = {
    log,
    endpoints: new Map(endpoints.map((e) => [e.name, e])),
    delivery: crm.delivery,
    send: async () => {
      const a = answer(sent++);
      if (a instanceof Error) throw a;
      return a;
    },
    advance: (endpoint, callId) => outbox.advance(endpoint, callId),
    logger: pino({ level: 'silent' }),
    clock: () => T0,
    random: () => 0,
  };
  return { log, queue, outbox, deps, sent: () => sent };
}

describe('webhook outbox and delivery attempts (in-memory log)', () => {
  it('queues only the head of a call\'s line; settling it queues the next one', async () => {
    const { queue, outbox, deps } = setUp(() => ({ status: 200, retryAfter: null, body: '' }));
    const [started] = await outbox.record(envelope('call.started', 'c1'), ['crm']);
    const [ended] = await outbox.record(envelope('call.ended', 'c1'), ['crm']);
    expect(queue.ids).toEqual([started]);
    expect(await attemptDelivery(deps, started!, 0)).toEqual({ kind: 'delivered' });
    expect(queue.ids).toEqual([started, ended]);
  });

  it('an event behind a pending one queues nothing; the one ahead is not queued twice', async () => {
    const { queue, outbox, deps } = setUp(() => ({ status: 200, retryAfter: null, body: '' }));
    const [started] = await outbox.record(envelope('call.started', 'c1'), ['crm']);
    const [answered] = await outbox.record(envelope('call.answered', 'c1'), ['crm']);
    const [ended] = await outbox.record(envelope('call.ended', 'c1'), ['crm']);
    expect(queue.added.map((h) => h.id)).toEqual([started]);
    expect(await attemptDelivery(deps, started!, 0)).toEqual({ kind: 'delivered' });
    expect(await attemptDelivery(deps, answered!, 0)).toEqual({ kind: 'delivered' });
    expect(queue.added.map((h) => h.id)).toEqual([started, answered, ended]);
  });

  it('an event written while the one ahead settles is queued by its writer when the advance came too early to see it', async () => {
    const { log, queue, outbox, deps } = setUp(() => ({ status: 200, retryAfter: null, body: '' }));
    const [started] = await outbox.record(envelope('call.started', 'c1'), ['crm']);
    // The worker settles call.started between the insert of call.ended (blocked behind it)
    // and its writer's second look at the line; its advance ran before and found nothing.
    const head = log.head.bind(log);
    let settledInBetween = false;
    log.head = async (endpoint, callId) => {
      if (!settledInBetween) {
        settledInBetween = true;
        expect(await attemptDelivery({ ...deps, advance: async () => undefined }, started!, 0)).toEqual({ kind: 'delivered' });
      }
      return head(endpoint, callId);
    };
    const [ended] = await outbox.record(envelope('call.ended', 'c1'), ['crm']);
    expect(settledInBetween).toBe(true);
    expect(queue.added.map((h) => h.id)).toEqual([started, ended]);
  });

  it('a network error is retried on the endpoint\'s schedule and keeps the line waiting; out of attempts it is dead and can be replayed', async () => {
    const { log, queue, outbox, deps } = setUp(() => new Error('socket hang up'));
    const [id] = await outbox.record(envelope('call.started', 'c2'), ['crm']);
    const [next] = await outbox.record(envelope('call.ended', 'c2'), ['crm']);
    expect(await attemptDelivery(deps, id!, 0)).toMatchObject({ kind: 'retry', error: 'socket hang up' });
    expect(queue.ids).toEqual([id]);
    expect(await attemptDelivery(deps, id!, 2)).toMatchObject({ kind: 'dead' });
    expect((await log.get(id!))!.attempts).toBe(2);
    // The line goes on without the dead delivery.
    expect(queue.ids).toEqual([id, next]);
    expect(await outbox.replay(id!)).toMatchObject({ id, status: 'pending' });
    expect(queue.added.at(-1)).toEqual({ id, endpoint: 'crm' });
  });

  it('a replay whose add met the finishing job\'s id is queued again once that job is gone; a settled delivery is not', async () => {
    const { queue, outbox, deps } = setUp(() => new Error('socket hang up'));
    const [id] = await outbox.record(envelope('call.started', 'c5'), ['crm']);
    expect(await attemptDelivery(deps, id!, 2)).toMatchObject({ kind: 'dead' });
    const before = queue.added.length;
    await outbox.requeueIfReopened(id!);
    expect(queue.added).toHaveLength(before);
    await outbox.replay(id!);
    queue.added.pop(); // the add BullMQ ignored while the old job still held the id
    await outbox.requeueIfReopened(id!);
    expect(queue.added.at(-1)).toEqual({ id, endpoint: 'crm' });
  });

  it('a 410 disables the endpoint: later deliveries fail without a request until it is enabled', async () => {
    const { outbox, deps, sent } = setUp(() => ({ status: 410, retryAfter: null, body: '' }));
    const [first] = await outbox.record(envelope('call.started', 'c3'), ['crm']);
    const [second] = await outbox.record(envelope('call.started', 'c4'), ['crm']);
    expect(await attemptDelivery(deps, first!, 0)).toMatchObject({ kind: 'failed' });
    expect(await attemptDelivery(deps, second!, 0)).toMatchObject({ kind: 'failed' });
    expect(sent()).toBe(1);
    expect((await outbox.endpoints())[0]).toMatchObject({ name: 'crm', disabled: true, failed: 2 });
    expect(await outbox.enable('crm')).toMatchObject({ disabled: false });
  });
});
