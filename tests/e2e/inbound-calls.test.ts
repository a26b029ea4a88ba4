import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readPcapUdp } from '../../src/adapters/rtpengine/pcap-reader.js';
import { RedisAgentStateStore } from '../../src/adapters/redis/redis-agent-state-store.js';
import { RedisKeys } from '../../src/adapters/redis/redis-keys.js';
import { Phones, callIdOf, finalCodeOf } from '../helpers/phones.js';
import { COMPANY_NUMBER, TRUNK_IP, startTestPbx, type TestPbx } from '../helpers/test-pbx.js';

/**
 * Inbound trunk calls through the real Kamailio, rtpengine, Redis and PostgreSQL,
 * with sipp as the trunk and as the managers' phones.
 */
const RING_TIMEOUT_S = 3;
let pbx: TestPbx;
let phones: Phones;
let keys: RedisKeys;

beforeAll(async () => {
  pbx = await startTestPbx({ name: 'inbound', basePort: 11000, managers: 3, ringTimeoutSeconds: RING_TIMEOUT_S });
  phones = new Phones(pbx);
  keys = new RedisKeys(pbx.config.redis.keyPrefix);
});

afterAll(async () => {
  await pbx?.destroy();
});

afterEach(async () => {
  await phones.unregisterAll();
});

/** Managers a call still holds (ringing for it or talking in it). */
async function heldManagers(): Promise<string[]> {
  const states = await new RedisAgentStateStore(pbx.redis, keys).read(pbx.extensions, Date.now());
  return [...states].filter(([, s]) => s.ringingFor !== null || s.calls.length > 0).map(([e]) => e);
}

describe('inbound calls', () => {
  it('fails over from a busy manager to one who answers; audio flows through rtpengine and is recorded', async () => {
    expect((await phones.register('101')).exitCode).toBe(0);
    expect((await phones.register('102')).exitCode).toBe(0);
    const busy = await phones.answer('101', 'busy');
    const echo = await phones.answer('102', 'echo');

    const caller = phones.callFromTrunk({ talkMs: 3000 });
    const result = await caller.done;
    expect(result.exitCode, result.errors).toBe(0);
    await Promise.all([busy.stop(), echo.stop()]);

    const callId = callIdOf(caller, TRUNK_IP);
    const record = await pbx.waitForRecord(callId);
    expect(record).toMatchObject({ direction: 'inbound', disposition: 'answered', manager: '102', companyNumber: COMPANY_NUMBER, callerNumber: '79161234567' });
    expect(record.talkSeconds).toBeGreaterThan(2.5);
    expect(record.talkSeconds).toBeLessThan(3.6);
    expect(record.attempts.map((a) => [a.manager, a.result, a.sipCode])).toEqual([
      ['101', 'busy', 486],
      ['102', 'answered', 200],
    ]);

    const pcapDir = join(pbx.spoolDir, 'pcaps');
    const pcap = readdirSync(pcapDir).find((f) => decodeURIComponent(f).startsWith(callId));
    expect(pcap, `a recording for ${callId} in ${pcapDir}`).toBeDefined();
    const packets = readPcapUdp(join(pcapDir, pcap!));
    const fromCaller = packets.filter((p) => p.src.startsWith(`${TRUNK_IP}:`)).length;
    const fromManager = packets.filter((p) => p.src === `127.0.0.1:${pbx.ports.media(2)}`).length;
    // g711a.pcap holds about 1.3 s of 20 ms packets; the echo sends each one back.
    expect(fromCaller).toBeGreaterThan(50);
    expect(fromManager).toBeGreaterThan(50);
    expect(Math.abs(fromCaller - fromManager)).toBeLessThanOrEqual(5);
    expect(await heldManagers()).toEqual([]);
  });

  it('moves on to the next manager when the first does not answer within the ring timeout', async () => {
    await phones.register('101');
    await phones.register('102');
    const silent = await phones.answer('101', 'no-answer');
    const echo = await phones.answer('102', 'echo');

    const caller = phones.callFromTrunk({ talkMs: 500 });
    expect((await caller.done).exitCode).toBe(0);
    await Promise.all([silent.stop(), echo.stop()]);

    const record = await pbx.waitForRecord(callIdOf(caller, TRUNK_IP));
    expect(record).toMatchObject({ disposition: 'answered', manager: '102' });
    const [first, second] = record.attempts;
    expect([first!.manager, first!.result, first!.sipCode]).toEqual(['101', 'no-answer', 408]);
    const rang = (Date.parse(String(first!.endedAt)) - Date.parse(String(first!.startedAt))) / 1000;
    expect(rang).toBeGreaterThan(RING_TIMEOUT_S - 0.3);
    expect(rang).toBeLessThan(RING_TIMEOUT_S + 1);
    expect(second!.manager).toBe('102');
  });

  it('gives the caller a final failure and records why when every manager fails', async () => {
    await phones.register('101');
    await phones.register('102');
    const busy = await phones.answer('101', 'busy');
    const silent = await phones.answer('102', 'no-answer');

    const caller = phones.callFromTrunk({ scenario: 'uac-call-expect-failure.xml' });
    const result = await caller.done;
    await Promise.all([busy.stop(), silent.stop()]);
    expect(result.exitCode, result.errors).toBe(0);

    const record = await pbx.waitForRecord(callIdOf(caller, TRUNK_IP));
    expect(record).toMatchObject({ disposition: 'missed', manager: null, answeredAt: null, talkSeconds: 0 });
    expect(record.reason).toBe('no manager answered in 1 step of test-line');
    expect(record.attempts.map((a) => a.result)).toEqual(['busy', 'no-answer']);
    expect(finalCodeOf(result)).toBe(record.sipCode);
    expect(await heldManagers()).toEqual([]);
  });

  it('records a caller who hangs up while ringing as cancelled and leaves no manager reserved', async () => {
    await phones.register('101');
    const silent = await phones.answer('101', 'no-answer');

    const caller = phones.callFromTrunk({ scenario: 'uac-cancel.xml', talkMs: 1000 });
    const result = await caller.done;
    await silent.stop();
    expect(result.exitCode, result.errors).toBe(0);

    const record = await pbx.waitForRecord(callIdOf(caller, TRUNK_IP));
    expect(record).toMatchObject({ disposition: 'cancelled', sipCode: 487, reason: 'the caller hung up while ringing' });
    expect(record.attempts).toHaveLength(1);
    expect(record.attempts[0]).toMatchObject({ manager: '101', result: 'cancelled' });
    expect(await heldManagers()).toEqual([]);
  });

  it('refuses a call at once with the reason when no manager is registered', async () => {
    const caller = phones.callFromTrunk({ scenario: 'uac-call-expect-failure.xml' });
    const result = await caller.done;
    expect(finalCodeOf(result)).toBe(480);
    const record = await pbx.waitForRecord(callIdOf(caller, TRUNK_IP));
    expect(record).toMatchObject({ disposition: 'missed', sipCode: 480, reason: 'nobody in test-line was signed in and free', attempts: [] });
  });

  it('rejects a call to a number the company does not own', async () => {
    const caller = phones.callFromTrunk({ scenario: 'uac-call-expect-failure.xml', dialled: '+74950000000' });
    expect(finalCodeOf(await caller.done)).toBe(404);
  });
});
