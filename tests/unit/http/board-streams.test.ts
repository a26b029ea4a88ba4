import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { BoardSource } from '../../../src/adapters/http/routes/board.js';
import type { BoardSnapshot } from '../../../src/core/board/live-board.js';
import type { Config } from '../../../src/config/config-schema.js';
import { CONSOLE_ACCOUNTS } from '../../helpers/console-accounts.js';
import { ANNA_TOKEN, BORIS_TOKEN, buildTestApp, SUPERVISOR_TOKEN, testConfig } from '../../helpers/http-app.js';

const SNAPSHOT: BoardSnapshot = { managers: [], waiting: [], today: null, live: { inbound: 0, inboundTalking: 0, outbound: 0, outboundTalking: 0 } };
const board: BoardSource = {
  snapshot: async () => SNAPSHOT,
  subscribe: (listener) => {
    listener(SNAPSHOT);
    return () => undefined;
  },
};

let app: FastifyInstance | undefined;
const opened: IncomingMessage[] = [];
afterEach(async () => {
  for (const res of opened.splice(0)) res.destroy();
  await app?.close();
  app = undefined;
});

function limits(maxEventStreams: number, maxEventStreamsPerClient: number): Config {
  const config = testConfig();
  return { ...config, http: { ...config.http, maxEventStreams, maxEventStreamsPerClient } };
}

async function start(config = testConfig(), sessionCheckMs?: number): Promise<string> {
  ({ app } = await buildTestApp({ board, config, sessionCheckMs }));
  return app.listen({ host: '127.0.0.1', port: 0 });
}

/** Opens the board stream; resolves with the response once its head arrived (200 stays open). */
function openStream(base: string, headers: Record<string, string>): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}/api/board/events`, { headers }, (res) => {
      opened.push(res);
      resolve(res);
    });
    req.on('error', reject);
    req.end();
  });
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const ended = (res: IncomingMessage) => new Promise<void>((r) => (res.readableEnded ? r() : res.once('end', r).resume()));
const body = (res: IncomingMessage) => new Promise<string>((r) => {
  let text = '';
  res.setEncoding('utf8').on('data', (c: string) => (text += c)).once('end', () => r(text));
});

async function signIn(base: string): Promise<string> {
  const res = await fetch(`${base}/api/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: 'head', password: CONSOLE_ACCOUNTS.head.password }),
  });
  return res.headers.getSetCookie()[0]!.split(';')[0]!;
}

describe('live board streams', () => {
  it('are capped per token or account (429) and in all (503), and a closed stream frees its place', async () => {
    const base = await start(limits(3, 2));
    const anna = [await openStream(base, bearer(ANNA_TOKEN)), await openStream(base, bearer(ANNA_TOKEN))];
    expect(anna.map((r) => r.statusCode)).toEqual([200, 200]);
    const third = await openStream(base, bearer(ANNA_TOKEN));
    expect(third.statusCode).toBe(429);
    expect(JSON.parse(await body(third)).error.code).toBe('BOARD.TOO_MANY_STREAMS_FOR_CLIENT');
    expect((await openStream(base, bearer(BORIS_TOKEN))).statusCode).toBe(200);
    const full = await openStream(base, bearer(SUPERVISOR_TOKEN));
    expect(full.statusCode).toBe(503);
    expect(JSON.parse(await body(full)).error.code).toBe('BOARD.TOO_MANY_STREAMS');
    // Anna closes a page: the server notices the socket close and gives the place back.
    anna[0]!.destroy();
    let again = await openStream(base, bearer(ANNA_TOKEN));
    while (again.statusCode !== 200) {
      again.resume();
      await new Promise((r) => setTimeout(r, 20));
      again = await openStream(base, bearer(ANNA_TOKEN));
    }
    expect(again.statusCode).toBe(200);
  });

  it("end when their console session is signed out, and when it expires", async () => {
    const base = await start(testConfig(), 20);
    const cookie = await signIn(base);
    const stream = await openStream(base, { cookie });
    expect(stream.statusCode).toBe(200);
    const closed = ended(stream);
    expect((await fetch(`${base}/api/session`, { method: 'DELETE', headers: { cookie } })).status).toBe(204);
    await closed;

    // A session signed to expire in a second: its stream ends then, without any sign-out.
    const short = app!.jwt.sign({ sub: 'head', sid: 'short-lived', gen: 0 }, { expiresIn: 1 });
    const expiring = await openStream(base, { cookie: `leadline_session=${short}` });
    expect(expiring.statusCode).toBe(200);
    await ended(expiring);
    expect((await fetch(`${base}/api/session`, { headers: { cookie: `leadline_session=${short}` } })).status).toBe(401);
  });
});
