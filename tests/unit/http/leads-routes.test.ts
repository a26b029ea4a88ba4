import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/adapters/http/app.js';
import { signCrmBody } from '../../../src/adapters/http/crm-signature.js';
import { MemoryLeadStore } from '../../../src/adapters/memory/memory-lead-store.js';
import { InMemoryCallStore } from '../../../src/adapters/postgres/in-memory-call-store.js';
import { DomainEvents } from '../../../src/services/domain-events.js';
import { LeadTracker } from '../../../src/services/lead-tracker.js';
import { ANNA_TOKEN, BORIS_TOKEN, SUPERVISOR_TOKEN, auth, bearer, testConfig } from '../../helpers/http-app.js';
import { LEAD_T0, at } from '../../helpers/leads.js';

const SECRET = 'crm-hmac-secret-0123456789abcdef0123';

/** The real app with the leads routes over a tracker on the memory store; the clock stands at `now` seconds after LEAD_T0. */
async function leadsApp(options: { secret?: string } = {}) {
  const config = testConfig();
  let now = LEAD_T0 + 3600 * 1000;
  const store = new MemoryLeadStore();
  const tracker = new LeadTracker({ store, events: new DomainEvents(), config, log: pino({ level: 'silent' }), clock: () => now });
  const app = buildApp({ config: { ...config, leads: { ...config.leads, secret: options.secret } }, callStore: new InMemoryCallStore(), health: [], leads: tracker });
  await app.ready();
  return { app, store, tracker, setNow: (seconds: number) => void (now = LEAD_T0 + seconds * 1000) };
}

const post = (app: FastifyInstance, body: unknown, headers: Record<string, string> = auth) =>
  app.inject({ method: 'POST', url: '/api/leads', headers, payload: body as object });

describe('POST /api/leads', () => {
  let app: FastifyInstance;
  beforeAll(async () => ({ app } = await leadsApp()));
  afterAll(() => app.close());

  it('stores a new lead with its phone in E.164 (201), and the same id again as an update (200)', async () => {
    const res = await post(app, { id: 'L1', phone: '8 (495) 123-45-67', createdAt: at(0).toISOString(), ownerManager: '101' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({
      id: 'L1', phone: '+74951234567', phoneRaw: '8 (495) 123-45-67', createdAt: at(0).toISOString(), receivedAt: at(3600).toISOString(),
      ownerManager: '101', scenario: null, slaMinutes: 15, slaDeadline: at(900).toISOString(),
      firstDial: null, firstConnected: null, firstInbound: null, slaBreachedAt: null, withinSla: false, reassignedFrom: null,
    });
    const again = await post(app, { id: 'L1', phone: '+7 495 1234567', ownerManager: '102', slaMinutes: 5 });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id: 'L1', ownerManager: '102', slaMinutes: 5, createdAt: at(0).toISOString(), phoneRaw: '+7 495 1234567' });
  });

  it('refuses a phone that is no number with 400 LEAD.INVALID_PHONE and a sentence', async () => {
    const res = await post(app, { id: 'bad', phone: '101' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toEqual({
      code: 'LEAD.INVALID_PHONE',
      message: 'body/phone "101" is not a valid phone number (read with the default region RU): send the client\'s full number, e.g. "+74951234567" or "8 (495) 123-45-67"',
    });
  });

  it.each([
    ['no phone', { id: 'x' }],
    ['an empty id', { id: '', phone: '+74951234567' }],
    ['a createdAt that is no date', { id: 'x', phone: '+74951234567', createdAt: 'yesterday' }],
    ['SLA minutes of 0', { id: 'x', phone: '+74951234567', slaMinutes: 0 }],
  ])('answers 400 REQUEST.INVALID for %s', async (_what, body) => {
    const res = await post(app, body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('REQUEST.INVALID');
  });

  it('answers 400 LEAD.UNKNOWN_MANAGER for an owner who is no manager', async () => {
    expect((await post(app, { id: 'x', phone: '+74951234567', ownerManager: '109' })).json().error.code).toBe('LEAD.UNKNOWN_MANAGER');
  });

  it('needs a token (401), of an admin or supervisor (403 for a manager)', async () => {
    expect((await post(app, { id: 'x', phone: '+74951234567' }, {})).statusCode).toBe(401);
    const manager = await post(app, { id: 'x', phone: '+74951234567' }, bearer(ANNA_TOKEN));
    expect(manager.statusCode).toBe(403);
    expect(manager.json().error.message).toBe('POST /api/leads needs an admin or supervisor token; token "anna-phone" has the role manager.');
    expect((await post(app, { id: 'sup', phone: '+74951234567' }, bearer(SUPERVISOR_TOKEN))).statusCode).toBe(201);
  });
});

describe('GET /api/leads and /api/leads/:id', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    let store;
    ({ app, store } = await leadsApp());
    const base = { phoneRaw: 'x', receivedAt: at(0), scenario: null, slaMinutes: 15 };
    await store.upsert({ ...base, id: 'anna-1', phone: '+79161110001', createdAt: at(0), ownerManager: '101' });
    await store.upsert({ ...base, id: 'boris-1', phone: '+79161110002', createdAt: at(60), ownerManager: '102' });
    await store.upsert({ ...base, id: 'anna-2', phone: '+79161110003', createdAt: at(120), ownerManager: '101' });
    await store.recordCall({ callId: 'c1', direction: 'outbound', clientPhone: '+79161110003', manager: '102', startedAt: at(150), answeredAt: at(155) });
    await store.markBreached(at(3600), at(3600));
  });
  afterAll(() => app.close());

  const list = (token: string, query = '') => app.inject({ method: 'GET', url: `/api/leads${query}`, headers: bearer(token) });
  const ids = (res: { json(): { items: { id: string }[] } }) => res.json().items.map((l) => l.id);

  it('lists leads newest first with their first-dial figures', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/leads', headers: auth });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ total: 3, limit: 50, offset: 0 });
    expect(ids(res)).toEqual(['anna-2', 'boris-1', 'anna-1']);
    expect(res.json().items[0]).toMatchObject({
      firstDial: { callId: 'c1', at: at(150).toISOString(), seconds: 30, manager: '102' },
      firstConnected: { callId: 'c1', at: at(155).toISOString(), seconds: 35 },
      firstInbound: null,
      withinSla: true,
      slaBreachedAt: null,
    });
    expect(res.json().items[1]).toMatchObject({ firstDial: null, withinSla: false, slaBreachedAt: at(3600).toISOString() });
  });

  it('filters by status, owner and period, and pages', async () => {
    expect(ids(await list(SUPERVISOR_TOKEN, '?status=undialled'))).toEqual(['boris-1', 'anna-1']);
    expect(ids(await list(SUPERVISOR_TOKEN, '?status=breached&manager=102'))).toEqual(['boris-1']);
    expect(ids(await list(SUPERVISOR_TOKEN, `?from=${at(60).toISOString()}&to=${at(120).toISOString()}`))).toEqual(['boris-1']);
    expect(ids(await list(SUPERVISOR_TOKEN, '?limit=1&offset=1'))).toEqual(['boris-1']);
    expect((await list(SUPERVISOR_TOKEN, `?from=${at(60).toISOString()}&to=${at(60).toISOString()}`)).statusCode).toBe(400);
    expect((await list(SUPERVISOR_TOKEN, '?status=lost')).statusCode).toBe(400);
  });

  it("shows a manager only the leads he owns; another manager's list is 403, another's lead 404", async () => {
    expect(ids(await list(ANNA_TOKEN))).toEqual(['anna-2', 'anna-1']);
    expect(ids(await list(BORIS_TOKEN, '?manager=102'))).toEqual(['boris-1']);
    const other = await list(ANNA_TOKEN, '?manager=102');
    expect(other.statusCode).toBe(403);
    expect(other.json().error.code).toBe('AUTH.FORBIDDEN');
    const one = (token: string, id: string) => app.inject({ method: 'GET', url: `/api/leads/${id}`, headers: bearer(token) });
    expect((await one(ANNA_TOKEN, 'anna-1')).json().id).toBe('anna-1');
    expect((await one(ANNA_TOKEN, 'boris-1')).json()).toEqual({ error: { code: 'NOT_FOUND', message: 'Lead boris-1 was not found' } });
    expect((await one(ANNA_TOKEN, 'nobody')).statusCode).toBe(404);
    expect((await one(SUPERVISOR_TOKEN, 'boris-1')).statusCode).toBe(200);
  });
});

describe('GET /api/leads/first-dial-stats', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    let store;
    ({ app, store } = await leadsApp());
    const base = { phoneRaw: 'x', receivedAt: at(0), scenario: null, slaMinutes: 15 };
    const dialAt = (phone: string, seconds: number) =>
      store.recordCall({ callId: `c-${phone}`, direction: 'outbound', clientPhone: phone, manager: '101', startedAt: at(seconds), answeredAt: null });
    await store.upsert({ ...base, id: 'a', phone: '+79161110001', createdAt: at(0), ownerManager: '101' });
    await store.upsert({ ...base, id: 'b', phone: '+79161110002', createdAt: at(0), ownerManager: '101' });
    await store.upsert({ ...base, id: 'c', phone: '+79161110003', createdAt: at(0), ownerManager: '101' });
    await store.upsert({ ...base, id: 'd', phone: '+79161110004', createdAt: at(0), ownerManager: '102' });
    await dialAt('+79161110001', 60);
    await dialAt('+79161110002', 1000);
  });
  afterAll(() => app.close());

  const stats = (token: string, query: string) => app.inject({ method: 'GET', url: `/api/leads/first-dial-stats${query}`, headers: bearer(token) });
  const day = `?from=${at(0).toISOString()}&to=${at(86_400).toISOString()}`;

  it('gives each owner leads, dialled, median, p90 and the share within the SLA', async () => {
    const res = await stats(SUPERVISOR_TOKEN, day);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      from: at(0).toISOString(),
      to: at(86_400).toISOString(),
      managers: [
        // 60 s and 1,000 s: median 530, p90 60 + 0.9 * 940 = 906; one of three within 15 minutes.
        { manager: '101', leads: 3, dialled: 2, pending: 0, withinSla: 1, medianSeconds: 530, p90Seconds: 906, shareWithinSla: 1 / 3 },
        { manager: '102', leads: 1, dialled: 0, pending: 0, withinSla: 0, medianSeconds: null, p90Seconds: null, shareWithinSla: 0 },
      ],
      slowest: expect.any(Array),
    });
  });

  it('lists the slowest leads, longest wait first, an undialled one by its wait so far, with the lead', async () => {
    const res = await stats(SUPERVISOR_TOKEN, `${day}&slowest=3`);
    const slowest = res.json().slowest as { lead: { id: string; ownerManager: string; firstDialSeconds: number | null }; waitSeconds: number }[];
    // c and d were never dialled: they have waited since at(0), far longer than b's 1,000 s; ties go to the smaller id.
    expect(slowest.map((s) => s.lead.id)).toEqual(['c', 'd', 'b']);
    expect(slowest[0]!.waitSeconds).toBeGreaterThan(1000);
    expect(slowest[2]).toMatchObject({ waitSeconds: 1000, lead: { id: 'b', ownerManager: '101' } });
    expect((await stats(SUPERVISOR_TOKEN, day)).json().slowest).toHaveLength(4);
    expect((await stats(SUPERVISOR_TOKEN, `${day}&slowest=0`)).json().slowest).toEqual([]);
  });

  it('refuses a slowest count that is not a whole number from 0 to 100', async () => {
    for (const bad of ['101', '-1', '2.5', 'ten']) expect((await stats(SUPERVISOR_TOKEN, `${day}&slowest=${bad}`)).statusCode).toBe(400);
  });

  it("gives a manager only his own row, and 403 for another's", async () => {
    const boris = (await stats(BORIS_TOKEN, day)).json();
    expect(boris.managers.map((m: { manager: string }) => m.manager)).toEqual(['102']);
    // His slowest leads are his own only: Anna's undialled lead c, older in wait, is not among them.
    expect(boris.slowest.map((s: { lead: { id: string } }) => s.lead.id)).toEqual(['d']);
    expect((await stats(ANNA_TOKEN, day)).json().slowest.map((s: { lead: { id: string } }) => s.lead.id)).toEqual(['c', 'b', 'a']);
    expect((await stats(BORIS_TOKEN, `${day}&manager=101`)).statusCode).toBe(403);
  });

  it('needs the period', async () => {
    const res = await stats(SUPERVISOR_TOKEN, '');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/from/);
  });
});

describe('POST /crm/leads (signed by the CRM)', () => {
  let app: FastifyInstance;
  let tracker: LeadTracker;
  beforeAll(async () => ({ app, tracker } = await leadsApp({ secret: SECRET })));
  afterAll(() => app.close());

  const nowSeconds = () => String(Math.floor(tracker.now().getTime() / 1000));
  const send = (body: string, headers: Record<string, string>) =>
    app.inject({ method: 'POST', url: '/crm/leads', headers: { 'content-type': 'application/json', ...headers }, payload: body });
  const signed = (body: string, ts = nowSeconds()) => ({ 'x-leadline-timestamp': ts, 'x-leadline-signature': signCrmBody(SECRET, ts, body) });

  it('accepts a lead signed with leads.secret, without any bearer token', async () => {
    const body = JSON.stringify({ id: 'crm-1', phone: '74951234567', ownerManager: '101' });
    const res = await send(body, signed(body));
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ id: 'crm-1', phone: '+74951234567' });
    expect((await send(body, signed(body))).statusCode).toBe(200);
  });

  it('refuses a wrong, missing or stale signature with 401 and stores nothing', async () => {
    const body = JSON.stringify({ id: 'forged', phone: '+74951234567' });
    const forged = await send(body, { ...signed(body), 'x-leadline-signature': signCrmBody('another-secret-0123456789abcdef0123', nowSeconds(), body) });
    expect(forged.statusCode).toBe(401);
    expect(forged.json().error.code).toBe('AUTH.SIGNATURE_INVALID');
    expect((await send(body, {})).json().error.code).toBe('AUTH.SIGNATURE_MISSING');
    const old = String(Number(nowSeconds()) - 301);
    expect((await send(body, signed(body, old))).json().error.code).toBe('AUTH.SIGNATURE_EXPIRED');
    // A signature over other bytes, even the same JSON written differently, does not pass.
    expect((await send(body, signed(JSON.stringify({ phone: '+74951234567', id: 'forged' })))).statusCode).toBe(401);
    expect(await tracker.get('forged')).toBeNull();
  });

  it('checks the signature before the body: an unsigned malformed body is 401, a signed one 400', async () => {
    expect((await send('{"id":', {})).statusCode).toBe(401);
    expect((await send('{"id":"x"}', signed('{"id":"x"}'))).statusCode).toBe(400);
    expect((await send('{"id":"x","phone":"112"}', signed('{"id":"x","phone":"112"}'))).json().error.code).toBe('LEAD.INVALID_PHONE');
  });

  it('leaves the JSON body of other routes alone', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/leads', headers: auth, payload: { id: 'api-1', phone: '+74951234567' } });
    expect(res.statusCode).toBe(201);
  });
});

describe('leads routes in the app', () => {
  it('has no /crm/leads without leads.secret, and no /api/leads without the leads dependency', async () => {
    const { app } = await leadsApp();
    expect((await app.inject({ method: 'POST', url: '/crm/leads', payload: {} })).statusCode).toBe(404);
    await app.close();
    const bare = buildApp({ config: testConfig(), callStore: new InMemoryCallStore(), health: [] });
    expect((await bare.inject({ method: 'GET', url: '/api/leads', headers: auth })).statusCode).toBe(404);
    await bare.close();
  });

  it('documents the leads routes and the Lead schema in /docs/json', async () => {
    const { app } = await leadsApp({ secret: SECRET });
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
    await app.close();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/leads', '/api/leads/{id}', '/api/leads/first-dial-stats', '/crm/leads']));
    expect(Object.keys(doc.components.schemas)).toContain('Lead');
    expect(doc.paths['/crm/leads'].post.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['x-leadline-timestamp', 'x-leadline-signature']),
    );
  });
});
