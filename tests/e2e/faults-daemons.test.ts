import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KamailioRpc } from '../../src/adapters/kamailio/kamailio-rpc.js';
import { Phones } from '../helpers/phones.js';
import { until } from '../helpers/until.js';
import { COMPANY_NUMBER, startTestPbx, type TestPbx } from '../helpers/test-pbx.js';

/**
 * Kamailio dies (SIGKILL of its whole process group) in the middle of a burst: four
 * calls talking, two callers waiting in line. The launcher starts it again, the
 * service reconnects and gives it back the phones' registrations. The conversations'
 * media goes on through rtpengine; the new Kamailio does not know their dialogs and
 * refuses their BYE (481: in-dialog requests need a known dialog), so each is closed
 * when rtpengine drops its silent media, with the recording's times. The callers
 * Kamailio dropped get a record too. Nothing is lost.
 */
const MANAGERS = 4;
const FIRST_BURST = 6;
const TALK_MS = 5000;

let pbx: TestPbx;
beforeAll(async () => {
  pbx = await startTestPbx({ basePort: 30000, name: 'faults-daemons', managers: MANAGERS, recordings: { format: 'wav' } });
}, 60_000);
afterAll(async () => pbx?.destroy(), 60_000);

const liveKeys = () => pbx.redis.keys(`${pbx.config.redis.keyPrefix}call:*`);
const kamailioPid = () => Number(readFileSync(join(pbx.config.paths.runDir, 'kamailio.pid'), 'utf8').trim());

describe('Kamailio killed in the middle of a burst', () => {
  it('comes back by itself with the registrations, and every call ends with one record and its recording', async () => {
    const phones = new Phones(pbx);
    for (const extension of pbx.extensions) expect((await phones.register(extension)).exitCode).toBe(0);
    const answering = [];
    for (const extension of pbx.extensions) answering.push(await phones.answer(extension, 'echo', FIRST_BURST));
    const before = kamailioPid();

    const first = phones.trunkCalls(0, { dialled: COMPANY_NUMBER, scenario: 'uac-call.xml', calls: FIRST_BURST, rate: 5, talkMs: TALK_MS });
    await until('four calls talking and two waiting', async () => (await liveKeys()).length >= FIRST_BURST);
    await new Promise((r) => setTimeout(r, 300));
    process.kill(-before, 'SIGKILL');
    await until('kamailio started again and the service reconnected', async () => {
      const pid = existsSync(join(pbx.config.paths.runDir, 'kamailio.pid')) ? kamailioPid() : before;
      return pid !== before && pbx.evapi.isConnected;
    });
    // The phones' bindings are back in Kamailio's registrar.
    const rpc = new KamailioRpc(pbx.evapi);
    await until('registrations given back', async () => (await rpc.call('ul.lookup', ['location', '101']).catch(() => null)) !== null, 10_000);

    const firstResult = await first.done;
    for (const phone of answering) await phone.stop();
    expect(firstResult.stats?.created).toBe(FIRST_BURST);

    const total = FIRST_BURST;
    const records = await until('a record for every call', async () => {
      const rows = await pbx.db.selectFrom('calls').select(['call_id', 'disposition', 'times_approximate', 'talk_seconds']).execute();
      return rows.length >= total ? rows : null;
    }, 120_000, pbx.logFile);
    expect(records).toHaveLength(total);
    const answered = records.filter((r) => r.disposition === 'answered');
    expect(answered).toHaveLength(MANAGERS);
    // The conversations across the restart were closed from their recordings: about TALK_MS long.
    const across = answered.filter((r) => r.times_approximate);
    expect(across).toHaveLength(MANAGERS);
    for (const r of across) expect(Number(r.talk_seconds)).toBeGreaterThan(TALK_MS / 1000 - 1.5);
    expect(records.filter((r) => r.disposition === 'cancelled' && r.times_approximate)).toHaveLength(FIRST_BURST - MANAGERS);
    const recordings = await until('a recording for every answered call', async () => {
      const rows = await pbx.db.selectFrom('recordings').select('call_id').execute();
      return rows.length >= answered.length ? rows : null;
    });
    expect(new Set(recordings.map((r) => r.call_id))).toEqual(new Set(answered.map((r) => r.call_id)));
    expect(await liveKeys()).toEqual([]);
    const pcaps = join(pbx.spoolDir, 'pcaps');
    await until('the spool emptied', async () => !existsSync(pcaps) || readdirSync(pcaps).length === 0);
  }, 200_000);
});
