import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/adapters/http/app.js';
import { InMemoryCallStore } from '../../../src/adapters/postgres/in-memory-call-store.js';
import { NotFoundError } from '../../../src/core/errors/app-error.js';
import type { DeliveryQuery, DeliveryView, EndpointView, WebhookAdmin } from '../../../src/core/webhooks/webhook-admin.port.js';
import { DeliveryNotReplayableError } from '../../../src/core/webhooks/webhook-errors.js';
import { ANNA_TOKEN, SUPERVISOR_TOKEN, auth, bearer, testConfig } from '../../helpers/http-app.js';

const delivery = (id: string, status: DeliveryView['status']): DeliveryView => ({
  id, endpoint: 'crm', event: 'call.ended', callId: 'c1', status, attempts: 9, lastStatusCode: 502, lastError: 'HTTP 502',
  nextAttemptAt: null, createdAt: '2026-03-02T09:00:00.000Z', deliveredAt: null, payload: { type: 'call.ended', timestamp: '2026-03-02T09:00:00.000Z', data: { callId: 'c1' } },
});
const endpoint: EndpointView = {
  name: 'crm', kind: 'generic', url: 'https://hooks.example.com/x', events: ['*'], disabled: true, disabledAt: '2026-03-02T09:00:00.000Z',
  disabledReason: 'HTTP 410', pending: 0, failed: 2, dead: 1,
};

/** A WebhookAdmin over a few deliveries, remembering the queries it was asked. */
function fakeAdmin() {
  const queries: DeliveryQuery[] = [];
  const items = [delivery('msg_dead', 'dead'), delivery('msg_failed', 'failed'), delivery('msg_ok', 'delivered')];
  const admin: WebhookAdmin = {
    deliveries: async (q) => (queries.push(q), items.filter((d) => q.statuses.includes(d.status))),
    replay: async (id) => {
      const found = items.find((d) => d.id === id);
      if (!found) throw new NotFoundError(`Delivery ${id}`);
      if (found.status === 'delivered') throw new DeliveryNotReplayableError(`Delivery ${id} is delivered: only failed and dead deliveries are replayed.`);
      return { ...found, status: 'pending' };
    },
    endpoints: async () => [endpoint],
    enable: async (name) => {
      if (name !== 'crm') throw new NotFoundError(`Webhook endpoint ${name}`);
      return { ...endpoint, disabled: false, disabledAt: null, disabledReason: null };
    },
  };
  return { admin, queries };
}

describe('webhooks API', () => {
  let app: FastifyInstance;
  const { admin, queries } = fakeAdmin();
  beforeAll(async () => {
    app = buildApp({ config: testConfig(), callStore: new InMemoryCallStore(), health: [], webhooks: admin });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
  });

  it('lists failed and dead deliveries by default, with their payload and the webhook-id', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/webhooks/deliveries?endpoint=crm&limit=5', headers: auth });
    expect(res.statusCode).toBe(200);
    expect(res.json().items.map((d: DeliveryView) => d.id)).toEqual(['msg_dead', 'msg_failed']);
    expect(res.json().items[0].payload).toEqual({ type: 'call.ended', timestamp: '2026-03-02T09:00:00.000Z', data: { callId: 'c1' } });
    expect(queries.at(-1)).toEqual({ statuses: ['failed', 'dead'], endpoint: 'crm', limit: 5 });
    const delivered = await app.inject({ method: 'GET', url: '/api/webhooks/deliveries?status=delivered', headers: auth });
    expect(delivered.json().items.map((d: DeliveryView) => d.id)).toEqual(['msg_ok']);
    expect((await app.inject({ method: 'GET', url: '/api/webhooks/deliveries?status=lost', headers: auth })).statusCode).toBe(400);
  });

  it('replays a dead delivery; 404 for an unknown one, 409 for a delivered one', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/webhooks/deliveries/msg_dead/replay', headers: bearer(SUPERVISOR_TOKEN) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: 'msg_dead', status: 'pending' });
    expect((await app.inject({ method: 'POST', url: '/api/webhooks/deliveries/msg_nope/replay', headers: auth })).statusCode).toBe(404);
    const conflict = await app.inject({ method: 'POST', url: '/api/webhooks/deliveries/msg_ok/replay', headers: auth });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json().error.code).toBe('WEBHOOK.NOT_REPLAYABLE');
  });

  it('shows the endpoints with their disabled state, and enables one', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/webhooks/endpoints', headers: auth })).json()).toEqual({ endpoints: [endpoint] });
    const res = await app.inject({ method: 'POST', url: '/api/webhooks/endpoints/crm/enable', headers: auth });
    expect(res.json()).toMatchObject({ name: 'crm', disabled: false, disabledAt: null });
    expect((await app.inject({ method: 'POST', url: '/api/webhooks/endpoints/other/enable', headers: auth })).statusCode).toBe(404);
  });

  it('is closed to manager tokens and to requests without a token', async () => {
    for (const [method, url] of [['GET', '/api/webhooks/deliveries'], ['POST', '/api/webhooks/deliveries/msg_dead/replay'], ['GET', '/api/webhooks/endpoints'], ['POST', '/api/webhooks/endpoints/crm/enable']] as const) {
      const res = await app.inject({ method, url, headers: bearer(ANNA_TOKEN) });
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json().error.message).toMatch(/needs an admin or supervisor token/);
      expect((await app.inject({ method, url })).statusCode).toBe(401);
    }
  });

  it('does not exist without webhook delivery', async () => {
    const bare = buildApp({ config: testConfig(), callStore: new InMemoryCallStore(), health: [] });
    expect((await bare.inject({ method: 'GET', url: '/api/webhooks/endpoints', headers: auth })).statusCode).toBe(404);
    await bare.close();
  });
});
