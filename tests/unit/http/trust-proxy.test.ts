import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load-config.js';
import type { Config } from '../../../src/config/config-schema.js';
import { buildTestApp, testConfig } from '../../helpers/http-app.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const behind = (trustProxy: Config['http']['trustProxy']): Config => {
  const config = testConfig();
  return { ...config, http: { ...config.http, trustProxy } };
};

/** Eleven wrong passwords, each claiming another client address in X-Forwarded-For. */
async function guessWithForgedAddresses(a: FastifyInstance, remoteAddress: string, forwardedFor: (i: number) => string): Promise<number[]> {
  const codes: number[] = [];
  for (let i = 0; i < 11; i++) {
    const r = await a.inject({
      method: 'POST', url: '/api/session', payload: { login: 'head', password: `guess-${i}` }, remoteAddress,
      headers: { 'x-forwarded-for': forwardedFor(i) },
    });
    codes.push(r.statusCode);
  }
  return codes;
}

describe('http.trustProxy', () => {
  it('refuses true with a sentence naming what to write instead; takes a hop count or an address list', () => {
    const base = 'demo: true\napi: { tokens: [{ name: a, token: demo-token-0123456789 }] }\nmanagers: [{ extension: "101", name: A, password: secret-101-abc }]\n' +
      'trunks: [{ name: t, address: 127.0.0.2, callerId: "+74951234567" }]\n';
    expect(() => parseConfig(`${base}http: { trustProxy: true }\n`, 'x.yaml')).toThrow(
      /x\.yaml:5: http\.trustProxy: http\.trustProxy is false, the number of proxies in front \(e\.g\. 1\), or their addresses/,
    );
    expect(parseConfig(`${base}http: { trustProxy: 1 }\n`).http.trustProxy).toBe(1);
    expect(parseConfig(`${base}http: { trustProxy: [127.0.0.1, 10.0.0.0/8] }\n`).http.trustProxy).toEqual(['127.0.0.1', '10.0.0.0/8']);
    expect(() => parseConfig(`${base}http: { trustProxy: [everyone] }\n`)).toThrow(/trustProxy/);
  });

  it('a client that is not the proxy cannot escape the sign-in limit with forged X-Forwarded-For', async () => {
    ({ app } = await buildTestApp({ config: behind(['127.0.0.1']) }));
    const codes = await guessWithForgedAddresses(app, '203.0.113.9', (i) => `198.51.100.${i}`);
    expect(codes.slice(0, 10).every((c) => c === 401)).toBe(true);
    expect(codes[10]).toBe(429);
  });

  it('through the proxy, the address the proxy appended is the client, not the ones the client wrote before it', async () => {
    const settings: Config['http']['trustProxy'][] = [['127.0.0.1'], 1];
    for (const trustProxy of settings) {
      ({ app } = await buildTestApp({ config: behind(trustProxy) }));
      const codes = await guessWithForgedAddresses(app, '127.0.0.1', (i) => `198.51.100.${i}, 203.0.113.9`);
      expect(codes[10]).toBe(429);
      await app.close();
      app = undefined;
    }
  });
});
