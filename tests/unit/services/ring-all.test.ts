import { describe, expect, it } from 'vitest';
import { SECOND, contactOf, createFakeServices, fakeConfig, managersOf, scenarioYaml, sourceOf } from '../../helpers/fake-services.js';

const RING_ALL = scenarioYaml({
  groups: { seniors: ['101', '102', '103'] },
  steps: [{ group: 'seniors', strategy: 'ring-all', ring_timeout: 20, max_wait: 60, wrap_up: 0 }],
});

const ringAll = (autoPauseAfterMisses = 3) =>
  createFakeServices({ config: fakeConfig({ routing: { autoPauseAfterMisses } }), scenarios: { 'ring-all.yaml': RING_ALL } });

describe('ring-all', () => {
  it('reserves every eligible manager and rings them in one parallel decision', async () => {
    const s = ringAll();
    await s.register('101', '102', '103');
    await s.console.pause('103', 'lunch');
    const decision = await s.inbound('a');
    expect(decision).toEqual({
      action: 'route',
      parallel: true,
      targets: ['101', '102'].map((m) => ({ uri: contactOf(m), nextHop: sourceOf(m), ringTimeoutMs: 20_000 })),
    });
    expect((await s.state('101')).ringingFor).toBe('a');
    expect((await s.state('102')).ringingFor).toBe('a');
    expect((await s.state('103')).ringingFor).toBeNull();
    // a second call finds everyone reserved: it waits rather than sharing them
    expect(await s.inbound('b')).toEqual({ action: 'wait' });
  });

  it('gives the call to whoever answers, from his phone\'s address, and releases the others at once', async () => {
    const s = ringAll();
    await s.register('101', '102', '103');
    await s.inbound('a');
    await s.clock.advance(3 * SECOND);
    await s.answer('a', '102');
    expect(await s.state('102')).toMatchObject({ ringingFor: null, calls: ['a'] });
    for (const other of ['101', '103']) expect(await s.state(other)).toMatchObject({ ringingFor: null, calls: [], consecutiveMisses: 0 });
    // the released ones take the next call together
    expect(managersOf(await s.inbound('b'))).toEqual(['101', '103']);
    await s.clock.advance(10 * SECOND);
    await s.hangUp('a');
    expect(s.recordOf('a')).toMatchObject({ disposition: 'answered', manager: '102', ringSeconds: 3, talkSeconds: 10 });
    expect(s.recordOf('a')!.attempts.map((t) => [t.manager, t.result, t.sipCode])).toEqual([
      ['101', 'cancelled', 487],
      ['102', 'answered', 200],
      ['103', 'cancelled', 487],
    ]);
  });

  it('resumes a waiting call to everyone free once the parallel ring is over', async () => {
    const s = ringAll();
    await s.register('101', '102');
    await s.inbound('a');
    expect(await s.inbound('b')).toEqual({ action: 'wait' });
    await s.answer('a', '101');
    await s.flush();
    expect(s.resumed.map((r) => [r.callId, managersOf(r.decision), r.decision.action === 'route' && r.decision.parallel])).toEqual([['b', ['102'], true]]);
  });

  it('counts a miss for every manager when nobody answers, and then the step is over', async () => {
    const s = ringAll(1);
    await s.register('101', '102');
    await s.inbound('a');
    await s.clock.advance(20 * SECOND);
    expect(await s.noAnswer('a')).toMatchObject({ action: 'reject', code: 480 });
    for (const m of ['101', '102']) expect(await s.state(m)).toMatchObject({ ringingFor: null, pauseReason: 'no-answer', consecutiveMisses: 1 });
    expect(s.eventsNamed('manager.auto_paused').map((e) => e.extension).sort()).toEqual(['101', '102']);
    expect(s.recordOf('a')).toMatchObject({ disposition: 'missed' });
    expect(s.recordOf('a')!.attempts.map((t) => [t.manager, t.result])).toEqual([['101', 'no-answer'], ['102', 'no-answer']]);
  });
});
