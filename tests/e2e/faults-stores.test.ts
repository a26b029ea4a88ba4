import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Phones } from '../helpers/phones.js';
import { PrivatePostgres } from '../helpers/private-postgres.js';
import { PrivateRedis } from '../helpers/private-redis.js';
import { until } from '../helpers/until.js';
import { COMPANY_NUMBER, startTestPbx, type TestPbx } from '../helpers/test-pbx.js';

/**
 * The stores fail in the middle of a burst (four calls talking, four callers waiting),
 * each in a server of the test's own on a spare port: the host's Redis and PostgreSQL
 * are never touched.
 *
 * Redis is killed (SIGKILL, AOF on) and started again: the live calls come back from
 * the AOF, the answers and hang-ups reported during the gap are handled once Redis is
 * back. PostgreSQL is stopped while calls end and waiting callers are answered: routing
 * goes on, the records wait in the writer and are saved when it is back. Either way
 * every call ends with exactly one record and every answered call one recording.
 */
const BASE_PORT = 31000;
const MANAGERS = 4;
const CALLS = 8;
const TALK_MS = 3000;

/** Every offered call has one record, answered; each one recording; no live call, no pcap left. */
async function expectNothingLost(pbx: TestPbx, calls: number): Promise<void> {
  const records = await until('a record for every call', async () => {
    const rows = await pbx.db.selectFrom('calls').select(['call_id', 'disposition']).execute();
    return rows.length >= calls ? rows : null;
  }, 90_000, pbx.logFile);
  expect(records).toHaveLength(calls);
  expect(records.every((r) => r.disposition === 'answered')).toBe(true);
  const recordings = await until('a recording for every answered call', async () => {
    const rows = await pbx.db.selectFrom('recordings').select('call_id').execute();
    return rows.length >= calls ? rows : null;
  }, 90_000, pbx.logFile);
  expect(new Set(recordings.map((r) => r.call_id))).toEqual(new Set(records.map((r) => r.call_id)));
  expect(await pbx.redis.keys(`${pbx.config.redis.keyPrefix}call:*`)).toEqual([]);
  const pcaps = join(pbx.spoolDir, 'pcaps');
  await until('the spool emptied', async () => !existsSync(pcaps) || readdirSync(pcaps).length === 0, 60_000, pbx.logFile);
}

async function answeringPhones(pbx: TestPbx, calls: number) {
  const phones = new Phones(pbx);
  for (const extension of pbx.extensions) expect((await phones.register(extension)).exitCode).toBe(0);
  const answering = [];
  for (const extension of pbx.extensions) answering.push(await phones.answer(extension, 'echo', calls));
  return { phones, answering };
}

/**
 * Four calls talking and four waiting, then `fault` (which also waits for what should
 * happen while the store is away), then every offered call answered with nothing lost.
 */
async function burstThrough(pbx: TestPbx, fault: () => Promise<void>): Promise<void> {
  const { phones, answering } = await answeringPhones(pbx, CALLS);
  const liveKeys = () => pbx.redis.keys(`${pbx.config.redis.keyPrefix}call:*`);
  const trunk = phones.trunkCalls(0, { dialled: COMPANY_NUMBER, scenario: 'uac-call.xml', calls: CALLS, rate: 5, talkMs: TALK_MS });
  await until('four calls talking and four waiting', async () => (await liveKeys()).length >= CALLS);
  await new Promise((r) => setTimeout(r, 300));
  await fault();
  const offered = await trunk.done;
  for (const phone of answering) await phone.stop();
  expect(offered.stats?.created).toBe(CALLS);
  expect(offered.stats?.successful).toBe(CALLS);
  await expectNothingLost(pbx, CALLS);
}

describe('Redis restarted in the middle of a burst', () => {
  const redisServer = new PrivateRedis(BASE_PORT + 979);
  let pbx: TestPbx;
  beforeAll(async () => {
    await redisServer.start();
    pbx = await startTestPbx({ basePort: BASE_PORT, name: 'faults-stores', managers: MANAGERS, recordings: { format: 'wav' }, redisUrl: redisServer.url });
  }, 60_000);
  afterAll(async () => {
    await pbx?.destroy();
    await redisServer.destroy();
  }, 60_000);

  it('loses no call: one record per call, one recording per answered call, no live call left', async () => {
    await burstThrough(pbx, async () => {
      await redisServer.kill();
      // The talking calls hang up while Redis is down.
      await new Promise((r) => setTimeout(r, TALK_MS));
      await redisServer.start();
    });
  }, 150_000);
});

describe('PostgreSQL stopped in the middle of a burst', () => {
  const postgres = new PrivatePostgres(BASE_PORT + 932);
  let pbx: TestPbx;
  beforeAll(async () => {
    postgres.init();
    postgres.start();
    pbx = await startTestPbx({ basePort: BASE_PORT, name: 'faults-pg', managers: MANAGERS, recordings: { format: 'wav' }, postgresUrl: postgres.url });
  }, 60_000);
  afterAll(async () => {
    await pbx?.destroy();
    postgres.destroy();
  }, 60_000);

  it('keeps routing while it is down, and afterwards every call has one record and one recording', async () => {
    await burstThrough(pbx, async () => {
      postgres.stop();
      // The talking calls hang up and the waiting ones are answered while PostgreSQL is down.
      await new Promise((r) => setTimeout(r, 2 * TALK_MS + 2000));
      postgres.start();
    });
  }, 150_000);
});
