import { describe, expect, it } from 'vitest';
import type { HealthCheck } from '../../../src/adapters/http/health-check.js';
import { buildTestApp } from '../../helpers/http-app.js';

const up = (name: string): HealthCheck => ({ name, check: async () => ({ ok: true }) });

async function healthz(health: HealthCheck[], healthCheckTimeoutMs?: number) {
  const { app } = await buildTestApp({ health, healthCheckTimeoutMs });
  try {
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    return { status: res.statusCode, body: res.json() };
  } finally {
    await app.close();
  }
}

describe('GET /healthz', () => {
  it('is 200 ok when every check passes, without a token', async () => {
    expect(await healthz([up('redis'), up('postgres')])).toEqual({
      status: 200,
      body: { status: 'ok', checks: { redis: { ok: true }, postgres: { ok: true } } },
    });
  });

  it('is 503 and names the component that is down', async () => {
    const res = await healthz([up('redis'), { name: 'postgres', check: async () => ({ ok: false, detail: 'connect ECONNREFUSED' }) }]);
    expect(res.status).toBe(503);
    expect(res.body).toEqual({
      status: 'down',
      down: ['postgres'],
      checks: { redis: { ok: true }, postgres: { ok: false, detail: 'connect ECONNREFUSED' } },
    });
  });

  it('counts a check that throws or hangs as down, and still answers quickly', async () => {
    const started = Date.now();
    const res = await healthz(
      [
        up('redis'),
        { name: 'kamailio', check: () => new Promise(() => undefined) },
        { name: 'rtpengine', check: async () => { throw new Error('ng socket closed'); } },
      ],
      100,
    );
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(res.status).toBe(503);
    expect(res.body.down).toEqual(['kamailio', 'rtpengine']);
    expect(res.body.checks.kamailio).toEqual({ ok: false, detail: 'no answer within 100 ms' });
    expect(res.body.checks.rtpengine).toEqual({ ok: false, detail: 'ng socket closed' });
  });

  it('runs the checks in parallel', async () => {
    // Each check answers only once every check has started: run one after another, the
    // first would never answer and the probe's time limit would mark it down.
    const started = new Set<string>();
    let everyoneStarted!: () => void;
    const allStarted = new Promise<void>((r) => (everyoneStarted = r));
    const waiting = (name: string): HealthCheck => ({
      name,
      check: async () => {
        started.add(name);
        if (started.size === 4) everyoneStarted();
        await allStarted;
        return { ok: true };
      },
    });
    const res = await healthz([waiting('a'), waiting('b'), waiting('c'), waiting('d')], 10_000);
    expect(res.status).toBe(200);
    expect(started.size).toBe(4);
  });

  it('is not rate limited', async () => {
    const { app } = await buildTestApp({ rateLimitPerMinute: 2 });
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await app.inject({ method: 'GET', url: '/healthz' })).statusCode);
    await app.close();
    expect(codes).toEqual([200, 200, 200, 200, 200]);
  });
});
