import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/adapters/http/app.js';
import { InMemoryCallStore } from '../../../src/adapters/postgres/in-memory-call-store.js';
import { configSchema, type Config } from '../../../src/config/config-schema.js';
import { checkPhoneCredentials } from '../../../src/core/auth/phone-credentials.js';
import { CONSOLE_ACCOUNTS } from '../../helpers/console-accounts.js';
import { ANNA_TOKEN, SUPERVISOR_TOKEN, auth, bearer, testConfig } from '../../helpers/http-app.js';

const SECRET = 'webphone-secret-for-unit-tests';
const CRM = 'https://crm.example.test';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

function config(webphone: Record<string, unknown>, webDir?: string): Config {
  const base = testConfig();
  return configSchema.parse({
    ...base,
    webphone,
    console: { ...base.console, ...(webDir ? { webDir } : {}) },
  });
}

async function start(webphone: Record<string, unknown> = { enabled: true, credentialTtlSeconds: 300, embedOrigins: [CRM] }, secret: string | undefined = SECRET) {
  const webDir = mkdtempSync(join(tmpdir(), 'leadline-web-'));
  writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(webDir, 'phone.html'), '<!doctype html><title>phone</title>');
  app = buildApp({ config: config(webphone, webDir), callStore: new InMemoryCallStore(), health: [], webphoneSecret: secret });
  await app.ready();
  return app;
}

const issue = (headers: Record<string, string>) => app!.inject({ method: 'POST', url: '/api/phone/credentials', headers });

describe('POST /api/phone/credentials', () => {
  it("gives a manager short-lived credentials for his own extension that Kamailio's check accepts", async () => {
    await start();
    const before = Date.now();
    const res = await issue(bearer(ANNA_TOKEN));
    const after = Date.now();
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json();
    expect(body).toMatchObject({ uri: 'sip:101@leadline.local', extension: '101', displayName: 'Anna', wsUrl: 'ws://127.0.0.1:5066' });
    expect(body.username).toMatch(/^\d+:101$/);
    const expiresAt = Date.parse(body.expiresAt);
    // Five minutes from the whole second the request was served in (the username carries seconds).
    const wholeSecond = (ms: number) => Math.floor(ms / 1000) * 1000;
    expect(expiresAt).toBeGreaterThanOrEqual(wholeSecond(before) + 300_000);
    expect(expiresAt).toBeLessThanOrEqual(wholeSecond(after) + 300_000);
    expect(checkPhoneCredentials(SECRET, body.username, body.password, Date.now())).toEqual({ ok: true, extension: '101' });
    expect(JSON.stringify(body)).not.toContain('anna-secret');
  });

  it('works from a console session of a manager, not for other roles, and not without a session', async () => {
    await start();
    const signIn = await app!.inject({ method: 'POST', url: '/api/session', payload: { login: 'anna', password: CONSOLE_ACCOUNTS.anna.password } });
    const cookie = signIn.cookies.find((c) => c.name === 'leadline_session')!;
    const res = await issue({ cookie: `${cookie.name}=${cookie.value}` });
    expect(res.statusCode).toBe(200);
    expect(res.json().username).toMatch(/:101$/);
    for (const headers of [auth, bearer(SUPERVISOR_TOKEN)]) {
      const refused = await issue(headers);
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.code).toBe('PHONE.NO_EXTENSION');
    }
    expect((await issue({})).statusCode).toBe(401);
  });

  it('does not exist while the browser phone is off', async () => {
    await start({ enabled: false });
    expect((await issue(bearer(ANNA_TOKEN))).statusCode).toBe(404);
    expect((await app!.inject({ url: '/phone' })).statusCode).toBe(404);
  });
});

describe('the /phone page (CRM widget)', () => {
  it('may be framed only by the configured sites, while the console keeps refusing to be framed', async () => {
    await start();
    const page = await app!.inject({ url: '/phone?number=%2B79161234567' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<title>phone</title>');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toMatch(new RegExp(`frame-ancestors 'self' ${CRM}(;|$)`));
    expect(csp).toMatch(/connect-src 'self' ws:\/\/127\.0\.0\.1:5066/);
    expect(page.headers['x-frame-options']).toBeUndefined();

    const consolePage = await app!.inject({ url: '/' });
    expect(consolePage.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(String(consolePage.headers['content-security-policy'])).toMatch(/frame-ancestors 'self'(;|$)/);
    // The console's own scripts may open the phone's WebSocket.
    expect(String(consolePage.headers['content-security-policy'])).toMatch(/connect-src 'self' ws:\/\/127\.0\.0\.1:5066/);
  });

  it('is framed by nobody else when no site is configured', async () => {
    await start({ enabled: true });
    const csp = String((await app!.inject({ url: '/phone' })).headers['content-security-policy']);
    expect(csp).toMatch(/frame-ancestors 'self'(;|$)/);
  });
});

describe('webphone configuration', () => {
  it('refuses origins that are not scheme://host[:port], and URLs that are not ws(s)', () => {
    for (const origin of ['crm.example.test', 'https://crm.example.test/', 'https://crm.example.test/path', "https://x.test' 'unsafe-inline", 'javascript:alert(1)', 'https://*']) {
      expect(() => config({ enabled: true, embedOrigins: [origin] }), origin).toThrow();
      expect(() => config({ enabled: true, allowedOrigins: [origin] }), origin).toThrow();
    }
    expect(() => config({ enabled: true, publicUrl: 'http://pbx.example.test/ws' })).toThrow();
    expect(config({ enabled: true, publicUrl: 'wss://pbx.example.test/ws' }).webphone.publicUrl).toBe('wss://pbx.example.test/ws');
  });
});
