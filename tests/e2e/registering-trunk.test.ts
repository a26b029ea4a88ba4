import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registrationContactUser } from '../../src/adapters/kamailio/trunk-registrations.js';
import { CrmStandIn } from '../helpers/crm-stand-in.js';
import { Phones, callIdOf } from '../helpers/phones.js';
import { startSipp, waitForPortFree } from '../helpers/sipp.js';
import { COMPANY_NUMBER, TRUNK_IP, portPlan, startTestPbx, type TestPbx } from '../helpers/test-pbx.js';

/**
 * A provider that hands out a SIP login (sipp on 127.0.0.2): Kamailio registers with
 * digest auth, the provider's call to the registered Contact reaches a manager, and a
 * manager's outbound call answers the provider's challenge with the trunk's account.
 */
const BASE = 33000;
const ACCOUNT = { user: 'leadline-acct', password: 's3cret-trunk-pw' };
const ports = portPlan(BASE);
/** The second trunk's provider, on its own port: it goes away and comes back. */
const SECOND_PORT = ports.trunk + 10;
const crm = new CrmStandIn(['trunk.*']);
let pbx: TestPbx;
let phones: Phones;

/** The provider's registrar answering one REGISTER (and its digest retry), granting `granted` seconds. */
async function registrar(port: number, granted: number) {
  await waitForPortFree(port, TRUNK_IP);
  return startSipp({ scenario: 'provider-registrar.xml', localIp: TRUNK_IP, localPort: port, vars: { ...ACCOUNT, granted }, calls: 1, traceErr: true, timeoutMs: 40_000 });
}

async function trunkState(name: string): Promise<string | undefined> {
  const body = (await (await pbx.api('/api/trunks')).json()) as { trunks: { name: string; state: string }[] };
  return body.trunks.find((t) => t.name === name)?.state;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

beforeAll(async () => {
  await crm.start();
  // The registrar waits before the PBX starts: the first REGISTER must meet it.
  const first = await registrar(ports.trunk, 3600);
  pbx = await startTestPbx({
    name: 'registering-trunk',
    basePort: BASE,
    managers: 2,
    trunks: [{
      name: 'provider',
      callerId: COMPANY_NUMBER,
      address: TRUNK_IP,
      register: { username: ACCOUNT.user, password: ACCOUNT.password, domain: `${TRUNK_IP}:${ports.trunk}`, expires: 3600 },
    }, {
      name: 'second',
      callerId: '+74957654321',
      register: { username: ACCOUNT.user, password: ACCOUNT.password, domain: `${TRUNK_IP}:${SECOND_PORT}`, expires: 3600 },
    }],
    crm: crm.config(),
  });
  phones = new Phones(pbx);
  const registered = await first.done;
  expect(registered.exitCode, registered.errors || registered.stdout.slice(-2000)).toBe(0);
}, 60_000);

afterAll(async () => {
  await pbx?.destroy();
  await crm.stop();
});

describe('a registering trunk', () => {
  it('registers with the provider\'s digest challenge and shows the trunk up', async () => {
    const trunks = await waitFor('the trunk reported registered', async () => {
      const body = (await (await pbx.api('/api/trunks')).json()) as { trunks: { name: string; kind: string; state: string }[] };
      return body.trunks.find((t) => t.name === 'provider' && t.state === 'registered') ? body : undefined;
    });
    expect(trunks.trunks[0]).toEqual(expect.objectContaining({ name: 'provider', kind: 'registering', state: 'registered' }));
    // The second trunk's provider is not there yet: /healthz says so, and only of it.
    const health = await fetch(`${pbx.httpUrl}/healthz`);
    expect(health.status).toBe(503);
    const { checks } = (await health.json()) as { checks: Record<string, { ok: boolean; detail?: string }> };
    expect(checks.trunks).toMatchObject({ ok: false });
    expect(checks.trunks!.detail).toMatch(/^second: (pending|unregistered)$/);
  });

  it('routes the provider\'s call to the registered Contact to a manager', async () => {
    expect((await phones.register('101')).exitCode).toBe(0);
    const echo = await phones.answer('101', 'echo');
    // The provider calls the Contact it was given; its To names no number, so the call is for the trunk's own number.
    const caller = phones.callFromTrunk({ dialled: registrationContactUser(pbx.config, pbx.config.trunks[0]!), talkMs: 500 });
    const result = await caller.done;
    await echo.stop();
    expect(result.exitCode, result.errors).toBe(0);
    const record = await pbx.waitForRecord(callIdOf(caller, TRUNK_IP));
    expect(record).toMatchObject({ direction: 'inbound', disposition: 'answered', manager: '101', companyNumber: COMPANY_NUMBER });
    await phones.register('101', { expires: 0 });
  });

  it('refuses a call to the registered Contact from another address than the provider\'s', async () => {
    const mark = pbx.logMark();
    const caller = startSipp({
      scenario: 'uac-call-expect-failure.xml',
      remote: `127.0.0.1:${ports.sip}`,
      localIp: '127.0.0.1',
      localPort: ports.phone(7),
      service: registrationContactUser(pbx.config, pbx.config.trunks[0]!),
      calls: 1,
      traceErr: true,
      timeoutMs: 20_000,
    });
    const result = await caller.done;
    // Not trusted as the trunk, it is treated as a phone: challenged, and sipp has no password.
    expect(result.logLines.join('\n')).toMatch(/final=407/);
    expect(pbx.logSince(mark)).not.toMatch(/"source":"trunk"/);
  });

  it('answers the provider\'s digest challenge on an outbound call with the trunk\'s account', async () => {
    await waitForPortFree(ports.trunk, TRUNK_IP);
    const provider = startSipp({
      scenario: 'provider-challenge-invite.xml',
      localIp: TRUNK_IP,
      localPort: ports.trunk,
      mediaPort: ports.media(0),
      vars: ACCOUNT,
      calls: 1,
      traceErr: true,
      traceMsg: true,
      timeoutMs: 40_000,
    });
    expect((await phones.register('102')).exitCode).toBe(0);
    const call = phones.callFromPhone('102', '79161234567', { talkMs: 500 });
    const [callResult, providerResult] = await Promise.all([call.done, provider.done]);
    expect(callResult.exitCode, callResult.errors).toBe(0);
    expect(providerResult.exitCode, providerResult.errors).toBe(0);
    const record = await pbx.waitForRecord(callIdOf(call, '127.0.0.1'));
    expect(record).toMatchObject({ direction: 'outbound', disposition: 'answered', manager: '102' });
  });

  it('shows a lost registration, raises trunk.down, and trunk.up once the provider is back', async () => {
    // The provider grants 30 s and goes away: the refresh (some 8 s before expiry) meets
    // nobody. Much less, and the registration would not last until Kamailio's next report.
    const brief = await registrar(SECOND_PORT, 30);
    expect((await brief.done).exitCode).toBe(0);
    await waitFor('the second trunk registered', async () => ((await trunkState('second')) === 'registered' ? true : undefined), 30_000);
    // Only what happened since: a slow start (a loaded machine) can give 'second' a start-up
    // trunk.down (no registration within 30 s) and its trunk.up before this point.
    const registeredAt = Date.now();
    const since = (type: string, t: number) => (e: { type: string; data: Record<string, unknown> }) => e.type === type && e.data.trunk === 'second' && Date.parse(String(e.data.at)) > t;
    const down = await waitFor('trunk.down', async () => crm.verified().find(since('trunk.down', registeredAt)), 50_000);
    expect(await trunkState('second')).toBe('unregistered');
    expect(down.data).toMatchObject({ trunk: 'second' });

    const back = await registrar(SECOND_PORT, 3600);
    expect((await back.done).exitCode).toBe(0);
    await waitFor('trunk.up', async () => crm.verified().find(since('trunk.up', Date.parse(String(down.data.at)))), 40_000);
    expect(await trunkState('second')).toBe('registered');
    // The first trunk was never lost.
    expect(crm.verified().filter((e) => e.data.trunk === 'provider')).toEqual([]);
  }, 120_000);
});
