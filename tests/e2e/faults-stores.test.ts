import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Phones } from '../helpers/phones.js';
import { PrivateRedis } from '../helpers/private-redis.js';
import { until } from '../helpers/until.js';
import { COMPANY_NUMBER, startTestPbx, type TestPbx } from '../helpers/test-pbx.js';

/**
 * Redis is killed (SIGKILL, AOF on) and started again in the middle of a burst: four
 * calls talking, four callers waiting. The live calls come back from the AOF, the
 * answers and hang-ups reported during the gap are handled once Redis is back, and
 * every call ends with exactly one record and every answered call one recording.
 * The test's own redis-server on a spare port: the host's Redis is never touched.
 */
const BASE_PORT = 31000;
const MANAGERS = 4;
const CALLS = 8;
const TALK_MS = 3000;

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

describe('Redis restarted in the middle of a burst', () => {
  it('loses no call: one record per call, one recording per answered call, no live call left', async () => {
    const phones = new Phones(pbx);
    for (const extension of pbx.extensions) expect((await phones.register(extension)).exitCode).toBe(0);
    const answering = [];
    for (const extension of pbx.extensions) answering.push(await phones.answer(extension, 'echo', CALLS));
    const liveKeys = () => pbx.redis.keys(`${pbx.config.redis.keyPrefix}call:*`);

    const trunk = phones.trunkCalls(0, { dialled: COMPANY_NUMBER, scenario: 'uac-call.xml', calls: CALLS, rate: 5, talkMs: TALK_MS });
    await until('four calls talking and four waiting', async () => (await liveKeys()).length >= CALLS);
    await new Promise((r) => setTimeout(r, 300));
    await redisServer.kill();
    // The talking calls hang up while Redis is down.
    await new Promise((r) => setTimeout(r, TALK_MS));
    await redisServer.start();

    const offered = await trunk.done;
    for (const phone of answering) await phone.stop();
    expect(offered.stats?.created).toBe(CALLS);
    expect(offered.stats?.successful).toBe(CALLS);
    const records = await until('a record for every call', async () => {
      const rows = await pbx.db.selectFrom('calls').select(['call_id', 'disposition']).execute();
      return rows.length >= CALLS ? rows : null;
    });
    expect(records).toHaveLength(CALLS);
    expect(records.every((r) => r.disposition === 'answered')).toBe(true);
    const recordings = await until('a recording for every answered call', async () => {
      const rows = await pbx.db.selectFrom('recordings').select('call_id').execute();
      return rows.length >= CALLS ? rows : null;
    });
    expect(new Set(recordings.map((r) => r.call_id))).toEqual(new Set(records.map((r) => r.call_id)));
    expect(await liveKeys()).toEqual([]);
    const pcaps = join(pbx.spoolDir, 'pcaps');
    await until('the spool emptied', async () => !existsSync(pcaps) || readdirSync(pcaps).length === 0);
  }, 150_000);
});
