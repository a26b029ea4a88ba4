import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { CONSOLE_ACCOUNTS } from '../../helpers/console-accounts.js';
import { buildTestApp } from '../../helpers/http-app.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function signIn(a: FastifyInstance, login: 'head' | 'anna' = 'head'): Promise<string> {
  const reply = await a.inject({ method: 'POST', url: '/api/session', payload: { login, password: CONSOLE_ACCOUNTS[login].password } });
  expect(reply.statusCode).toBe(200);
  const c = reply.cookies.find((x) => x.name === 'leadline_session')!;
  return `leadline_session=${c.value}`;
}

const who = (a: FastifyInstance, cookie: string) => a.inject({ method: 'GET', url: '/api/session', headers: { cookie } });

describe('signing out', () => {
  it('refuses the signed-out cookie from then on, even when replayed, while another session of the same login goes on', async () => {
    ({ app } = await buildTestApp());
    const laptop = await signIn(app);
    const phone = await signIn(app);
    expect((await who(app, laptop)).statusCode).toBe(200);
    expect((await app.inject({ method: 'DELETE', url: '/api/session', headers: { cookie: laptop } })).statusCode).toBe(204);
    const replayed = await who(app, laptop);
    expect(replayed.statusCode).toBe(401);
    expect(replayed.json().error).toEqual({ code: 'AUTH.SESSION_REVOKED', message: 'This console session was signed out: sign in again.' });
    expect((await who(app, phone)).statusCode).toBe(200);
  });

  it('everywhere: every session of the login is refused, other logins are not, and a new sign-in works', async () => {
    ({ app } = await buildTestApp());
    const [laptop, phone, colleague] = [await signIn(app), await signIn(app), await signIn(app, 'anna')];
    expect((await app.inject({ method: 'DELETE', url: '/api/session?everywhere=true', headers: { cookie: phone } })).statusCode).toBe(204);
    expect((await who(app, laptop)).json().error.code).toBe('AUTH.SESSION_REVOKED');
    expect((await who(app, phone)).statusCode).toBe(401);
    expect((await who(app, colleague)).statusCode).toBe(200);
    expect((await who(app, await signIn(app))).statusCode).toBe(200);
    // Without a live session there is nothing to sign out everywhere.
    expect((await app.inject({ method: 'DELETE', url: '/api/session?everywhere=true', headers: { cookie: laptop } })).statusCode).toBe(401);
  });
});
