import { once } from 'node:events';
import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRedis, createRedis, type LeadlineRedis } from '../../../src/adapters/redis/create-redis.js';
import { buildTestApp } from '../../helpers/http-app.js';
import { PrivateRedis } from '../../helpers/private-redis.js';

/** Liveness and readiness against a real Redis that goes away and comes back. */
describe('health probes while Redis is unreachable', () => {
  let server: PrivateRedis;
  let redis: LeadlineRedis;
  let app: FastifyInstance;

  beforeAll(async () => {
    server = new PrivateRedis(await freePort());
    await server.start();
    redis = await createRedis(server.url);
    ({ app } = await buildTestApp({
      health: [
        { name: 'redis', check: () => checkRedis(redis) },
        { name: 'postgres', check: async () => ({ ok: true }) },
      ],
      healthCheckTimeoutMs: 500,
    }));
  });

  afterAll(async () => {
    await app?.close();
    redis?.disconnect();
    await server?.destroy();
  });

  const probe = async (url: string) => {
    const res = await app.inject({ method: 'GET', url });
    return { code: res.statusCode, body: res.json() };
  };

  it('readiness fails naming Redis while liveness holds, and readiness returns with Redis', async () => {
    expect((await probe('/readyz')).code).toBe(200);
    expect((await probe('/livez')).code).toBe(200);

    await server.kill();
    const ready = await probe('/readyz');
    expect(ready.code).toBe(503);
    expect(ready.body).toMatchObject({ status: 'down', down: ['redis'], checks: { redis: { ok: false }, postgres: { ok: true } } });
    expect(await probe('/healthz')).toMatchObject({ code: 503, body: { down: ['redis'] } }); // the old probe answers as readiness does
    const live = await probe('/livez');
    expect(live.code).toBe(200);
    expect(live.body).toMatchObject({ status: 'ok' });

    await server.start();
    await expect.poll(async () => (await probe('/readyz')).code, { timeout: 10_000, interval: 100 }).toBe(200);
  });
});

/** A port nobody listens on now, for this file's own redis-server (never the host's 6379). */
async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  probe.close();
  await once(probe, 'close');
  return port;
}
