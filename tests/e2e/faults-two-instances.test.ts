import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../src/adapters/postgres/database.js';
import { createRedis, type LeadlineRedis } from '../../src/adapters/redis/create-redis.js';
import { RedisKeys } from '../../src/adapters/redis/redis-keys.js';
import type { Config } from '../../src/config/config-schema.js';
import { CrmStandIn } from '../helpers/crm-stand-in.js';
import { Phones } from '../helpers/phones.js';
import { startServiceChild, type ServiceChild } from '../helpers/service-child.js';
import type { SippRun } from '../helpers/sipp.js';
import { until } from '../helpers/until.js';
import { COMPANY_NUMBER, portPlan, testConfig, writeDialplans, type TestPbx } from '../helpers/test-pbx.js';
import { dropSchema } from '../../src/adapters/postgres/migrate.js';

/**
 * Two service instances on one Kamailio: A started it (embedded daemons), B connects to
 * it as a second instance (daemons external, its own HTTP and mailbox ports and workers). A holds the
 * router lease, B stands by. In the middle of a burst (phones talking, callers waiting in
 * line, new callers still coming) A is killed with SIGKILL and nobody starts it again.
 * B takes the lease within the bound, replays what A left (route requests that came in
 * the gap, answers and hang-ups), takes A's waiting line over, and nothing is lost or
 * done twice: every offered call is routed (no 503), has one record, one recording and
 * one webhook of each kind. Then A is started again (it stands by) and B is stopped for
 * a deploy (SIGTERM) in the middle of a second burst: it gives the lease back and A
 * routes at once, again with nothing lost.
 */
const BASE_PORT = 36000;
const MANAGERS = 4;
const CALLS = 16;
/** The second burst, through the deploy (SIGTERM of the router). */
const DEPLOY_CALLS = 8;
const RATE = 2;
const TALK_MS = 3000;
const LEASE_S = 2;

let workDir: string;
let configA: Config;
let configB: Config;
let a: ServiceChild | null = null;
let b: ServiceChild | null = null;
let redis: LeadlineRedis;
let db: Database;
const crm = new CrmStandIn(['call.answered', 'call.ended', 'recording.ready']);
const logA = 'tests/artifacts/faults-two-instances-a.log';
const logB = 'tests/artifacts/faults-two-instances-b.log';

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'leadline-faults-ha-'));
  await crm.start();
  configA = testConfig(
    {
      basePort: BASE_PORT,
      name: 'faults-ha',
      managers: MANAGERS,
      crm: crm.config(),
      // A short claim: a job A's dead worker held comes back to B's workers within seconds.
      recordings: { format: 'wav', claimSeconds: 2, spoolSweepSeconds: 1, pcapWaitSeconds: 1 },
    },
    workDir,
  );
  configA = { ...configA, failover: { leaseSeconds: LEASE_S } };
  // The second instance: the same install (Redis prefix, database, spool), the daemons
  // A started, its own HTTP port and run directory.
  configB = {
    ...configA,
    http: { ...configA.http, port: configA.http.port + 1 },
    // Each instance's mailbox user agent listens on its own port (A's: sip.port + 2).
    voicemail: { port: configA.sip.port + 3 },
    daemons: { mode: 'external', kamailioConfigOut: join(workDir, 'run-b', 'kamailio.cfg') },
    paths: { ...configA.paths, runDir: join(workDir, 'run-b') },
  };
  writeDialplans(configA);
  mkdirSync('tests/artifacts', { recursive: true });
  rmSync(logA, { force: true });
  rmSync(logB, { force: true });
  redis = await createRedis(configA.redis.url);
  db = createDatabase(configA.postgres);
  a = await startServiceChild(configA, logA, 90_000);
  await until('A holds the router lease', async () => (await redis.get(new RedisKeys(configA.redis.keyPrefix).routerLease())) !== null, 10_000, logA);
  b = await startServiceChild(configB, logB, 90_000);
}, 240_000);

afterAll(async () => {
  await b?.stop();
  // A was killed: its Kamailio and rtpengine are left running; a start of A adopts them and a stop ends them.
  a = a ?? (await startServiceChild(configA, logA, 90_000).catch(() => null));
  await a?.stop();
  await crm.stop();
  const keys = await redis.keys(`${configA.redis.keyPrefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await dropSchema(db, configA.postgres.schema);
  await db.destroy();
  rmSync(workDir, { recursive: true, force: true });
}, 240_000);

/** When the service logged `msg` first after `after` (epoch ms), by its own clock. */
function logTime(file: string, msg: string, after: number): number {
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.includes(msg)) continue;
    const entry = JSON.parse(line) as { time: number; msg: string };
    if (entry.msg === msg && entry.time >= after) return entry.time;
  }
  throw new Error(`${file} has no "${msg}" after ${new Date(after).toISOString()}`);
}

async function routerOf(service: ServiceChild): Promise<string> {
  const health = (await (await fetch(`${service.httpUrl}/healthz`)).json()) as { checks?: Record<string, { detail?: string }> };
  return health.checks?.router?.detail ?? JSON.stringify(health);
}

/** Every offered call: one record (answered), one recording, one webhook of each kind; no live call, no pcap left. */
async function expectEachCallOnce(total: number) {
  const records = await until('a record for every call', async () => {
    const rows = await db.selectFrom('calls').select(['call_id', 'disposition', 'started_at']).execute();
    return rows.length >= total ? rows : null;
  }, 90_000, logB);
  expect(records).toHaveLength(total);
  expect(records.every((r) => r.disposition === 'answered')).toBe(true);
  const recordings = await until('a recording for every answered call', async () => {
    const rows = await db.selectFrom('recordings').select('call_id').execute();
    return rows.length >= total ? rows : null;
  }, 90_000, logB);
  expect(recordings).toHaveLength(total);
  expect(new Set(recordings.map((r) => r.call_id))).toEqual(new Set(records.map((r) => r.call_id)));
  expect(await redis.keys(`${new RedisKeys(configA.redis.keyPrefix).liveCall('')}*`)).toEqual([]);
  const pcaps = join(configA.paths.spoolDir, 'pcaps');
  await until('the spool emptied', async () => !existsSync(pcaps) || readdirSync(pcaps).length === 0, 60_000, logB);
  // Exactly once: one webhook of each kind per call, none twice (each event was handled by one instance).
  const callIdOf = (d: Record<string, unknown>) => (d.callId ?? (d.record as { callId?: string } | undefined)?.callId) as string;
  for (const type of ['call.answered', 'call.ended', 'recording.ready']) {
    const delivered = await until(`${type} for every call`, async () => {
      const got = crm.verified().filter((e) => e.type === type).map((e) => callIdOf(e.data));
      return got.length >= total ? got : null;
    }, 60_000, logB);
    expect(delivered.sort()).toEqual(records.map((r) => r.call_id).sort());
  }
  return records;
}

describe('SIGKILL of the routing instance with a second instance running, then a deploy', () => {
  it('the standby takes over within the lease bound and answers the callers who came meanwhile; a stopped router hands over at once; nothing is lost or done twice', async () => {
    const keys = new RedisKeys(configA.redis.keyPrefix);
    const holderA = await redis.get(keys.routerLease());
    expect(await routerOf(a!)).toMatch(/^active/);
    expect(await routerOf(b!)).toMatch(/^standby/);

    const pbx = {
      ports: portPlan(BASE_PORT),
      extensions: configA.managers.map((m) => m.extension),
      passwordOf: (ext: string) => configA.managers.find((m) => m.extension === ext)!.password,
    } as unknown as TestPbx;
    const phones = new Phones(pbx);
    for (const extension of pbx.extensions) expect((await phones.register(extension)).exitCode).toBe(0);
    const answering: SippRun[] = [];
    for (const extension of pbx.extensions) answering.push(await phones.answer(extension, 'echo', CALLS));

    // Calls keep coming for 8 s; the kill lands with four talking, some waiting in line.
    const trunk = phones.trunkCalls(0, { dialled: COMPANY_NUMBER, scenario: 'uac-call.xml', calls: CALLS, rate: RATE, talkMs: TALK_MS });
    await until('four calls talking and callers waiting', async () => (await redis.keys(`${keys.liveCall('')}*`)).length >= MANAGERS + 2, 60_000, logA);
    const killedAt = Date.now();
    await a!.kill();
    a = null;
    const takenAt = await until('B holds the router lease', async () => {
      const holder = await redis.get(keys.routerLease());
      return holder !== null && holder !== holderA ? Date.now() : null;
    }, 10_000, logB);
    const gapS = (takenAt - killedAt) / 1000;
    // A's last renewal was at most a quarter lease before the kill; B tries every eighth.
    expect(gapS).toBeLessThanOrEqual(LEASE_S + LEASE_S / 8 + 0.5);
    expect(await routerOf(b!)).toMatch(/^active/);

    const offered = await trunk.done;
    for (const phone of answering) await phone.stop();
    // Every caller got through, including those whose INVITE came while nobody routed.
    expect(offered.stats?.created).toBe(CALLS);
    expect(offered.stats?.successful).toBe(CALLS);
    const records = await expectEachCallOnce(CALLS);
    // Calls did come in while A was dead and before B took over.
    expect(records.some((r) => r.started_at.getTime() > killedAt && r.started_at.getTime() < takenAt)).toBe(true);

    // A deploy next: the killed instance is started again (it adopts its daemons and
    // stands by), then the router is stopped (SIGTERM) in the middle of another burst.
    a = await startServiceChild(configA, logA);
    await until('A standing by', async () => /^standby/.test(await routerOf(a!)), 10_000, logA);
    const holderB = await redis.get(keys.routerLease());
    const again: SippRun[] = [];
    for (const extension of pbx.extensions) again.push(await phones.answer(extension, 'echo', DEPLOY_CALLS));
    const trunk2 = phones.trunkCalls(1, { dialled: COMPANY_NUMBER, scenario: 'uac-call.xml', calls: DEPLOY_CALLS, rate: RATE, talkMs: TALK_MS });
    await until('the second burst talking', async () => (await redis.keys(`${keys.liveCall('')}*`)).length >= 3, 60_000, logB);
    const stoppedAt = Date.now();
    const stopping = b!.stop();
    b = null;
    const handedAt = await until('A holds the router lease again', async () => {
      const holder = await redis.get(keys.routerLease());
      return holder !== null && holder !== holderB ? Date.now() : null;
    }, 10_000, logA);
    await stopping;
    // Given back, not left to expire: from B standing down (its log) to A taking the lease
    // (A's log) within an eighth of the lease, plus slack for this loaded machine.
    const stoodDown = logTime(logB, 'router lease lost: this instance stands by', stoppedAt);
    const tookOver = logTime(logA, 'router lease taken: this instance answers kamailio', stoppedAt);
    expect(tookOver - stoodDown).toBeGreaterThanOrEqual(0);
    expect(tookOver - stoodDown).toBeLessThan(LEASE_S * 1000 / 8 + 1000);
    expect(handedAt - stoppedAt).toBeLessThan(10_000);
    const offered2 = await trunk2.done;
    for (const phone of again) await phone.stop();
    expect(offered2.stats?.successful).toBe(DEPLOY_CALLS);
    await expectEachCallOnce(CALLS + DEPLOY_CALLS);
  }, 400_000);
});
