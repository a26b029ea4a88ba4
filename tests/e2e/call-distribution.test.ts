import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../src/core/calls/call-record.js';
import { Phones, callIdOf, finalCodeOf } from '../helpers/phones.js';
import { waitForPortFree, type SippRun } from '../helpers/sipp.js';
import { COMPANY_NUMBER, TRUNK_IP, startTestPbx, type TestPbx } from '../helpers/test-pbx.js';

/**
 * Scenario routing end to end: real Kamailio, rtpengine, Redis and PostgreSQL;
 * sipp as the trunk and as the managers' phones (101-104 on the main line,
 * 105 and 106 on two small lines, 101-102 also on a sticky line).
 */
const LINE_B = '+74950000002';
const LINE_C = '+74950000003';
const STICKY_LINE = '+74950000004';
const HOLIDAY_LINE = '+74950000005';
const CLOSED_LINE = '+74950000006';
const FORWARD_TO = '+79990001122';
const AUTO_PAUSE_AFTER = 3;
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const today = new Date().toISOString().slice(0, 10);
const notToday = WEEKDAYS[(new Date().getUTCDay() + 3) % 7];

const dialplans: Record<string, string> = {
  'main-line.yaml': `
name: main-line
numbers: ["${COMPANY_NUMBER}"]
timezone: UTC
groups: { sales: ["101", "102", "103", "104"] }
steps:
  - { group: sales, strategy: longest-idle, ring_timeout: 2, max_wait: 120, wrap_up: 0 }
`,
  'line-b.yaml': `
name: line-b
numbers: ["${LINE_B}"]
timezone: UTC
groups: { solo: ["105"] }
steps:
  - { group: solo, strategy: round-robin, ring_timeout: 5, max_wait: 60, wrap_up: 0 }
`,
  'line-c.yaml': `
name: line-c
numbers: ["${LINE_C}"]
timezone: UTC
groups: { solo: ["106"] }
steps:
  - { group: solo, strategy: sequential, ring_timeout: 5, max_wait: 60, wrap_up: 0 }
`,
  'sticky-line.yaml': `
name: sticky-line
numbers: ["${STICKY_LINE}"]
timezone: UTC
groups: { pair: ["101", "102"] }
steps:
  - sticky: { days: 30, crm_owner: false }
    ring_timeout: 3
    wrap_up: 0
  - { group: pair, strategy: sequential, ring_timeout: 3, wrap_up: 0 }
`,
  'holiday-line.yaml': `
name: holiday-line
numbers: ["${HOLIDAY_LINE}"]
timezone: UTC
holidays: ["${today}"]
after_hours: { action: forward, to: "${FORWARD_TO}" }
groups: { pair: ["101", "102"] }
steps:
  - { group: pair, strategy: sequential }
`,
  'closed-line.yaml': `
name: closed-line
numbers: ["${CLOSED_LINE}"]
timezone: UTC
hours: { ${notToday}: "00:00-24:00" }
after_hours: { action: hangup }
groups: { pair: ["101", "102"] }
steps:
  - { group: pair, strategy: sequential }
`,
};

let pbx: TestPbx;
let phones: Phones;

beforeAll(async () => {
  pbx = await startTestPbx({ name: 'distribution', basePort: 20000, managers: 6, dialplans, autoPauseAfterMisses: AUTO_PAUSE_AFTER });
  phones = new Phones(pbx);
});

afterAll(async () => {
  await pbx?.destroy();
});

afterEach(async () => {
  await phones.unregisterAll();
});

/** A trunk caller on its own port of 127.0.0.2 (the trunk is trusted by address), so several can run at once. */
function trunkCaller(slot: number, opts: Parameters<Phones['trunkCalls']>[1]): SippRun {
  return phones.trunkCalls(slot, opts);
}

async function records(filter: (r: CallRecord) => boolean, expected: number, timeoutMs = 15_000): Promise<CallRecord[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await pbx.api('/api/calls?limit=200');
    const page = (await res.json()) as { items: CallRecord[] };
    const found = page.items.filter(filter);
    if (found.length >= expected || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function managers(): Promise<Map<string, { status: string; pauseReason: string | null }>> {
  const res = await pbx.api('/api/managers');
  const body = (await res.json()) as { managers: { extension: string; status: string; pauseReason: string | null }[] };
  return new Map(body.managers.map((m) => [m.extension, m]));
}

describe('call distribution by scenarios', () => {
  it('rejects a broken scenario file with file and line, and keeps routing by its last good version', async () => {
    const file = join(pbx.dialplansDir, 'line-c.yaml');
    writeFileSync(file, dialplans['line-c.yaml']!.replace('strategy: sequential', 'strategy: loudest-first'));
    let errors: { file: string; message: string }[] = [];
    for (let i = 0; i < 40 && errors.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      errors = ((await (await pbx.api('/api/scenarios')).json()) as { errors: typeof errors }).errors;
    }
    expect(errors).toHaveLength(1);
    expect(errors[0]!.file).toBe(file);
    // The file starts with an empty line, so the steps' strategy is on line 7.
    expect(errors[0]!.message).toMatch(/line-c\.yaml:7: steps\.0\.strategy: the strategy must be one of/);

    await phones.register('106');
    const answering = await phones.answer('106', 'echo');
    const caller = trunkCaller(0, { dialled: LINE_C });
    expect((await caller.done).exitCode).toBe(0);
    await answering.stop();
    expect(await pbx.waitForRecord(callIdOf(caller, TRUNK_IP))).toMatchObject({ disposition: 'answered', manager: '106' });
    writeFileSync(file, dialplans['line-c.yaml']!);
  });

  it('sends a known client to his own manager, and to the group when that manager is away', async () => {
    await phones.register('101');
    await phones.register('102');
    const client = '79165550001';
    // First call: 101 (first of the group) is busy, 102 answers and becomes the client's manager.
    let busy = await phones.answer('101', 'busy');
    let answering = await phones.answer('102', 'echo');
    const first = trunkCaller(1, { dialled: STICKY_LINE, caller: client });
    expect((await first.done).exitCode).toBe(0);
    await Promise.all([busy.stop(), answering.stop()]);
    expect(await pbx.waitForRecord(callIdOf(first, TRUNK_IP))).toMatchObject({ manager: '102' });

    // Second call: both free; the sticky step rings 102 although the group would start at 101.
    answering = await phones.answer('102', 'echo');
    busy = await phones.answer('101', 'busy');
    const second = trunkCaller(1, { dialled: STICKY_LINE, caller: client });
    expect((await second.done).exitCode).toBe(0);
    await Promise.all([busy.stop(), answering.stop()]);
    const stuck = await pbx.waitForRecord(callIdOf(second, TRUNK_IP));
    expect(stuck.attempts.map((a) => a.manager)).toEqual(['102']);

    // Third call: 102 is away (unregistered): the group step takes it, 101 answers.
    await phones.register('102', { expires: 0 });
    answering = await phones.answer('101', 'echo');
    const third = trunkCaller(1, { dialled: STICKY_LINE, caller: client });
    expect((await third.done).exitCode).toBe(0);
    await answering.stop();
    const fallback = await pbx.waitForRecord(callIdOf(third, TRUNK_IP));
    expect(fallback).toMatchObject({ manager: '101' });
    expect(fallback.attempts.map((a) => a.manager)).toEqual(['101']);
  });

  it('runs the after-hours action on a holiday (forward through the trunk) and outside hours (hang up)', async () => {
    await phones.register('101');
    await waitForPortFree(pbx.ports.trunk, TRUNK_IP);
    const trunk = await phones.trunkAnswers(1);
    const holiday = trunkCaller(2, { dialled: HOLIDAY_LINE });
    expect((await holiday.done).exitCode).toBe(0);
    await trunk.stop();
    const forwarded = await pbx.waitForRecord(callIdOf(holiday, TRUNK_IP));
    expect(forwarded).toMatchObject({ disposition: 'answered', manager: null });
    expect(forwarded.attempts.map((a) => a.target)).toEqual([`sip:${FORWARD_TO}@${TRUNK_IP}:${pbx.ports.trunk}`]);

    const closed = trunkCaller(2, { dialled: CLOSED_LINE, scenario: 'uac-call-expect-failure.xml' });
    const result = await closed.done;
    expect(finalCodeOf(result)).toBe(480);
    const record = await pbx.waitForRecord(callIdOf(closed, TRUNK_IP));
    expect(record).toMatchObject({ disposition: 'failed', sipCode: 480, attempts: [] });
    expect(record.reason).toMatch(/^after hours: the line is open (Mon|Tue|Wed|Thu|Fri|Sat|Sun) 00:00-24:00 UTC; the call came /);
  });

  it('the motivating case: 60 calls in a minute at 4 managers, one silent: all answered, the silent one paused, a fair share for the rest', async () => {
    for (const e of ['101', '102', '103', '104']) expect((await phones.register(e)).exitCode).toBe(0);
    const answering = await Promise.all(['101', '102', '103'].map((e) => phones.answer(e, 'echo', 60)));
    const silent = await phones.answer('104', 'no-answer', 10);
    const startedAt = Date.now();
    // 2 calls/s with 1.5 s of talk: often all three are busy and callers wait in line.
    const callers = trunkCaller(3, { dialled: COMPANY_NUMBER, calls: 60, rate: 2, talkMs: 1500 });
    const result = await callers.done;
    await Promise.all([...answering, silent].map((p) => p.stop()));
    expect(result.exitCode, result.errors).toBe(0);
    expect(Date.now() - startedAt).toBeLessThan(60_000);

    const calls = await records((r) => r.calleeNumber === COMPANY_NUMBER && Date.parse(String(r.startedAt)) >= startedAt - 1000, 60);
    expect(calls).toHaveLength(60);
    expect(calls.every((c) => c.disposition === 'answered')).toBe(true);
    const share = new Map<string, number>();
    for (const c of calls) share.set(c.manager!, (share.get(c.manager!) ?? 0) + 1);
    expect(share.get('104')).toBeUndefined();
    // Longest-idle with equal talk times: each of the three gets 20 +- 5 of the 60.
    for (const e of ['101', '102', '103']) {
      expect(share.get(e), `calls of ${e}: ${JSON.stringify([...share])}`).toBeGreaterThanOrEqual(15);
      expect(share.get(e)).toBeLessThanOrEqual(25);
    }
    const silentOffers = calls.flatMap((c) => c.attempts).filter((a) => a.manager === '104');
    expect(silentOffers).toHaveLength(AUTO_PAUSE_AFTER);
    expect(silentOffers.every((a) => a.result === 'no-answer')).toBe(true);
    expect((await managers()).get('104')).toMatchObject({ status: 'paused', pauseReason: 'no-answer' });

    const unpaused = await pbx.api('/api/managers/104/unpause', { method: 'POST' });
    expect(unpaused.status).toBe(200);
    expect((await managers()).get('104')?.status).toBe('available');
  }, 90_000);

  it('holds 50 callers waiting at once, with ringback, while new calls on another line are still routed at once', async () => {
    await phones.register('105');
    await phones.register('106');
    // 105 takes one long call: line B's next callers must wait.
    const busy105 = await phones.answer('105', 'echo');
    const holder = trunkCaller(4, { dialled: LINE_B, talkMs: 12_000 });
    await new Promise((r) => setTimeout(r, 1000));

    // 50 callers ring line B and hang up after 6 s of ringback (uac-cancel needs a 180).
    const waiting = trunkCaller(5, { dialled: LINE_B, scenario: 'uac-cancel.xml', calls: 50, rate: 50, talkMs: 6000 });
    await new Promise((r) => setTimeout(r, 2500));
    const line = (await (await pbx.api('/api/waiting')).json()) as { scenarios: { scenario: string; calls: { waitingSeconds: number }[] }[] };
    const lineB = line.scenarios.find((s) => s.scenario === 'line-b');
    expect(lineB?.calls).toHaveLength(50);

    // Meanwhile a call on line C is answered at once: no Kamailio worker is held by the 50.
    const answering106 = await phones.answer('106', 'echo');
    const meanwhile = trunkCaller(6, { dialled: LINE_C, talkMs: 500 });
    expect((await meanwhile.done).exitCode).toBe(0);
    await answering106.stop();
    const quick = await pbx.waitForRecord(callIdOf(meanwhile, TRUNK_IP));
    expect(quick).toMatchObject({ disposition: 'answered', manager: '106' });
    expect(quick.ringSeconds).toBeLessThan(1);

    const result = await waiting.done;
    expect(result.exitCode, result.errors).toBe(0);
    const left = await records((r) => r.calleeNumber === LINE_B && r.disposition === 'cancelled', 50);
    expect(left).toHaveLength(50);
    expect(left.every((r) => r.reason === 'the caller hung up while waiting' && r.attempts.length === 0)).toBe(true);
    await holder.done;
    await busy105.stop();
  });
});
