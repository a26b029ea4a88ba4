import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/adapters/http/app.js';
import { callBrowserRoutes } from '../../../src/adapters/http/routes/call-browser.js';
import { MemoryLeadStore } from '../../../src/adapters/memory/memory-lead-store.js';
import { InMemoryCallStore } from '../../../src/adapters/postgres/in-memory-call-store.js';
import type { CallFilter } from '../../../src/core/calls/call-store.port.js';
import { CallBrowser } from '../../../src/services/call-browser.js';
import { makeCall } from '../../helpers/call-records.js';
import { ANNA_TOKEN, BORIS_TOKEN, SUPERVISOR_TOKEN, bearer, testConfig } from '../../helpers/http-app.js';
import { makeNewLead } from '../../helpers/leads.js';

/** GET /api/call-browser on the real app (auth, errors, schemas) over in-memory stores. */
describe('GET /api/call-browser', () => {
  let app: FastifyInstance;
  /** The filters the browser was asked for, to see what the route made of a query. */
  const asked: CallFilter[] = [];
  const t = (min: number) => new Date(Date.UTC(2026, 2, 5, 9, min));

  beforeAll(async () => {
    const callStore = new InMemoryCallStore();
    const leads = new MemoryLeadStore();
    await callStore.saveCalls([
      makeCall({ callId: 'anna-in', manager: '101', direction: 'inbound', callerNumber: '+79161234567', calleeNumber: '+74951234567', startedAt: t(0) }),
      makeCall({ callId: 'anna-out', manager: '101', direction: 'outbound', callerNumber: '101', calleeNumber: '89167654321', startedAt: t(10) }),
      makeCall({ callId: 'boris-in', manager: '102', direction: 'inbound', callerNumber: '+79161234567', calleeNumber: '+74951234567', startedAt: t(20) }),
      makeCall({ callId: 'internal', manager: '102', direction: 'internal', callerNumber: '101', calleeNumber: '102', startedAt: t(30) }),
    ]);
    await leads.upsert(makeNewLead({ id: 'L-1', phone: '+79161234567' }));
    const browser = new CallBrowser({
      callStore,
      leads,
      recordings: { loadMany: async (ids) => new Map(ids.filter((id) => id === 'anna-in').map((id) => [id, storedRecording(id)])) },
      leadUrlTemplate: 'https://crm.example.com/crm/lead/details/{id}/',
      defaultRegion: 'RU',
    });
    app = buildApp({ config: testConfig(), callStore, health: [] });
    app.register(callBrowserRoutes, {
      reportsPerMinute: 1000,
      browser: {
        list: (filter, page) => {
          asked.push(filter);
          return browser.list(filter, page);
        },
      },
    });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
  });

  const get = (token: string, query = '') => app.inject({ method: 'GET', url: `/api/call-browser${query}`, headers: bearer(token) });
  const ids = (res: { json(): { items: { callId: string }[] } }) => res.json().items.map((c) => c.callId);

  it('lists every call for a supervisor, each with its client number, recording and lead', async () => {
    const res = await get(SUPERVISOR_TOKEN);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ total: 4, limit: 50, offset: 0 });
    expect(ids(res)).toEqual(['internal', 'boris-in', 'anna-out', 'anna-in']);
    const annaIn = body.items[3];
    expect(annaIn).toMatchObject({
      callId: 'anna-in',
      callerNumber: '+79161234567',
      startedAt: t(0).toISOString(),
      clientNumber: '+79161234567',
      recording: { status: 'stored', format: 'mp3', durationSeconds: 42 },
      lead: { id: 'L-1', url: 'https://crm.example.com/crm/lead/details/L-1/' },
    });
    expect(annaIn.attempts).toHaveLength(1);
    expect(body.items[0]).toMatchObject({ callId: 'internal', clientNumber: null, recording: null, lead: null });
    expect(body.items[2]).toMatchObject({ callId: 'anna-out', clientNumber: '89167654321', recording: null, lead: null });
  });

  it("lists only a manager token's own calls, and answers 403 for another manager's", async () => {
    const anna = await get(ANNA_TOKEN);
    expect(ids(anna)).toEqual(['anna-out', 'anna-in']);
    expect(anna.json().total).toBe(2);
    expect(ids(await get(ANNA_TOKEN, '?manager=101'))).toEqual(['anna-out', 'anna-in']);
    expect(ids(await get(BORIS_TOKEN))).toEqual(['internal', 'boris-in']);

    const other = await get(ANNA_TOKEN, '?manager=102');
    expect(other.statusCode).toBe(403);
    expect(other.json().error).toEqual({
      code: 'AUTH.FORBIDDEN',
      message: 'Token "anna-phone" belongs to manager 101 and may list only his calls, not manager 102\'s.',
    });
  });

  it('filters by the digits of a number, whatever its formatting, within the manager scope', async () => {
    expect(ids(await get(SUPERVISOR_TOKEN, `?number=${encodeURIComponent('+7 (916) 123-45')}`))).toEqual(['boris-in', 'anna-in']);
    expect(asked.at(-1)).toMatchObject({ number: '791612345' });
    expect(ids(await get(SUPERVISOR_TOKEN, '?number=7654321'))).toEqual(['anna-out']);
    expect(ids(await get(ANNA_TOKEN, '?number=79161234567'))).toEqual(['anna-in']);
    expect(ids(await get(SUPERVISOR_TOKEN, '?number=916&direction=outbound'))).toEqual(['anna-out']);
  });

  it('passes the other filters and the page through', async () => {
    const res = await get(SUPERVISOR_TOKEN, `?from=${t(10).toISOString()}&to=${t(30).toISOString()}&disposition=answered&limit=1&offset=1`);
    expect(ids(res)).toEqual(['anna-out']);
    expect(res.json()).toMatchObject({ total: 2, limit: 1, offset: 1 });
    expect(asked.at(-1)).toEqual({ manager: undefined, from: t(10), to: t(30), direction: undefined, disposition: 'answered', number: undefined });
  });

  it.each([
    ['number=abc', /number must contain at least one digit/],
    ['number=', /number must contain at least one digit/],
    [`number=${encodeURIComponent('+() -')}`, /number must contain at least one digit/],
    [`number=${'1'.repeat(33)}`, /number/],
    ['direction=sideways', /direction/],
    ['limit=501', /limit/],
    [`from=${t(10).toISOString()}&to=${t(10).toISOString()}`, /earlier/],
  ])('rejects ?%s with 400 REQUEST.INVALID', async (query, mentions) => {
    const before = asked.length;
    const res = await get(SUPERVISOR_TOKEN, `?${query}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('REQUEST.INVALID');
    expect(res.json().error.message).toMatch(mentions);
    expect(asked.length).toBe(before);
  });

  it('documents the route, its query and the BrowsedCall schema in /docs/json', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
    const params = doc.paths['/api/call-browser'].get.parameters.map((p: { name: string }) => p.name);
    expect(params).toEqual(expect.arrayContaining(['from', 'to', 'manager', 'direction', 'disposition', 'number', 'limit', 'offset']));
    expect(Object.keys(doc.components.schemas.BrowsedCall.properties)).toEqual(expect.arrayContaining(['callId', 'clientNumber', 'recording', 'lead']));
    // The shared query gained `number` on GET /api/calls too.
    expect(doc.paths['/api/calls'].get.parameters.map((p: { name: string }) => p.name)).toContain('number');
  });

  it('answers 401 without a token', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/call-browser' });
    expect(res.statusCode).toBe(401);
  });
});

function storedRecording(callId: string) {
  const at = new Date(Date.UTC(2026, 2, 5, 9, 0));
  return {
    callId,
    status: 'stored' as const,
    format: 'mp3' as const,
    storageKey: `k/${callId}`,
    bytes: 1000,
    checksum: null,
    durationSeconds: 42,
    manager: '101',
    callerNumber: '+79161234567',
    calleeNumber: '+74951234567',
    direction: 'inbound' as const,
    startedAt: at,
    attempts: 1,
    lastError: null,
    createdAt: at,
    storedAt: at,
    deletedAt: null,
  };
}
