import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/adapters/http/app.js';
import { InMemoryCallStore } from '../../../src/adapters/postgres/in-memory-call-store.js';
import { configSchema } from '../../../src/config/config-schema.js';
import { CONSOLE_ACCOUNTS } from '../../helpers/console-accounts.js';
import { buildTestApp, testConfig } from '../../helpers/http-app.js';

let app: FastifyInstance;
beforeAll(async () => {
  ({ app } = await buildTestApp());
});
afterAll(async () => {
  await app?.close();
});

async function signIn(login: string, password: string, headers: Record<string, string> = {}) {
  return app.inject({ method: 'POST', url: '/api/session', payload: { login, password }, headers: { 'x-forwarded-for': '10.0.0.1', ...headers } });
}

function sessionCookie(reply: { cookies: { name: string; value: string }[] }): string {
  const c = reply.cookies.find((x) => x.name === 'leadline_session');
  if (!c) throw new Error('no session cookie was set');
  return `leadline_session=${c.value}`;
}

describe('console sign-in', () => {
  it('signs a supervisor in with an HttpOnly, SameSite=Strict cookie that then opens the API', async () => {
    const reply = await signIn('head', CONSOLE_ACCOUNTS.head.password);
    expect(reply.statusCode).toBe(200);
    expect(reply.json()).toEqual({ login: 'head', name: 'Head of sales', role: 'supervisor', extension: null, language: null });
    const header = String(reply.headers['set-cookie']);
    expect(header).toMatch(/HttpOnly/);
    expect(header).toMatch(/SameSite=Strict/);
    expect(header).toMatch(/Max-Age=43200/);

    const me = await app.inject({ url: '/api/session', headers: { cookie: sessionCookie(reply) } });
    expect(me.json()).toEqual({ login: 'head', name: 'Head of sales', role: 'supervisor', extension: null, language: null });
    const calls = await app.inject({ url: '/api/calls?manager=102', headers: { cookie: sessionCookie(reply) } });
    expect(calls.statusCode).toBe(200);
  });

  it("holds a manager's session to his own calls, as a manager token is", async () => {
    const cookie = sessionCookie(await signIn('anna', CONSOLE_ACCOUNTS.anna.password));
    expect((await app.inject({ url: '/api/calls', headers: { cookie } })).statusCode).toBe(200);
    const other = await app.inject({ url: '/api/calls?manager=102', headers: { cookie } });
    expect(other.statusCode).toBe(403);
    expect(other.json().error.message).toMatch(/^Account "anna" belongs to manager 101/);
  });

  it('refuses a wrong password and an unknown login with the same reply', async () => {
    const wrong = await signIn('head', 'not-the-password');
    const unknown = await signIn('nobody', 'whatever-password');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json().error.code).toBe('AUTH.SIGN_IN_FAILED');
    expect(wrong.headers['set-cookie']).toBeUndefined();
  });

  it('refuses a forged or tampered cookie', async () => {
    const cookie = sessionCookie(await signIn('anna', CONSOLE_ACCOUNTS.anna.password));
    const [head, payload, signature] = cookie.split('=')[1]!.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'head' })).toString('base64url');
    const reply = await app.inject({ url: '/api/calls?manager=102', headers: { cookie: `leadline_session=${head}.${forged}.${signature}` } });
    expect(reply.statusCode).toBe(401);
    expect(reply.json().error.code).toBe('AUTH.SESSION_EXPIRED');
  });

  it('refuses a change sent with the cookie from another site, and allows it from the console itself', async () => {
    const cookie = sessionCookie(await signIn('anna', CONSOLE_ACCOUNTS.anna.password));
    const { app: withRouting } = await buildTestApp({
      routing: {
        managers: async () => [],
        pause: async (extension, reason) => ({ extension, name: 'Anna', status: 'paused', since: new Date(0).toISOString(), pauseReason: reason,
          callIds: [], consecutiveMisses: 0, callsToday: 0, talkSecondsToday: 0, answerScore: 1 }),
        unpause: async () => { throw new Error('not used'); },
        waiting: async () => [],
        scenarios: () => ({ active: [], errors: [] }),
      },
    });
    try {
      const send = (headers: Record<string, string>) =>
        withRouting.inject({ method: 'POST', url: '/api/managers/101/pause', payload: { reason: 'lunch' }, headers: { cookie, ...headers } });
      const crossSite = await send({ origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
      expect(crossSite.statusCode).toBe(403);
      expect(crossSite.json().error.code).toBe('AUTH.CROSS_SITE');
      expect((await send({ origin: 'http://localhost:80', host: 'localhost:80', 'sec-fetch-site': 'same-origin' })).statusCode).toBe(200);
      // Behind a TLS-terminating proxy: the page is https, the request reaching the service http.
      expect((await send({ origin: 'https://pbx.example.com', host: 'pbx.example.com' })).statusCode).toBe(200);
      expect((await send({ origin: 'https://pbx.example.com.evil.example', host: 'pbx.example.com' })).statusCode).toBe(403);
    } finally {
      await withRouting.close();
    }
  });

  it('signs out by clearing the cookie', async () => {
    const reply = await app.inject({ method: 'DELETE', url: '/api/session' });
    expect(reply.statusCode).toBe(204);
    expect(String(reply.headers['set-cookie'])).toMatch(/leadline_session=;.*Expires=Thu, 01 Jan 1970/);
  });

  it('allows ten sign-in attempts a minute from one address, then answers 429', async () => {
    const { app: fresh } = await buildTestApp();
    try {
      const codes: number[] = [];
      for (let i = 0; i < 11; i++) {
        const r = await fresh.inject({ method: 'POST', url: '/api/session', payload: { login: 'head', password: 'guess-' + i }, remoteAddress: '10.9.9.9' });
        codes.push(r.statusCode);
      }
      expect(codes.slice(0, 10).every((c) => c === 401)).toBe(true);
      expect(codes[10]).toBe(429);
    } finally {
      await fresh.close();
    }
  });

  it('answers 404 with the settings to add when no console accounts are configured', async () => {
    const config = testConfig();
    const bare = buildApp({ config: { ...config, console: { ...config.console, sessionSecret: undefined, users: [] } }, callStore: new InMemoryCallStore(), health: [] });
    try {
      const r = await bare.inject({ method: 'POST', url: '/api/session', payload: { login: 'head', password: 'x' } });
      expect(r.statusCode).toBe(404);
      expect(r.json().error.message).toMatch(/console.sessionSecret and console.users/);
    } finally {
      await bare.close();
    }
  });
});

describe('console accounts in the configuration', () => {
  const base = () => {
    const c = testConfig();
    return { api: { tokens: c.api.tokens }, managers: c.managers.map(({ crmUserId: _c, ...m }) => m), trunks: c.trunks };
  };
  const user = { login: 'x1', name: 'X', role: 'manager', passwordHash: CONSOLE_ACCOUNTS.anna.passwordHash };

  it('needs a session secret when there are accounts', () => {
    const r = configSchema.safeParse({ ...base(), console: { users: [{ ...user, extension: '101' }] } });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]).toMatchObject({ path: ['console', 'sessionSecret'], message: expect.stringMatching(/sessionSecret/) });
  });

  it('needs a known extension on a manager account, and a hash, never a password', () => {
    const secret = { sessionSecret: 'x'.repeat(32) };
    const noExt = configSchema.safeParse({ ...base(), console: { ...secret, users: [user] } });
    expect(noExt.error?.issues[0]).toMatchObject({ path: ['console', 'users', 0], message: expect.stringMatching(/a manager account needs the extension/) });
    const unknown = configSchema.safeParse({ ...base(), console: { ...secret, users: [{ ...user, extension: '999' }] } });
    expect(unknown.error?.issues[0]?.message).toMatch(/999 is not the extension of any manager/);
    const plain = configSchema.safeParse({ ...base(), console: { ...secret, users: [{ ...user, extension: '101', passwordHash: 'secret123' }] } });
    expect(plain.error?.issues[0]?.message).toMatch(/npm run console-password/);
  });
});
