import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CrmStandIn } from '../helpers/crm-stand-in.js';
import { Phones, callIdOf, finalCodeOf } from '../helpers/phones.js';
import { API_TOKEN, TRUNK_IP, startTestPbx, type TestPbx } from '../helpers/test-pbx.js';
import { waitFor } from '../helpers/webhook-receiver.js';

/**
 * Operating a running PBX (real Kamailio, rtpengine, Redis, PostgreSQL, sipp): the
 * probes, /metrics (counters move by exactly the calls made) and the operator CLI.
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
    expect(value(after, 'leadline_webhook_deliveries', { endpoint: 'crm', status: 'dead' })).toBe(value(before, 'leadline_webhook_deliveries', { endpoint: 'crm', status: 'dead' }));
    // A delivery is written "delivered" before its BullMQ job is acknowledged: the job leaves the queue a moment later.
    await expect.poll(async () => value(await scrape(), 'leadline_queue_jobs', { queue: 'webhooks' })).toBe(0);
    expect(value(after, 'leadline_waiting_calls', { scenario: 'test-line' })).toBe(0);
    // Both managers are known to the live state, whatever their status after the calls.
    const managers = [...after.matchAll(/^leadline_managers\{status="(\w[\w-]*)"\} (\d+)$/gm)].reduce((n, m) => n + Number(m[2]), 0);
    expect(managers).toBe(2);
    expect(after).toMatch(/^leadline_nodejs_eventloop_lag_seconds \d/m);

    // The daemons' own statistics: both answered, Kamailio received the calls' requests,
    // and rtpengine managed exactly the one call that reached media (the 404 never did).
    expect(value(after, 'leadline_daemon_statistics_up', { daemon: 'kamailio' })).toBe(1);
    expect(value(after, 'leadline_daemon_statistics_up', { daemon: 'rtpengine' })).toBe(1);
    const kamailio = (text: string, group: string, name: string) => value(text, 'leadline_kamailio_statistic', { group, name });
    expect(kamailio(after, 'core', 'rcv_requests') - kamailio(before, 'core', 'rcv_requests')).toBeGreaterThanOrEqual(2 * 3); // INVITE, ACK, BYE of each call at least
    expect(kamailio(after, 'shmem', 'total_size')).toBeGreaterThan(0);
    await expect.poll(() => moved('leadline_rtpengine_statistic', { section: 'totalstatistics', name: 'managedsessions' }), { timeout: 10_000 }).toBe(1);
  });
});

/** `npm run cli -- ...` as an operator runs it, against this PBX's API. */
function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      'npx',
      ['tsx', 'src/cli/operator-cli.ts', ...args],
      { env: { ...process.env, LEADLINE_URL: pbx.httpUrl, LEADLINE_TOKEN: API_TOKEN }, timeout: 30_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, out: stdout, err: stderr }),
    );
  });
}

/** The rows of a CLI table as objects keyed by its header. */
function rows(out: string): Record<string, string>[] {
  const [head, ...lines] = out.trimEnd().split('\n');
  const starts = [...head!.matchAll(/\S+(?: \S+)*/g)].map((m) => m.index);
  const names = [...head!.matchAll(/\S+(?: \S+)*/g)].map((m) => m[0]);
  return lines.map((l) => Object.fromEntries(names.map((n, i) => [n, l.slice(starts[i], starts[i + 1]).trim()])));
}

describe('operator CLI', () => {
  it('shows who is online and on which call', async () => {
    expect((await phones.register('101')).exitCode).toBe(0);
    const talking = await phones.answer('101', 'echo');
    const caller = phones.callFromTrunk({ talkMs: 15_000 }); // long enough for a few CLI runs (each starts tsx)
    const callId = callIdOf(caller, TRUNK_IP);
    await expect
      .poll(async () => rows((await cli('online')).out).find((r) => r.EXT === '101'), { timeout: 15_000, interval: 300 })
      .toMatchObject({ EXT: '101', STATUS: 'on-call', CALL: callId });
    const all = rows((await cli('managers')).out);
    expect(all.map((r) => r.EXT)).toEqual(['101', '102']);
    expect((await caller.done).exitCode).toBe(0);
    await talking.stop();
    await phones.unregisterAll();
    await expect.poll(async () => (await cli('online')).out.trim(), { timeout: 15_000, interval: 300 }).toBe('Nobody is online.');
  });

  it('lists a failed webhook delivery and replays it', async () => {
    let refuse = true;
    crm.receiver.route('/crm', () => (refuse ? { status: 400, body: '{"error":"unknown lead"}' } : { status: 200 }));
    try {
      expect((await phones.register('102')).exitCode).toBe(0);
      const echo = await phones.answer('102', 'echo');
      const caller = phones.callFromTrunk({ talkMs: 300 });
      expect((await caller.done).exitCode).toBe(0);
      await echo.stop();
      const callId = callIdOf(caller, TRUNK_IP);

      let failed: Record<string, string> | undefined;
      await expect
        .poll(async () => (failed = rows((await cli('webhooks', 'list', '--status', 'failed')).out).find((r) => r.CALL === callId)), { timeout: 15_000, interval: 300 })
        .toMatchObject({ ENDPOINT: 'crm', EVENT: 'call.ended', STATUS: 'failed', 'LAST ERROR': expect.stringContaining('400') });

      refuse = false;
      const received = crm.receiver.at('/crm').length;
      const replay = await cli('webhooks', 'replay', failed!.ID!);
      expect(replay, replay.err).toMatchObject({ code: 0 });
      expect(replay.out).toContain(`Delivery ${failed!.ID}`);
      await waitFor('the replayed delivery', () => crm.receiver.at('/crm').length === received + 1);
      await expect.poll(async () => rows((await cli('webhooks', 'list', '--status', 'delivered')).out).find((r) => r.ID === failed!.ID)?.STATUS).toBe('delivered');

      const again = await cli('webhooks', 'replay', failed!.ID!);
      expect(again.code).toBe(1);
      expect(again.err).toMatch(/is delivered: only failed and dead deliveries are replayed/);
    } finally {
      crm.receiver.route('/crm', () => ({ status: 200 }));
      await phones.unregisterAll();
    }
  });

  it('checks a configuration without starting, naming a bad environment variable', async () => {
    const good = await cli('config', 'check', '--config', 'config/leadline.yaml');
    expect(good).toMatchObject({ code: 0 });
    expect(good.out).toMatch(/^config\/leadline\.yaml: valid \(3 managers/m);
    expect(good.out).toMatch(/^dialplans: 1 dial plans valid \(main-line\)$/m);
    const bad = await new Promise<{ code: number; err: string }>((resolve) =>
      execFile('npx', ['tsx', 'src/cli/operator-cli.ts', 'config', 'check'], { env: { ...process.env, LEADLINE_HTTP__PORT: 'eighty' } }, (error, _out, err) =>
        resolve({ code: error ? Number(error.code) : 0, err }),
      ),
    );
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('LEADLINE_HTTP__PORT (environment): http.port');
  });
});
