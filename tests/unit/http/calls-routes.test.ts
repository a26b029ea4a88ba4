import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallStore } from '../../../src/core/calls/call-store.port.js';
import { makeAttempt, makeCall } from '../../helpers/call-records.js';
import { auth, buildTestApp } from '../../helpers/http-app.js';

describe('GET /api/calls', () => {
  let app: FastifyInstance;
  let store: CallStore;
  const t = (min: number) => new Date(Date.UTC(2025, 6, 1, 8, min));

  beforeAll(async () => {
    ({ app, callStore: store } = await buildTestApp());
    await store.saveCalls([
      makeCall({ callId: 'a', manager: '101', direction: 'inbound', disposition: 'answered', startedAt: t(0) }),
      makeCall({ callId: 'b', manager: '102', direction: 'outbound', disposition: 'busy', startedAt: t(10), answeredAt: null }),
      makeCall({ callId: 'c', manager: '101', direction: 'inbound', disposition: 'no-answer', startedAt: t(20), answeredAt: null }),
      makeCall({ callId: 'd', manager: '101', direction: 'outbound', disposition: 'answered', startedAt: t(30) }),
    ]);
  });
  afterAll(async () => {
    await app.close();
  });

  const list = async (query: string) => app.inject({ method: 'GET', url: `/api/calls${query}`, headers: auth });
  const ids = (res: { json(): { items: { callId: string }[] } }) => res.json().items.map((c) => c.callId);

  it('lists newest first with total, limit and offset', async () => {
    const res = await list('');
    expect(res.statusCode).toBe(200);
    expect(ids(res)).toEqual(['d', 'c', 'b', 'a']);
    expect(res.json()).toMatchObject({ total: 4, limit: 50, offset: 0 });
  });

  it('passes every filter through to the store', async () => {
    expect(ids(await list('?manager=101'))).toEqual(['d', 'c', 'a']);
    expect(ids(await list('?direction=outbound'))).toEqual(['d', 'b']);
    expect(ids(await list('?disposition=answered&manager=101'))).toEqual(['d', 'a']);
    expect(ids(await list(`?from=${t(10).toISOString()}&to=${t(30).toISOString()}`))).toEqual(['c', 'b']);
    const none = await list('?manager=999');
    expect(none.json()).toMatchObject({ items: [], total: 0 });
  });

  it('pages with limit and offset', async () => {
    const res = await list('?limit=2&offset=1');
    expect(ids(res)).toEqual(['c', 'b']);
    expect(res.json()).toMatchObject({ total: 4, limit: 2, offset: 1 });
  });

  it('sends dates as ISO strings and keeps attempts', async () => {
    const res = await list('?limit=1&offset=3');
    const [call] = res.json().items;
    expect(call.startedAt).toBe(t(0).toISOString());
    expect(typeof call.answeredAt).toBe('string');
    expect(call.attempts[0].startedAt).toMatch(/^\d{4}-\d{2}-\d{2}T.*Z$/);
  });

  it.each([
    ['direction=sideways', /direction/],
    ['disposition=lost', /disposition/],
    ['limit=100000', /limit/],
    ['limit=0', /limit/],
    ['offset=-1', /offset/],
    ['limit=ten', /limit/],
    ['from=yesterday', /from/],
    ['number=abc', /number must contain at least one digit/],
    ['number=', /number must contain at least one digit/],
    [`number=${'1'.repeat(33)}`, /number/],
    [`from=${new Date(Date.UTC(2025, 1, 2)).toISOString()}&to=${new Date(Date.UTC(2025, 1, 1)).toISOString()}`, /earlier/],
  ])('rejects ?%s with 400 REQUEST.INVALID', async (query, mentions) => {
    const res = await list(`?${query}`);
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error.code).toBe('REQUEST.INVALID');
    expect(body.error.message).toMatch(mentions);
  });
});

describe('GET /api/calls?number=', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    let store: CallStore;
    ({ app, callStore: store } = await buildTestApp());
    await store.saveCalls([
      makeCall({ callId: 'in', direction: 'inbound', callerNumber: '8 (916) 555-00-11', calleeNumber: '+74951234567', manager: '101' }),
      makeCall({ callId: 'out', direction: 'outbound', callerNumber: '102', calleeNumber: '+79167770000', manager: '102' }),
    ]);
  });
  afterAll(async () => {
    await app.close();
  });

  const ids = async (number: string, extra = '') =>
    (await app.inject({ method: 'GET', url: `/api/calls?number=${encodeURIComponent(number)}${extra}`, headers: auth })).json().items.map((c: { callId: string }) => c.callId);

  it("finds calls by digits either party's number contains, only digits compared", async () => {
    expect(await ids('916 555-00')).toEqual(['in']);
    // The stored "8 (916)..." holds no "7916".
    expect(await ids('+7 916 555')).toEqual([]);
    expect(await ids('(916)').then((x: string[]) => x.sort())).toEqual(['in', 'out']);
    expect(await ids('102')).toEqual(['out']);
    expect(await ids('916', '&manager=101')).toEqual(['in']);
  });
});

describe('GET /api/calls/:id', () => {
  let app: FastifyInstance;
  let store: CallStore;
  beforeAll(async () => {
    ({ app, callStore: store } = await buildTestApp());
  });
  afterAll(async () => {
    await app.close();
  });

  it('returns the call with its attempts in ring order', async () => {
    const call = makeCall({
      callId: 'abc123@10.0.0.1',
      attempts: [makeAttempt({ manager: '102', result: 'busy' }), makeAttempt({ manager: '101', result: 'answered', sipCode: 200 })],
    });
    await store.saveCalls([call]);
    const res = await app.inject({ method: 'GET', url: `/api/calls/${encodeURIComponent(call.callId)}`, headers: auth });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.callId).toBe(call.callId);
    expect(body.attempts.map((a: { manager: string }) => a.manager)).toEqual(['102', '101']);
    expect(body.endedAt).toBe(call.endedAt.toISOString());
  });

  it('answers 404 NOT_FOUND for an unknown call', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/calls/nope', headers: auth });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'Call nope was not found' } });
  });
});

describe('errors from the store', () => {
  it('answer 500 INTERNAL without the underlying message', async () => {
    const broken: CallStore = {
      saveCalls: async () => undefined,
      getCall: async () => {
        throw new Error('password authentication failed for user "postgres" at 10.0.0.5');
      },
      listCalls: async () => ({ items: [], total: 0 }),
      hasCall: async () => false,
    };
    const { app } = await buildTestApp({ callStore: broken });
    const res = await app.inject({ method: 'GET', url: '/api/calls/x', headers: auth });
    await app.close();
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { code: 'INTERNAL', message: 'Internal server error' } });
    expect(res.body).not.toMatch(/10\.0\.0\.5|password/);
  });
});
