import { describe, expect, it } from 'vitest';
import { ANSWER_SCORE } from '../../../src/core/routing/answer-score.js';
import { SECOND, createFakeServices, fakeConfig, managersOf, scenarioYaml, type FakeServices } from '../../helpers/fake-services.js';

/** 101 first, 102 second, each offer rings 15 s. */
const SALES = scenarioYaml({
  groups: { sales: ['101', '102'] },
  steps: [{ group: 'sales', strategy: 'sequential', ring_timeout: 15, max_wait: 120, wrap_up: 0 }],
});

const withMisses = (n: number) => createFakeServices({ config: fakeConfig({ routing: { autoPauseAfterMisses: n } }), scenarios: { 'sales.yaml': SALES } });

/** One call offered to 101 that ends as `outcome`; 102 (if registered) then takes it and hangs up. */
async function offerTo101(s: FakeServices, callId: string, outcome: 'miss' | 'busy' | 'answer'): Promise<void> {
  expect(managersOf(await s.inbound(callId))).toEqual(['101']);
  await s.clock.advance(2 * SECOND);
  if (outcome === 'answer') {
    await s.answer(callId, '101');
    await s.hangUp(callId);
    return;
  }
  const next = outcome === 'miss' ? await s.noAnswer(callId) : await s.busy(callId);
  if (next && managersOf(next).length > 0) await s.callerCancelled(callId);
}

describe('auto-pause after missed offers', () => {
  it('pauses a manager after N missed offers in a row, with reason no-answer, and raises manager.auto_paused once', async () => {
    const s = withMisses(3);
    await s.register('101', '102');
    await offerTo101(s, 'c1', 'miss');
    await offerTo101(s, 'c2', 'miss');
    expect(await s.state('101')).toMatchObject({ pauseReason: null, consecutiveMisses: 2 });
    expect(s.eventsNamed('manager.auto_paused')).toEqual([]);
    await offerTo101(s, 'c3', 'miss');
    expect(await s.state('101')).toMatchObject({ pauseReason: 'no-answer', consecutiveMisses: 3 });
    expect((await s.console.managers()).find((m) => m.extension === '101')).toMatchObject({ status: 'paused', pauseReason: 'no-answer' });
    expect(s.eventsNamed('manager.auto_paused')).toEqual([{ extension: '101', reason: 'no-answer', consecutiveMisses: 3, consecutiveDeclines: 0, callId: 'c3', at: new Date(s.clock.now()).toISOString() }]);
    // paused: the next calls go to 102, and no second event comes
    expect(managersOf(await s.inbound('c4'))).toEqual(['102']);
    await s.noAnswer('c4');
    expect(s.eventsNamed('manager.auto_paused').map((e) => e.extension)).toEqual(['101']);
    expect((await s.state('102')).consecutiveMisses).toBe(1);
  });

  it('counts neither a busy (declined) offer nor a caller hanging up, and an answer starts the count afresh', async () => {
    const s = withMisses(2);
    await s.register('101', '102');
    await offerTo101(s, 'c1', 'miss');
    await offerTo101(s, 'c2', 'busy');
    expect(await s.state('101')).toMatchObject({ pauseReason: null, consecutiveMisses: 1 });
    expect(managersOf(await s.inbound('c3'))).toEqual(['101']);
    await s.callerCancelled('c3');
    expect(await s.state('101')).toMatchObject({ pauseReason: null, consecutiveMisses: 1 });
    await offerTo101(s, 'c4', 'answer');
    expect((await s.state('101')).consecutiveMisses).toBe(0);
    await offerTo101(s, 'c5', 'miss');
    expect(await s.state('101')).toMatchObject({ pauseReason: null, consecutiveMisses: 1 });
    await offerTo101(s, 'c6', 'miss');
    expect((await s.state('101')).pauseReason).toBe('no-answer');
    expect(s.eventsNamed('manager.auto_paused').map((e) => [e.extension, e.callId])).toEqual([['101', 'c6']]);
  });

  it('is cleared by unpausing on the console, which also offers him the calls that wait', async () => {
    const s = withMisses(1);
    await s.register('101');
    expect(managersOf(await s.inbound('c1'))).toEqual(['101']);
    expect(await s.noAnswer('c1')).toMatchObject({ action: 'reject', code: 480 }); // nobody else: missed
    expect((await s.state('101')).pauseReason).toBe('no-answer');
    expect(await s.inbound('w')).toEqual({ action: 'wait' }); // signed in, but paused
    const view = await s.console.unpause('101');
    expect(view).toMatchObject({ extension: '101', status: 'available', pauseReason: null, consecutiveMisses: 0 });
    await s.flush();
    expect(s.resumed.map((r) => [r.callId, managersOf(r.decision)])).toEqual([['w', ['101']]]);
  });

  it('does not count a manager\'s own pause, and keeps the reason he gave', async () => {
    const s = withMisses(1);
    await s.register('101', '102');
    const view = await s.console.pause('101', 'lunch');
    expect(view).toMatchObject({ status: 'paused', pauseReason: 'lunch', consecutiveMisses: 0 });
    expect(managersOf(await s.inbound('c1'))).toEqual(['102']);
    expect(s.eventsNamed('manager.auto_paused')).toEqual([]);
    await expect(s.console.pause('999', 'x')).rejects.toThrow(/999/);
  });
});

describe('answer score', () => {
  it('falls after a missed offer, less after a declined one, and rises after a quick answer', async () => {
    const s = withMisses(10);
    await s.register('101', '102');
    const score = async (e: string) => (await s.console.managers()).find((m) => m.extension === e)!.answerScore;
    expect(await score('101')).toBe(ANSWER_SCORE.PRIOR);
    await offerTo101(s, 'c1', 'miss'); // 102 then rang, and the caller gave up: not his fault
    await s.flush();
    expect(await score('102')).toBe(ANSWER_SCORE.PRIOR);
    expect(managersOf(await s.inbound('c2'))).toEqual(['101']);
    await s.noAnswer('c2');
    await s.busy('c2'); // 102 declines
    await s.flush();
    const missed = await score('101');
    const declined = await score('102');
    expect(missed).toBeLessThan(declined);
    expect(declined).toBeLessThan(ANSWER_SCORE.PRIOR);
    await offerTo101(s, 'c3', 'answer'); // answered after 2 of 15 s
    await s.flush();
    expect(await score('101')).toBeGreaterThan(missed);
  });
});

describe('do-not-disturb on the phone (issue 19)', () => {
  const withDnd = () => createFakeServices({ config: fakeConfig({ routing: { dndAfterRejections: 3, dndWindowSeconds: 120 } }), scenarios: { 'sales.yaml': SALES } });

  it('pauses a manager whose phone refuses 3 offers in a row with reason dnd-on-phone, raises manager.auto_paused, and calls go to the others', async () => {
    const s = withDnd();
    await s.register('101', '102');
    for (const id of ['c1', 'c2']) await offerTo101(s, id, 'busy');
    expect(await s.state('101')).toMatchObject({ pauseReason: null, consecutiveDeclines: 2 });
    await offerTo101(s, 'c3', 'busy');
    expect(await s.state('101')).toMatchObject({ pauseReason: 'dnd-on-phone', consecutiveDeclines: 3, consecutiveMisses: 0 });
    expect((await s.console.managers()).find((m) => m.extension === '101')).toMatchObject({ status: 'paused', pauseReason: 'dnd-on-phone' });
    expect(s.eventsNamed('manager.auto_paused')).toEqual([{ extension: '101', reason: 'dnd-on-phone', consecutiveMisses: 0, consecutiveDeclines: 3, callId: 'c3', at: new Date(s.clock.now()).toISOString() }]);
    expect(managersOf(await s.inbound('c4'))).toEqual(['102']);
  });

  it('he comes back by himself when his phone registers anew, not on a refresh', async () => {
    const s = withDnd();
    await s.register('101', '102');
    for (const id of ['c1', 'c2', 'c3']) await offerTo101(s, id, 'busy');
    await s.register('101'); // a refresh: same REGISTER Call-ID
    expect((await s.state('101')).pauseReason).toBe('dnd-on-phone');
    await s.registerWith('101', 'phone-restarted');
    expect(await s.state('101')).toMatchObject({ pauseReason: null, consecutiveDeclines: 0 });
    expect(managersOf(await s.inbound('c4'))).toEqual(['101']);
  });

  it('refusals spread wider than the window do not pause him; a fresh registration never lifts a manager\'s own pause', async () => {
    const s = withDnd();
    await s.register('101', '102');
    await offerTo101(s, 'c1', 'busy');
    await offerTo101(s, 'c2', 'busy');
    await s.clock.advance(121 * SECOND);
    await offerTo101(s, 'c3', 'busy');
    expect(await s.state('101')).toMatchObject({ pauseReason: null, consecutiveDeclines: 1 });
    await s.console.pause('101', 'lunch');
    await s.registerWith('101', 'another-phone');
    expect((await s.state('101')).pauseReason).toBe('lunch');
  });
});
