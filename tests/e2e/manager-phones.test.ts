import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisKeys } from '../../src/adapters/redis/redis-keys.js';
import { startBaresip } from '../helpers/baresip.js';
import { CrmStandIn } from '../helpers/crm-stand-in.js';
import { Phones, callIdOf, finalCodeOf } from '../helpers/phones.js';
import { COMPANY_NUMBER, TRUNK_IP, startTestPbx, type TestPbx } from '../helpers/test-pbx.js';

/** Managers' phones against the real PBX: a real softphone, outbound calls, and who gets refused. */
let pbx: TestPbx;
let phones: Phones;
/** The CRM stand-in: records the signed webhooks the PBX posts. */
const crm = new CrmStandIn(['call.*']);

beforeAll(async () => {
  await crm.start();
  pbx = await startTestPbx({ name: 'phones', basePort: 14000, managers: 2, ringTimeoutSeconds: 5, crm: crm.config() });
  phones = new Phones(pbx);
});

afterAll(async () => {
  await pbx?.destroy();
  await crm.stop();
});

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** baresip as manager 101's phone: registers through the PBX and auto-answers. */
function baresipAs101() {
  return startBaresip({ extension: '101', password: pbx.passwordOf('101'), port: phones.portOf('101'), proxy: `127.0.0.1:${pbx.ports.sip}`, domain: pbx.config.sip.domain });
}

describe('manager phones', () => {
  it('baresip registers with digest auth, auto-answers an inbound call and hears the caller', async () => {
    const keys = new RedisKeys(pbx.config.redis.keyPrefix);
    const phone = baresipAs101();
    try {
      await waitUntil('baresip is registered', async () => (await pbx.redis.exists(keys.registration('101'))) === 1);
      const caller = phones.callFromTrunk({ talkMs: 2000 });
      const result = await caller.done;
      expect(result.exitCode, result.errors + phone.output()).toBe(0);
      const record = await pbx.waitForRecord(callIdOf(caller, TRUNK_IP));
      expect(record).toMatchObject({ disposition: 'answered', manager: '101', direction: 'inbound' });
      // baresip answers in a few ms; the ring time is the PBX's own work plus the phone's.
      expect(record.ringSeconds).toBeLessThan(1);
    } finally {
      await phone.stop();
    }
    // What baresip decoded from the caller is the sipp recording, not silence.
    const decoded = readdirSync(phone.dir).find((f) => f.endsWith('-dec.wav'));
    expect(decoded, phone.output()).toBeDefined();
    const soxStat = spawnSync('sox', [join(phone.dir, decoded!), '-n', 'stat'], { encoding: 'utf8' }).stderr; // sox prints stat on stderr
    const rms = Number(/RMS\s+amplitude:\s+([\d.]+)/.exec(soxStat)?.[1]);
    expect(rms).toBeGreaterThan(0.01);
    await phones.unregisterAll();
  });

  it('sends a manager\'s call to an external number out through the trunk with the company caller ID', async () => {
    expect((await phones.register('101')).exitCode).toBe(0);
    const trunk = await phones.trunkAnswers();
    const caller = phones.callFromPhone('101', '+79161234567', { talkMs: 1000 });
    const result = await caller.done;
    const trunkSide = await trunk.stop();
    expect(result.exitCode, result.errors).toBe(0);

    const record = await pbx.waitForRecord(callIdOf(caller, '127.0.0.1'));
    expect(record).toMatchObject({ direction: 'outbound', manager: '101', calleeNumber: '+79161234567', companyNumber: COMPANY_NUMBER, disposition: 'answered' });
    expect(record.attempts).toEqual([expect.objectContaining({ manager: null, result: 'answered', target: `sip:+79161234567@${TRUNK_IP}:${pbx.ports.trunk}` })]);
    const seenByTrunk = readFileSync(join(trunkSide.workDir, 'messages.log'), 'utf8');
    expect(seenByTrunk).toMatch(/INVITE sip:\+79161234567@127\.0\.0\.2/);
    expect(seenByTrunk).toMatch(new RegExp(`From: .*sip:\\${COMPANY_NUMBER}@`));
    await phones.unregisterAll();
  });

  it('records a lead\'s first dial when a manager dials its number written another way, with the seconds since the lead was created', async () => {
    const createdAt = new Date(Date.now() - 90_000).toISOString();
    const lead = await pbx.api('/api/leads', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'lead-e2e-1', phone: '+7 (916) 555-00-11', createdAt, ownerManager: '101' }),
    });
    expect(lead.status, await lead.clone().text()).toBeLessThan(300);
    expect((await phones.register('101')).exitCode).toBe(0);
    const trunk = await phones.trunkAnswers();
    const caller = phones.callFromPhone('101', '89165550011', { talkMs: 500 });
    expect((await caller.done).exitCode).toBe(0);
    await trunk.stop();
    const callId = callIdOf(caller, '127.0.0.1');
    let body: { firstDial: { callId: string; seconds: number; manager: string | null } | null } = { firstDial: null };
    await waitUntil('the first dial is recorded', async () => {
      body = (await (await pbx.api('/api/leads/lead-e2e-1')).json()) as typeof body;
      return body.firstDial !== null;
    });
    expect(body.firstDial).toMatchObject({ callId, manager: '101' });
    // Created 90 s before the dial; the call set-up takes well under 5 s here.
    expect(body.firstDial!.seconds).toBeGreaterThanOrEqual(90);
    expect(body.firstDial!.seconds).toBeLessThan(95);
    await phones.unregisterAll();
  });

  it('connects one manager to another by extension', async () => {
    await phones.register('101');
    await phones.register('102');
    const callee = await phones.answer('102', 'echo');
    const caller = phones.callFromPhone('101', '102', { talkMs: 500 });
    expect((await caller.done).exitCode).toBe(0);
    await callee.stop();
    const record = await pbx.waitForRecord(callIdOf(caller, '127.0.0.1'));
    expect(record).toMatchObject({ direction: 'internal', manager: '102', calleeNumber: '102', disposition: 'answered' });
    await phones.unregisterAll();
  });

  it('rejects REGISTER with a wrong password', async () => {
    const result = await phones.register('102', { password: 'not-the-password' });
    expect(result.exitCode, result.errors).toBe(0); // register-expect-403.xml passes only on 403
    expect(await pbx.redis.exists(new RedisKeys(pbx.config.redis.keyPrefix).registration('102'))).toBe(0);
  });

  it('challenges an INVITE from a non-trunk address without credentials, and refuses wrong ones', async () => {
    const stranger = phones.callFromPhone('101', '+79161234567', { scenario: 'uac-call-expect-failure.xml' });
    const result = await stranger.done;
    expect(finalCodeOf(result)).toBe(407);
    const wrong = await phones.callFromPhone('101', '+79161234567', { password: 'wrong-password' }).done;
    expect(wrong.exitCode).toBe(1);
    expect(wrong.stdout + wrong.errors).toMatch(/403/);
  });

  it('click-to-call: the manager\'s phone answers, is referred to the client, and the client (on the trunk) answers; the call is recorded', async () => {
    const keys = new RedisKeys(pbx.config.redis.keyPrefix);
    const phone = baresipAs101();
    const client = '+79167654321';
    const trunk = await phones.trunkAnswers(1);
    try {
      await waitUntil('baresip is registered', async () => (await pbx.redis.exists(keys.registration('101'))) === 1);
      const res = await pbx.api('/api/calls', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ manager: '101', phone: client }) });
      expect(res.status, await res.clone().text()).toBe(202);
      expect(await res.json()).toEqual({ manager: '101', phone: client, status: 'ringing-manager' });
      // The client's leg is the manager's own outbound call: let it talk, then the manager hangs up.
      await waitUntil('the manager is talking to the client', async () => {
        const managers = (await (await pbx.api('/api/managers')).json()) as { managers: { extension: string; status: string; callIds: string[] }[] };
        const m = managers.managers.find((x) => x.extension === '101');
        return m?.status === 'on-call' && m.callIds.some((id) => !id.includes('@127.0.0.1'));
      }, 15_000);
      await new Promise((r) => setTimeout(r, 1500));
    } finally {
      await phone.stop();
      await trunk.stop();
    }
    let list: { items: (Record<string, unknown> & { callId: string })[] } = { items: [] };
    await waitUntil('the outbound call is recorded', async () => {
      list = (await (await pbx.api('/api/calls?direction=outbound&limit=5')).json()) as typeof list;
      return list.items.some((c) => String(c.calleeNumber).endsWith('79167654321'));
    });
    const record = list.items.find((c) => String(c.calleeNumber).endsWith('79167654321'));
    expect(record, `${phone.output()}\n${JSON.stringify(list.items)}`).toMatchObject({ direction: 'outbound', manager: '101', disposition: 'answered' });
    const pcaps = readdirSync(join(pbx.spoolDir, 'pcaps'));
    expect(pcaps.some((f) => decodeURIComponent(f).startsWith(record!.callId)), pcaps.join(', ')).toBe(true);

    // The CRM got the client call as signed webhooks, in order, each verifiable by the spec's own library.
    let events: { type: string; data: Record<string, unknown> }[] = [];
    await waitUntil('the CRM received call.ended', async () => {
      events = crm
        .verified()
        .filter((e) => JSON.stringify(e.data).includes(record!.callId));
      return events.some((e) => e.type === 'call.ended');
    });
    expect(events.map((e) => e.type)).toEqual(['call.started', 'call.answered', 'call.ended']);
    await phones.unregisterAll();
  });

  it('click-to-call refuses at once when the manager is offline, with the reason', async () => {
    const res = await pbx.api('/api/calls', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ manager: '102', phone: '+79167654321' }) });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: { code: 'CALL.MANAGER_OFFLINE', message: 'Manager 102 is offline: his phone is not registered.' } });
  });
});
