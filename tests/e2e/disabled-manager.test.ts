import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Phones, callIdOf } from '../helpers/phones.js';
import { runSipp } from '../helpers/sipp.js';
import { TRUNK_IP, startTestPbx, type TestPbx } from '../helpers/test-pbx.js';

/**
 * `managers disable` (managers[].disabled: true) against real Kamailio, rtpengine, Redis,
 * PostgreSQL and sipp phones: the disabled manager's phone cannot register even with his
 * right password, and inbound calls go to the others.
 */
let pbx: TestPbx;
let phones: Phones;

beforeAll(async () => {
  pbx = await startTestPbx({ name: 'disabled', basePort: 39000, managers: 2, disabledManagers: ['101'], ringTimeoutSeconds: 3 });
  phones = new Phones(pbx);
});

afterAll(async () => {
  await phones?.register('102', { expires: 0 });
  await pbx?.destroy();
});

describe('a disabled manager', () => {
  it('is refused registration with his own password, and calls go to the next manager', async () => {
    const refused = await runSipp({
      scenario: 'register-expect-403.xml',
      remote: `127.0.0.1:${pbx.ports.sip}`,
      localIp: '127.0.0.1',
      localPort: phones.portOf('101'),
      service: '101',
      authPassword: pbx.passwordOf('101'),
      calls: 1,
      timeoutMs: 10_000,
    });
    expect(refused.exitCode, refused.stderr).toBe(0);

    expect((await phones.register('102')).exitCode).toBe(0);
    const answers = await phones.answer('102', 'echo');
    const caller = phones.callFromTrunk({ talkMs: 300 });
    expect((await caller.done).exitCode).toBe(0);
    await answers.stop();
    const record = await pbx.waitForRecord(callIdOf(caller, TRUNK_IP));
    // 101 is first in the sequential group, but never offered the call.
    expect(record.attempts.map((a) => [a.manager, a.result])).toEqual([['102', 'answered']]);
  });
});
