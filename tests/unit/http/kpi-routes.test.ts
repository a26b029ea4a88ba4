import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../src/adapters/http/api-client.js';
import { errorHandlerPlugin } from '../../../src/adapters/http/plugins/error-handler.js';
import { kpiRoutes } from '../../../src/adapters/http/routes/kpi.js';
import { MemoryKpiFacts } from '../../../src/adapters/memory/memory-kpi-facts.js';
import { kpiSchema } from '../../../src/config/kpi-config-schema.js';
import { AppError } from '../../../src/core/errors/app-error.js';
import { KpiReport } from '../../../src/services/kpi-report.js';
import { KPI_FACTS } from '../../helpers/kpi-fixture.js';

/**
 * The routes in a small app: the real error handler, the KPI report over the shared
 * fixture's day (4 March 2026, UTC), and a stand-in for the API auth hook that maps
 * each token to its client, as the real one does once a token or session is checked.
 */
const CLIENTS: Record<string, ApiClient> = {
  'admin-token': { name: 'crm', role: 'admin', extension: null, credential: 'token' },
  'supervisor-token': { name: 'floor', role: 'supervisor', extension: null, credential: 'token' },
  'anna-token': { name: 'anna-phone', role: 'manager', extension: '101', credential: 'token' },
};

const kpi = new KpiReport({
  facts: new MemoryKpiFacts(KPI_FACTS),
  config: {
    routing: { timezone: 'UTC' },
    managers: [{ extension: '101', name: 'Anna' }, { extension: '102', name: 'Boris' }],
    kpi: kpiSchema.parse({ trailingPeriods: 2 }),
  },
  clock: () => Date.parse('2026-03-05T12:00:00Z'),
});

let app: FastifyInstance;
beforeAll(async () => {
  app = Fastify();
  await app.register(errorHandlerPlugin);
  app.decorateRequest('apiClient', null);
  app.addHook('onRequest', async (request) => {
    const client = CLIENTS[(request.headers.authorization ?? '').replace(/^Bearer /, '')];
    if (!client) throw new AppError('AUTH.INVALID', 'The bearer token is not valid.', 401);
    request.apiClient = client;
  });
  await app.register(kpiRoutes, { kpi, reportsPerMinute: 1000 });
  await app.ready();
});
afterAll(() => app.close());

const get = (url: string, token: string) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

describe('GET /api/kpi', () => {
  it('gives an admin every configured manager and the unowned row, exactly as the report has them', async () => {
    const res = await get('/api/kpi?from=2026-03-04&to=2026-03-04', 'admin-token');
    expect(res.statusCode).toBe(200);
    // The response schema must keep every field: the reply is the report itself.
    expect(res.json()).toEqual(await kpi.report({ from: '2026-03-04', to: '2026-03-04' }));
    const body = res.json();
    expect(body).toMatchObject({ from: '2026-03-04', to: '2026-03-04', timezone: 'UTC', days: 1, trailingPeriods: 2 });
    expect(body.rows.map((r: { manager: string | null; name: string | null }) => [r.manager, r.name])).toEqual([['101', 'Anna'], ['102', 'Boris'], [null, null]]);
    expect(body.rows[0].kpi).toMatchObject({ inboundOffered: 3, inboundAnswered: 1, talkSeconds: 90.25, firstDialMedianSeconds: 530, callbacksOwed: 3 });
    expect(body.rows[0].trend.inboundAnswered).toEqual([0, 1, 1]);
    expect(body.rows[0].comparisons).toHaveLength(14);
  });

  it('gives a supervisor the manager he asks for', async () => {
    const res = await get('/api/kpi?from=2026-03-04&manager=102', 'supervisor-token');
    expect(res.statusCode).toBe(200);
    expect(res.json().rows.map((r: { manager: string }) => r.manager)).toEqual(['102']);
  });

  it("gives a manager token only his own row, and 403 for a colleague's", async () => {
    for (const url of ['/api/kpi?from=2026-03-04', '/api/kpi?from=2026-03-04&manager=101']) {
      const res = await get(url, 'anna-token');
      expect(res.statusCode).toBe(200);
      expect(res.json().rows.map((r: { manager: string }) => r.manager)).toEqual(['101']);
    }
    const res = await get('/api/kpi?from=2026-03-04&manager=102', 'anna-token');
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toEqual({
      code: 'AUTH.FORBIDDEN',
      message: 'Token "anna-phone" belongs to manager 101 and may read only his own KPI, not manager 102\'s.',
    });
  });

  it.each([
    ['a day that does not exist', '/api/kpi?from=2026-02-30', /querystring\/from must match format "date"/],
    ['no date', '/api/kpi?to=yesterday', /querystring\/to must match format "date"/],
    ['from after to', '/api/kpi?from=2026-03-05&to=2026-03-04', /^from \(2026-03-05\) is after to \(2026-03-04\)/],
    ['a period over 366 days', '/api/kpi?from=2025-01-01&to=2026-03-04', /is 428 days: a report covers at most 366$/],
    ['an unknown manager', '/api/kpi?manager=999', /^manager 999 is not a configured manager/],
  ])('answers 400 REQUEST.INVALID to %s', async (_, url, message) => {
    const res = await get(url, 'admin-token');
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toEqual({ code: 'REQUEST.INVALID', message: expect.stringMatching(message) });
  });

  it('defaults to today in routing.timezone', async () => {
    const res = await get('/api/kpi', 'admin-token');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ from: '2026-03-05', to: '2026-03-05' });
  });
});

describe('GET /api/kpi.csv', () => {
  it('sends the table as a CSV attachment named after its period', async () => {
    const res = await get('/api/kpi.csv?from=2026-03-04&to=2026-03-04', 'supervisor-token');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="leadline-kpi_2026-03-04.csv"');
    expect(res.body).toBe((await kpi.csv({ from: '2026-03-04', to: '2026-03-04' })).text);
    const lines = res.body.split('\r\n');
    expect(lines[0]).toMatch(/^\ufeffmanager,name,from,to,leadsReceived,.*,callbackMedianSeconds,drawdowns$/);
    expect(lines.slice(1, -1).map((l) => l.split(',')[0])).toEqual(['101', '102', '']);
  });

  it('names a longer period by its first and last day', async () => {
    const res = await get('/api/kpi.csv?from=2026-03-01&to=2026-03-04', 'admin-token');
    expect(res.headers['content-disposition']).toBe('attachment; filename="leadline-kpi_2026-03-01_2026-03-04.csv"');
  });

  it("holds a manager token to his own line, and refuses a colleague's with 403", async () => {
    const res = await get('/api/kpi.csv?from=2026-03-04', 'anna-token');
    expect(res.statusCode).toBe(200);
    expect(res.body.split('\r\n').slice(1, -1).map((l) => l.split(',')[0])).toEqual(['101']);
    expect((await get('/api/kpi.csv?from=2026-03-04&manager=102', 'anna-token')).statusCode).toBe(403);
  });

  it('answers a bad date with a JSON 400, not a CSV', async () => {
    const res = await get('/api/kpi.csv?from=2026-13-01', 'admin-token');
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json().error.code).toBe('REQUEST.INVALID');
  });
});
