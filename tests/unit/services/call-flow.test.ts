import { describe, expect, it } from 'vitest';
import {
  CLIENT,
  COMPANY,
  SECOND,
  contactOf,
  createFakeServices,
  fakeConfig,
  managersOf,
  scenarioYaml,
  sourceOf,
} from '../../helpers/fake-services.js';

/** Two steps: sales top-down, then the seniors' group as overflow. */
const OVERFLOW = scenarioYaml({
  groups: { sales: ['101', '102'], seniors: ['103'] },
  steps: [
    { group: 'sales', strategy: 'sequential', ring_timeout: 15, max_wait: 120 },
    { group: 'seniors', strategy: 'sequential', ring_timeout: 20, max_wait: 120 },
  ],
});

describe('a group step', () => {
  it('rings the first eligible manager in the strategy order, with his contact and the address he registered from', async () => {
    const s = createFakeServices();
    await s.register('101', '102', '103');
    await s.console.pause('101', 'lunch');
    const decision = await s.inbound('a');
    expect(decision).toEqual({
      action: 'route',
      targets: [{ uri: contactOf('102'), nextHop: sourceOf('102'), ringTimeoutMs: 15_000 }],
      parallel: false,
    });
    expect(await s.state('102')).toMatchObject({ ringingFor: 'a', calls: [] });
    expect((await s.state('103')).ringingFor).toBeNull();
    const live = await s.calls.get('a');
    expect(live?.attempts.map((a) => [a.manager, a.target, a.nextHop, a.endedAt])).toEqual([['102', contactOf('102'), sourceOf('102'), null]]);
    expect(live?.progress).toMatchObject({ scenario: 'sales-line', step: 0, tried: ['102'] });
  });

  it('reserves one manager per call: concurrent calls never share one, and the rest wait', async () => {
    const s = createFakeServices();
    await s.register('101', '102', '103');
    const ids = ['a', 'b', 'c', 'd', 'e'];
    const decisions = await Promise.all(ids.map((id) => s.inbound(id)));
    const routed = decisions.map(managersOf);
    expect(routed.filter((m) => m.length > 0).map((m) => m.length)).toEqual([1, 1, 1]);
    expect(new Set(routed.flat())).toEqual(new Set(['101', '102', '103']));
    expect(decisions.filter((d) => d.action === 'wait')).toHaveLength(2);
    // each manager is reserved for exactly the call that was routed to him
    for (const [i, managers] of routed.entries()) {
      for (const m of managers) expect((await s.state(m)).ringingFor).toBe(ids[i]);
    }
    expect(s.waitingLine()).toHaveLength(2);
  });

  it('round-robin starts every new call one manager further along the group', async () => {
    const s = createFakeServices({
      scenarios: { 'rr.yaml': scenarioYaml({ groups: { sales: ['101', '102', '103'] }, steps: [{ group: 'sales', strategy: 'round-robin' }] }) },
    });
    await s.register('101', '102', '103');
    const firsts: string[] = [];
    for (const id of ['a', 'b', 'c', 'd']) {
      firsts.push(...managersOf(await s.inbound(id)));
      await s.callerCancelled(id); // frees the manager again: only the rotation differs
    }
    expect(firsts).toEqual(['101', '102', '103', '101']);
  });

  it('skips a manager already on a call, and one whose phone is not registered', async () => {
    const s = createFakeServices();
    await s.register('101', '102');
    await s.inbound('a');
    await s.answer('a', '101');
    const decision = await s.inbound('b');
    expect(managersOf(decision)).toEqual(['102']);
    // 103 never registered: with 101 and 102 taken the call waits rather than ringing him
    expect(await s.inbound('c')).toEqual({ action: 'wait' });
  });

  it('refuses a call to a number no scenario serves, and writes it down', async () => {
    const s = createFakeServices();
    await s.register('101');
    expect(await s.inbound('x', CLIENT, '+74950000000')).toMatchObject({ action: 'reject', code: 404 });
    expect(s.recordOf('x')).toMatchObject({ direction: 'inbound', disposition: 'failed', sipCode: 404, companyNumber: null });
    expect((await s.state('101')).ringingFor).toBeNull();
  });

  it('finds the scenario by the digits of the dialled number, however it is written', async () => {
    const s = createFakeServices();
    await s.register('101');
    expect(managersOf(await s.inbound('a', CLIENT, '7 (495) 123-45-67'))).toEqual(['101']);
  });
});

describe('failover', () => {
  it('moves a missed attempt on to the next manager of the step, then to the next step', async () => {
    const s = createFakeServices({ scenarios: { 'overflow.yaml': OVERFLOW } });
    await s.register('101', '102', '103');
    expect(managersOf(await s.inbound('a'))).toEqual(['101']);
    await s.clock.advance(15 * SECOND);
    const second = await s.noAnswer('a');
    expect(managersOf(second!)).toEqual(['102']);
    expect((await s.state('101')).ringingFor).toBeNull();
    expect((await s.state('102')).ringingFor).toBe('a');
    await s.clock.advance(3 * SECOND);
    const third = await s.busy('a');
    // everyone of sales was tried once (101 is free again but not rung twice): the seniors' step
    expect(third).toEqual({ action: 'route', targets: [{ uri: contactOf('103'), nextHop: sourceOf('103'), ringTimeoutMs: 20_000 }], parallel: false });
    expect((await s.calls.get('a'))?.progress).toMatchObject({ step: 1, tried: ['103'] });
    await s.answer('a', '103');
    await s.hangUp('a');
    expect(s.recordOf('a')).toMatchObject({ disposition: 'answered', manager: '103' });
    expect(s.recordOf('a')!.attempts.map((t) => [t.manager, t.result, t.sipCode])).toEqual([
      ['101', 'no-answer', 408],
      ['102', 'busy', 486],
      ['103', 'answered', 200],
    ]);
  });

  it('never rings one manager twice for a call within a step: it waits for the others instead', async () => {
    const s = createFakeServices({ scenarios: { 'overflow.yaml': OVERFLOW } });
    await s.register('101', '102');
    await s.inbound('busy-call');
    await s.answer('busy-call', '101'); // 101 talks; 102 is left
    expect(managersOf(await s.inbound('a'))).toEqual(['102']);
    expect(await s.noAnswer('a')).toEqual({ action: 'wait' });
    await s.clock.advance(5 * SECOND); // several dispatch passes while 102 is free
    expect(s.resumedFor('a')).toEqual([]);
    expect((await s.state('102')).ringingFor).toBeNull();
    // 101 is free after his wrap-up: the call goes to him, not back to 102
    await s.hangUp('busy-call');
    await s.clock.advance(11 * SECOND);
    expect(s.resumedFor('a').map((r) => managersOf(r.decision))).toEqual([['101']]);
  });

  it('misses the call after the last step: record, callback task and call.missed event', async () => {
    const s = createFakeServices({ scenarios: { 'overflow.yaml': OVERFLOW } });
    await s.register('101', '102', '103');
    await s.inbound('a');
    await s.noAnswer('a');
    await s.noAnswer('a');
    await s.clock.advance(20 * SECOND);
    const last = await s.noAnswer('a');
    expect(last).toMatchObject({ action: 'reject', code: 480, media: true });
    await s.flush();
    expect(s.recordOf('a')).toMatchObject({ disposition: 'missed', sipCode: 480, manager: null, reason: 'no manager answered in 2 steps of sales-line' });
    expect(s.recordOf('a')!.attempts.map((t) => t.manager)).toEqual(['101', '102', '103']);
    expect(await s.calls.get('a')).toBeNull();
    // the callback goes by the default callback rule: the first group step's group, round-robin
    expect(s.stores.callbacks.open()).toEqual([
      expect.objectContaining({ callId: 'a', scenario: 'sales-line', clientNumber: CLIENT, companyNumber: COMPANY, manager: '101' }),
    ]);
    expect(s.eventsNamed('call.missed')).toEqual([
      expect.objectContaining({ callId: 'a', scenario: 'sales-line', callerNumber: CLIENT, callbackManager: '101', reason: 'no manager answered in 2 steps of sales-line' }),
    ]);
    for (const m of ['101', '102', '103']) expect((await s.state(m)).ringingFor).toBeNull();
  });

  it('hands the callbacks of successive missed calls round the callback group, skipping who is away', async () => {
    const s = createFakeServices({
      config: fakeConfig({ routing: { dndAfterRejections: 10 } }), // 101's three busies are not do-not-disturb here
      scenarios: {
        'cb.yaml': scenarioYaml({
          groups: { sales: ['101'], callers: ['101', '102', '103'] },
          steps: [{ group: 'sales', strategy: 'sequential' }],
          missed: { callback: { group: 'callers', strategy: 'round-robin', sticky: false } },
        }),
      },
    });
    await s.register('101', '102');
    for (const id of ['a', 'b', 'c']) {
      await s.inbound(id, `+7916000000${id.charCodeAt(0) - 96}`);
      await s.busy(id);
    }
    await s.flush();
    // 103 is not signed in: the rotation runs over 101 and 102
    expect(s.stores.callbacks.tasks.map((t) => [t.callId, t.manager])).toEqual([['a', '101'], ['b', '102'], ['c', '101']]);
    expect(s.records.map((r) => r.disposition)).toEqual(['missed', 'missed', 'missed']);
  });

  it('keeps the callback turn when a manager leaves and comes back between missed calls, so nobody is passed over', async () => {
    const s = createFakeServices({
      config: fakeConfig({ routing: { dndAfterRejections: 10 } }),
      scenarios: {
        'cb.yaml': scenarioYaml({
          groups: { sales: ['104'], callers: ['101', '102', '103'] },
          steps: [{ group: 'sales', strategy: 'sequential' }],
          missed: { callback: { group: 'callers', strategy: 'round-robin', sticky: false } },
        }),
      },
    });
    await s.register('104', '101', '102', '103');
    const miss = async (id: string) => {
      await s.inbound(id, `+7916000000${id.charCodeAt(0) - 96}`);
      await s.busy(id);
    };
    await miss('a'); // 101
    await s.unregister('102');
    await miss('b'); // 102 away: 103
    await s.register('102');
    await miss('c'); // round again: 101 (an index into the changing list of those present gave 103 twice)
    await miss('d'); // 102
    await s.flush();
    expect(s.stores.callbacks.tasks.map((t) => [t.callId, t.manager])).toEqual([['a', '101'], ['b', '103'], ['c', '101'], ['d', '102']]);
  });

  it('creates no callback task with callback: false, and raises no event with event: false', async () => {
    const s = createFakeServices({
      scenarios: {
        'quiet.yaml': scenarioYaml({ groups: { sales: ['101'] }, steps: [{ group: 'sales', strategy: 'sequential' }], missed: { callback: false, event: false } }),
      },
    });
    await s.register('101');
    await s.inbound('a');
    await s.noAnswer('a');
    await s.flush();
    expect(s.recordOf('a')?.disposition).toBe('missed');
    expect(s.stores.callbacks.tasks).toEqual([]);
    expect(s.eventsNamed('call.missed')).toEqual([]);
  });

  it('stops ringing and writes a cancelled call when the caller hangs up while a phone rings', async () => {
    const s = createFakeServices();
    await s.register('101', '102');
    await s.inbound('a');
    await s.clock.advance(4 * SECOND);
    expect(await s.callerCancelled('a')).toBeNull();
    expect(s.recordOf('a')).toMatchObject({ disposition: 'cancelled', sipCode: 487, reason: 'the caller hung up while ringing', ringSeconds: 4 });
    expect(await s.state('101')).toMatchObject({ ringingFor: null, consecutiveMisses: 0 });
    expect((await s.state('102')).ringingFor).toBeNull();
  });
});

describe('nobody of the group signed in', () => {
  it('does not wait for phones that are off: the next step runs at once', async () => {
    const s = createFakeServices({ scenarios: { 'overflow.yaml': OVERFLOW } });
    await s.register('103');
    expect(managersOf(await s.inbound('a'))).toEqual(['103']);
    expect(s.waitingLine()).toEqual([]);
  });

  it('misses the call at once when no step has anyone signed in', async () => {
    const s = createFakeServices({ scenarios: { 'overflow.yaml': OVERFLOW } });
    expect(await s.inbound('a')).toEqual({ action: 'reject', code: 480, reason: 'Temporarily Unavailable' });
    await s.flush();
    expect(s.waitingLine()).toEqual([]);
    expect(s.recordOf('a')).toMatchObject({ disposition: 'missed', sipCode: 480, reason: 'nobody in sales-line was signed in and free', attempts: [] });
    expect(s.eventsNamed('call.missed')).toHaveLength(1);
    expect(s.stores.callbacks.tasks).toHaveLength(1);
  });

  it('stops waiting for a group whose phones all went offline: the next step runs', async () => {
    const s = createFakeServices({ scenarios: { 'overflow.yaml': OVERFLOW } });
    await s.register('101', '102', '103');
    await s.inbound('x');
    await s.answer('x', '101');
    await s.inbound('y');
    await s.answer('y', '102');
    expect(await s.inbound('z')).toEqual({ action: 'wait' });
    await s.unregister('101', '102');
    await s.clock.advance(1 * SECOND);
    expect(s.resumedFor('z').map((r) => managersOf(r.decision))).toEqual([['103']]);
    expect(s.waitingLine()).toEqual([]);
  });
});

describe("managers' own calls", () => {
  it('connects extension to extension: the callee rings, the caller is on the call, both are freed at the end', async () => {
    const s = createFakeServices();
    await s.register('101', '102');
    const decision = await s.dial('i1', '101', '102');
    expect(decision).toEqual({ action: 'route', targets: [{ uri: contactOf('102'), nextHop: sourceOf('102'), ringTimeoutMs: 10_000 }] });
    expect(await s.state('102')).toMatchObject({ ringingFor: 'i1' });
    expect(await s.state('101')).toMatchObject({ calls: ['i1'] });
    // neither of them is offered an inbound call meanwhile
    expect(await s.inbound('in')).toEqual({ action: 'wait' });
    await s.answer('i1', '102');
    expect(await s.state('102')).toMatchObject({ ringingFor: null, calls: ['i1'] });
    await s.clock.advance(30 * SECOND);
    await s.hangUp('i1');
    expect(s.recordOf('i1')).toMatchObject({ direction: 'internal', manager: '102', disposition: 'answered', talkSeconds: 30 });
    expect((await s.state('101')).calls).toEqual([]);
    expect((await s.state('102')).calls).toEqual([]);
    // an internal call leaves no client history
    expect(s.stores.clients.entries.size).toBe(0);
  });

  it('refuses a call to a busy colleague with 486 and to an offline one with 480', async () => {
    const s = createFakeServices();
    await s.register('101', '102');
    await s.inbound('a');
    await s.answer('a', '101');
    expect(await s.dial('i1', '102', '101')).toMatchObject({ action: 'reject', code: 486 });
    expect(await s.dial('i2', '102', '103')).toMatchObject({ action: 'reject', code: 480 });
    expect(s.recordOf('i1')).toMatchObject({ disposition: 'failed', sipCode: 486, reason: 'extension 101 is busy' });
    expect(s.recordOf('i2')).toMatchObject({ disposition: 'failed', sipCode: 480, reason: 'extension 103 is not registered' });
    // a refused call holds nobody
    expect(await s.state('102')).toMatchObject({ calls: [], ringingFor: null });
    expect(await s.state('101')).toMatchObject({ calls: ['a'] });
  });

  it('frees both when a colleague does not pick up, without counting it against him', async () => {
    const s = createFakeServices({ config: fakeConfig({ routing: { autoPauseAfterMisses: 1 } }) });
    await s.register('101', '102');
    await s.dial('i1', '101', '102');
    expect(await s.noAnswer('i1')).toMatchObject({ action: 'reject', code: 408 });
    expect(await s.state('102')).toMatchObject({ ringingFor: null, pauseReason: null, consecutiveMisses: 0 });
    expect((await s.state('101')).calls).toEqual([]);
    expect(s.recordOf('i1')).toMatchObject({ direction: 'internal', disposition: 'no-answer', manager: '101' });
    expect(s.eventsNamed('manager.auto_paused')).toEqual([]);
  });

  it('sends an external number out through the trunk with the company caller ID, and holds the manager', async () => {
    const s = createFakeServices();
    await s.register('101', '102');
    const decision = await s.dial('o1', '101', '+79169998877');
    expect(decision).toEqual({
      action: 'route',
      targets: [{ uri: 'sip:+79169998877@127.0.0.2:5080', nextHop: 'sip:127.0.0.2:5080;trunk=trunk', trunk: 'trunk', ringTimeoutMs: 60_000, fromUri: `sip:${COMPANY}@leadline.local` }],
      failover: '^(408|5[0-9][0-9])$',
    });
    expect((await s.state('101')).calls).toEqual(['o1']);
    expect(managersOf(await s.inbound('in'))).toEqual(['102']);
    await s.clock.advance(2 * SECOND);
    expect(await s.busy('o1')).toMatchObject({ action: 'reject', code: 486 });
    expect(s.recordOf('o1')).toMatchObject({ direction: 'outbound', manager: '101', disposition: 'busy', reason: 'the callee was busy', companyNumber: COMPANY });
    expect((await s.state('101')).calls).toEqual([]);
  });

  it('closes the client\'s open callback tasks when a manager calls him back and talks', async () => {
    const s = createFakeServices();
    await s.register('101');
    await s.inbound('missed', CLIENT);
    await s.noAnswer('missed');
    await s.flush();
    expect(s.stores.callbacks.open()).toHaveLength(1);
    await s.clock.advance(60 * SECOND);
    await s.dial('back', '101', '+7 916 111-22-33'); // the same client, written differently
    await s.answer('back');
    await s.hangUp('back');
    expect(s.stores.callbacks.open()).toEqual([]);
    expect(s.stores.callbacks.tasks[0]).toMatchObject({ doneCallId: 'back' });
  });

  it('ignores events of calls it does not know', async () => {
    const s = createFakeServices();
    await s.register('101');
    await s.answer('nope', '101');
    await s.hangUp('nope');
    await s.hungUpWaiting('nope');
    expect(s.records).toEqual([]);
    expect(await s.state('101')).toMatchObject({ ringingFor: null, calls: [] });
  });

  it('lets no late event of a finished call touch a manager now ringing for another', async () => {
    const s = createFakeServices();
    await s.register('101');
    await s.inbound('old');
    await s.noAnswer('old');
    await s.inbound('new');
    await s.hangUp('old'); // late duplicate: the call is already finished
    await s.answer('old', '101');
    expect(await s.state('101')).toMatchObject({ ringingFor: 'new', calls: [] });
    expect(s.records.filter((r) => r.callId === 'old')).toHaveLength(1);
  });
});
