import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/adapters/http/app.js';
import { InMemoryCallStore } from '../../../src/adapters/postgres/in-memory-call-store.js';
import { OTHER_TOKEN, TEST_TOKEN, testConfig } from '../../helpers/http-app.js';

describe('bearer auth on /api', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = buildApp({ config: testConfig(), callStore: new InMemoryCallStore(), health: [] });
    // A probe route that shows which client the plugin recognised.
    app.get(
      '/api/whoami',
      { schema: { response: { 200: { type: 'object', properties: { client: { type: 'string' } } } } } },
      async (request) => ({ client: request.apiClient }),
    );
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

  it('accepts every configured token and names its client in request.apiClient', async () => {
    const as = async (token: string) =>
      (await app.inject({ method: 'GET', url: '/api/whoami', headers: { authorization: `Bearer ${token}` } })).json();
    expect(await as(TEST_TOKEN)).toEqual({ client: 'crm' });
    expect(await as(OTHER_TOKEN)).toEqual({ client: 'reports' });
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
});
