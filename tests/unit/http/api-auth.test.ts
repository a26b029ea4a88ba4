import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientOf, requireRole } from '../../../src/adapters/http/api-client.js';
import { buildApp } from '../../../src/adapters/http/app.js';
import { InMemoryCallStore } from '../../../src/adapters/postgres/in-memory-call-store.js';
import { ANNA_TOKEN, OTHER_TOKEN, SUPERVISOR_TOKEN, TEST_TOKEN, bearer, testConfig } from '../../helpers/http-app.js';

describe('bearer auth on /api', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = buildApp({ config: testConfig(), callStore: new InMemoryCallStore(), health: [] });
    // Probe routes: which client the plugin recognised, a role-restricted route, and a
    // route outside /api that wrongly asks for a client.
    app.get('/api/whoami', async (request) => ({ client: request.apiClient }));
    app.get('/api/floor-only', { preHandler: requireRole('admin', 'supervisor') }, async () => ({ ok: true }));
    app.get('/open/whoami', async (request) => ({ client: clientOf(request) }));
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
  });

  it('answers 401 AUTH.MISSING without an Authorization header', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/calls' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('AUTH.MISSING');
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  it.each([
    ['a wrong token', 'Bearer wrong-token-0123456789abcdef', 'AUTH.INVALID'],
    ['a prefix of a real token', `Bearer ${TEST_TOKEN.slice(0, -1)}`, 'AUTH.INVALID'],
    ['a real token plus a character', `Bearer ${TEST_TOKEN}x`, 'AUTH.INVALID'],
    ['another scheme', `Basic ${Buffer.from(`u:${TEST_TOKEN}`).toString('base64')}`, 'AUTH.MISSING'],
    ['an empty bearer', 'Bearer ', 'AUTH.MISSING'],
  ])('answers 401 for %s', async (_what, authorization, code) => {
    const res = await app.inject({ method: 'GET', url: '/api/calls', headers: { authorization } });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe(code);
  });

  it('accepts every configured token and puts its name, role and extension in request.apiClient', async () => {
    const as = async (token: string) => (await app.inject({ method: 'GET', url: '/api/whoami', headers: bearer(token) })).json();
    expect(await as(TEST_TOKEN)).toEqual({ client: { name: 'crm', role: 'admin', extension: null, credential: 'token' } });
    expect(await as(OTHER_TOKEN)).toEqual({ client: { name: 'reports', role: 'admin', extension: null, credential: 'token' } });
    expect(await as(SUPERVISOR_TOKEN)).toEqual({ client: { name: 'floor', role: 'supervisor', extension: null, credential: 'token' } });
    expect(await as(ANNA_TOKEN)).toEqual({ client: { name: 'anna-phone', role: 'manager', extension: '101', credential: 'token' } });
    const list = await app.inject({ method: 'GET', url: '/api/calls', headers: { authorization: `bearer ${TEST_TOKEN}` } });
    expect(list.statusCode).toBe(200);
  });

  it('guards unknown and oddly spelled /api paths too (401, not 404)', async () => {
    for (const url of ['/api/secret-route', '/%61pi/calls', '/API/calls', '/api/calls?x=/healthz']) {
      expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(401);
    }
  });

  it('leaves /healthz and /docs open', async () => {
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/docs/json' })).statusCode).toBe(200);
  });

  it('requireRole lets the listed roles through and answers 403 AUTH.FORBIDDEN to the others, saying why', async () => {
    const as = (token: string) => app.inject({ method: 'GET', url: '/api/floor-only', headers: bearer(token) });
    expect((await as(TEST_TOKEN)).statusCode).toBe(200);
    expect((await as(SUPERVISOR_TOKEN)).statusCode).toBe(200);
    const res = await as(ANNA_TOKEN);
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({
      error: {
        code: 'AUTH.FORBIDDEN',
        message: 'GET /api/floor-only needs an admin or supervisor token; token "anna-phone" has the role manager.',
      },
    });
    expect(res.headers['www-authenticate']).toBeUndefined();
  });

  it('requireRole still answers 401 first without a token', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/floor-only' })).statusCode).toBe(401);
  });

  it('treats a route outside /api that asks for the client as a bug (500), not as unauthenticated', async () => {
    const res = await app.inject({ method: 'GET', url: '/open/whoami', headers: bearer(TEST_TOKEN) });
    expect(res.statusCode).toBe(500);
    expect(res.json().error.code).toBe('INTERNAL');
  });
});
