import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KamailioRpc } from '../../src/adapters/kamailio/kamailio-rpc.js';
import { Phones } from '../helpers/phones.js';
import { until } from '../helpers/until.js';
import { COMPANY_NUMBER, startTestPbx, type TestPbx } from '../helpers/test-pbx.js';

/**
 * Kamailio dies (SIGKILL of its whole process group) in the middle of a burst: four
 * calls talking, two callers waiting in line. The launcher starts it again, the
 * service reconnects and gives it back the phones' registrations. The conversations'
 * media goes on through rtpengine, and the new Kamailio loads their dialogs (with the
 * parties' addresses, $dlg_var) from PostgreSQL: each BYE is relayed to the other phone
 * and the service hears the hang-up at once, so the manager is free again and the record
 * has the exact times. The callers Kamailio dropped get a record too. Nothing is lost.
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
    // The talking calls' dialogs are stored (delayed writes, every second) before the kill.
    await until('the four confirmed dialogs stored with their parties', async () => {
      const stored = await sql<{ n: number }>`select count(distinct d.callid)::int as n from dialog d
        join dialog_vars v on v.hash_entry = d.hash_entry and v.hash_id = d.hash_id and v.dialog_key = 'callee_ip'
        where d.state = 4`.execute(pbx.db);
      return stored.rows[0]!.n >= MANAGERS;
    });
    process.kill(-before, 'SIGKILL');
    await until('kamailio started again and the service reconnected', async () => {
      const pid = existsSync(join(pbx.config.paths.runDir, 'kamailio.pid')) ? kamailioPid() : before;
      return pid !== before && pbx.evapi.isConnected;
    });
    // The phones' bindings are back in Kamailio's registrar.
    const rpc = new KamailioRpc(pbx.evapi);
    await until('registrations given back', async () => (await rpc.call('ul.lookup', ['location', '101']).catch(() => null)) !== null, 10_000);

    const firstResult = await first.done;
    const byesDoneAt = Date.now();
    expect(firstResult.stats?.created).toBe(FIRST_BURST);
    // Each talking caller's BYE got its 200 (not 481): it reached the other phone.
    expect(firstResult.stats?.successful).toBe(MANAGERS);
    // The managers are free at once, not after the 60 s reconciliation.
    await until('no live call left', async () => (await liveKeys()).length === 0, 5_000, pbx.logFile);
    expect(Date.now() - byesDoneAt).toBeLessThan(5_000);
    const uas = await Promise.all(answering.map((phone) => phone.stop()));
    // Every answering phone received the BYE of its call and answered it.
    expect(uas.reduce((n, r) => n + (r.stats?.successful ?? 0), 0)).toBe(MANAGERS);

    const total = FIRST_BURST;
    const records = await until('a record for every call', async () => {
      const rows = await pbx.db.selectFrom('calls').select(['call_id', 'disposition', 'times_approximate', 'talk_seconds']).execute();
      return rows.length >= total ? rows : null;
    }, 120_000, pbx.logFile);
    expect(records).toHaveLength(total);
    const answered = records.filter((r) => r.disposition === 'answered');
    expect(answered).toHaveLength(MANAGERS);
    // The conversations across the restart ended with their BYE: exact times, about TALK_MS long.
    expect(answered.filter((r) => r.times_approximate)).toEqual([]);
    for (const r of answered) expect(Number(r.talk_seconds)).toBeGreaterThan(TALK_MS / 1000 - 1.5);
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
