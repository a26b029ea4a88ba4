import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Phones, callIdOf, finalCodeOf } from '../helpers/phones.js';
import { startSipp, waitForPortFree } from '../helpers/sipp.js';
import { COMPANY_NUMBER, TRUNK_IP, startTestPbx, type TestPbx } from '../helpers/test-pbx.js';

/**
 * A new INVITE with the Call-ID of a call in progress, through real Kamailio: the service
 * refuses it with 482, and the call in progress keeps its record and its manager.
 */
let pbx: TestPbx;
let phones: Phones;

beforeAll(async () => {
  pbx = await startTestPbx({ name: 'callid', basePort: 25000, managers: 2 });
  phones = new Phones(pbx);
}, 60_000);

afterAll(async () => {
  await pbx?.destroy();
});

describe('a Call-ID taken by a call in progress', () => {
  it('gets 482 for the second INVITE, and the first call is recorded as its own caller made it', async () => {
    await phones.register('101');
    const ringing = await phones.answer('101', 'no-answer');
    // The first caller rings 101 for four seconds, then hangs up.
    const first = phones.callFromTrunk({ scenario: 'uac-cancel.xml', talkMs: 4000, caller: '79161110000' });
    const callId = callIdOf(first, TRUNK_IP);
    const busy = async () => ((await (await pbx.api('/api/managers')).json()) as { managers: { extension: string; callIds: string[] }[] }).managers;
    while (!(await busy()).some((m) => m.callIds.includes(callId))) await new Promise((r) => setTimeout(r, 50));

    // A second INVITE with that Call-ID, another caller, another port.
    const attackerPort = pbx.ports.trunk + 2;
    await waitForPortFree(attackerPort, TRUNK_IP);
    const second = startSipp({
      scenario: 'uac-call-expect-failure.xml',
      remote: `127.0.0.1:${pbx.ports.sip}`,
      localIp: TRUNK_IP,
      localPort: attackerPort,
      mediaPort: pbx.ports.media(5),
      service: COMPANY_NUMBER,
      vars: { caller: '79990000000' },
      calls: 1,
      traceErr: true,
      extraArgs: ['-cid_str', callId],
      timeoutMs: 30_000,
    });
    expect(finalCodeOf(await second.done)).toBe(482);
    // The first call still rings 101, and nobody else took a manager for it.
    expect((await busy()).find((m) => m.extension === '101')!.callIds).toEqual([callId]);
    expect((await busy()).find((m) => m.extension === '102')!.callIds).toEqual([]);

    const result = await first.done;
    await ringing.stop();
    expect(result.exitCode, result.errors).toBe(0);
    const record = await pbx.waitForRecord(callId);
    expect(record).toMatchObject({ callerNumber: '79161110000', disposition: 'cancelled', sipCode: 487 });
    expect(record.attempts.map((a) => [a.manager, a.result])).toEqual([['101', 'cancelled']]);
    const calls = (await (await pbx.api('/api/calls?limit=500')).json()) as { items: { callId: string }[] };
    expect(calls.items.filter((c) => c.callId === callId)).toHaveLength(1);
  }, 60_000);
});
