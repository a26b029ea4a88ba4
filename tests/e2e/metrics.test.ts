import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CrmStandIn } from '../helpers/crm-stand-in.js';
import { Phones, callIdOf, finalCodeOf } from '../helpers/phones.js';
import { API_TOKEN, TRUNK_IP, startTestPbx, type TestPbx } from '../helpers/test-pbx.js';
import { waitFor } from '../helpers/webhook-receiver.js';

/**
 * /metrics and the probes on a running PBX (real Kamailio, rtpengine, Redis, PostgreSQL,
 * sipp): the counters move by exactly the calls made.
 */
let pbx: TestPbx;
let phones: Phones;
const crm = new CrmStandIn(['call.ended']);

beforeAll(async () => {
  await crm.start();
  pbx = await startTestPbx({ name: 'metrics', basePort: 35000, managers: 2, ringTimeoutSeconds: 3, crm: crm.config() });
  phones = new Phones(pbx);
});

afterAll(async () => {
  await phones?.unregisterAll();
  await pbx?.destroy();
  await crm.stop();
});

async function scrape(): Promise<string> {
  const res = await fetch(`${pbx.httpUrl}/metrics`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text();
}

/** One sample's value; 0 when the series does not exist yet (a counter never moved). */
function value(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels);
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    if (wanted.every(([k, v]) => have[k] === v) && Object.keys(have).length === wanted.length) return Number(m[3]);
  }
  return 0;
}

describe('metrics', () => {
  it('refuses /metrics without a token and keeps the probes open', async () => {
    expect((await fetch(`${pbx.httpUrl}/metrics`)).status).toBe(401);
    expect((await fetch(`${pbx.httpUrl}/metrics`, { headers: { authorization: 'Bearer wrong-token' } })).status).toBe(401);
    const live = await fetch(`${pbx.httpUrl}/livez`);
    expect(live.status).toBe(200);
    const ready = await fetch(`${pbx.httpUrl}/readyz`);
    expect(await ready.json()).toMatchObject({ status: 'ok', checks: { redis: { ok: true }, postgres: { ok: true }, kamailio: { ok: true }, webhooks: { ok: true } } });
  });

  it('counts calls, ring attempts, misses, decisions and webhook deliveries by exactly the calls made', async () => {
    const before = await scrape();
    expect((await phones.register('101')).exitCode).toBe(0);
    expect((await phones.register('102')).exitCode).toBe(0);
    const silent = await phones.answer('101', 'no-answer');
    const echo = await phones.answer('102', 'echo');

    // One call answered by 102 after 101 let it ring out; one to a number no scenario serves.
    const answered = phones.callFromTrunk({ talkMs: 500 });
    expect((await answered.done).exitCode).toBe(0);
    const unknown = phones.callFromTrunk({ dialled: '+74950000999', scenario: 'uac-call-expect-failure.xml' });
    expect(finalCodeOf(await unknown.done)).toBe(404);
    await Promise.all([silent.stop(), echo.stop()]);
    const record = await pbx.waitForRecord(callIdOf(answered, TRUNK_IP));
    expect(record.attempts.map((a) => [a.manager, a.result])).toEqual([['101', 'no-answer'], ['102', 'answered']]);
    await pbx.waitForRecord(callIdOf(unknown, TRUNK_IP));
    await waitFor('both call.ended webhooks delivered', () => crm.receiver.at('/crm').length === 2);

    const moved = async (name: string, labels: Record<string, string> = {}) => value(await scrape(), name, labels) - value(before, name, labels);
    await expect.poll(() => moved('leadline_calls_total', { direction: 'inbound', disposition: 'answered' })).toBe(1);
    expect(await moved('leadline_calls_total', { direction: 'inbound', disposition: 'failed' })).toBe(1);
    expect(await moved('leadline_ring_attempts_total', { result: 'no-answer' })).toBe(1);
    expect(await moved('leadline_ring_attempts_total', { result: 'answered' })).toBe(1);
    expect(await moved('leadline_ring_misses_total')).toBe(1);
    expect(await moved('leadline_routing_decision_seconds_count', { action: 'route' })).toBe(1);
    expect(await moved('leadline_routing_decision_seconds_count', { action: 'reject' })).toBe(1);
    await expect.poll(() => moved('leadline_webhook_deliveries', { endpoint: 'crm', status: 'delivered' })).toBe(2);

    const after = await scrape();
    expect(value(after, 'leadline_webhook_deliveries', { endpoint: 'crm', status: 'dead' })).toBe(0);
    expect(value(after, 'leadline_queue_jobs', { queue: 'webhooks' })).toBe(0);
    expect(value(after, 'leadline_waiting_calls', { scenario: 'test-line' })).toBe(0);
    // Both managers are known to the live state, whatever their status after the calls.
    const managers = [...after.matchAll(/^leadline_managers\{status="(\w[\w-]*)"\} (\d+)$/gm)].reduce((n, m) => n + Number(m[2]), 0);
    expect(managers).toBe(2);
    expect(after).toMatch(/^leadline_nodejs_eventloop_lag_seconds \d/m);
  });
});
