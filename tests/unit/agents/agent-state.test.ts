import { describe, expect, it } from 'vitest';
import {
  AUTO_PAUSE_REASON,
  DND_PAUSE_REASON,
  applyAgentEvent,
  canOffer,
  countersFor,
  newAgentState,
  statusAt,
  type AgentEvent,
  type AgentState,
  type AutoPausePolicy,
  type OfferRules,
} from '../../../src/core/agents/agent-state.js';

const T0 = 1_800_000_000_000;
const one: OfferRules = { maxConcurrentCalls: 1, skipBusy: false };
const free: AgentState = { ...newAgentState(T0), registered: true };

/** Applies events one second apart from T0 + 1 s; returns the last state and what each step reported. */
function run(events: AgentEvent[], start: AgentState = free) {
  let state = start;
  const steps = events.map((event, i) => {
    const t = applyAgentEvent(state, event, T0 + (i + 1) * 1000);
    state = t.state;
    return { applied: t.applied, autoPaused: t.autoPaused };
  });
  return { state, steps };
}

const reserve = (callId: string, rules = one): AgentEvent => ({ type: 'reserved', callId, rules });
const policy = (afterMisses = 3, dndAfterDeclines = 3, dndWindowMs = 120_000): AutoPausePolicy => ({ afterMisses, dndAfterDeclines, dndWindowMs });
const miss = (callId: string, afterMisses = 3): AgentEvent => ({ type: 'offer-failed', callId, outcome: 'missed', policy: policy(afterMisses) });
const end = (callId: string, wrapUpMs = 0, talkSeconds = 0, day = '2027-01-15'): AgentEvent => ({ type: 'call-ended', callId, wrapUpMs, talkSeconds, day });

describe('statusAt', () => {
  it('is offline until the phone registers, then available', () => {
    expect(statusAt(newAgentState(T0), T0)).toBe('offline');
    expect(statusAt(free, T0)).toBe('available');
  });

  it('shows ringing and on-call even when the registration has lapsed (the call goes on)', () => {
    expect(statusAt({ ...newAgentState(T0), ringingFor: 'c1' }, T0)).toBe('ringing');
    expect(statusAt({ ...newAgentState(T0), calls: ['c1'] }, T0)).toBe('on-call');
  });

  it('ends wrap-up by time, and shows a pause only once wrap-up is over', () => {
    const state = { ...free, wrapUpUntil: T0 + 10_000, pauseReason: 'lunch' };
    expect(statusAt(state, T0 + 9_999)).toBe('wrap-up');
    expect(statusAt(state, T0 + 10_000)).toBe('paused');
    expect(statusAt({ ...state, pauseReason: null }, T0 + 10_000)).toBe('available');
  });
});

describe('canOffer', () => {
  it('refuses an unregistered, ringing, paused or wrapping-up manager', () => {
    expect(canOffer(free, T0, one)).toBe(true);
    expect(canOffer({ ...free, registered: false }, T0, one)).toBe(false);
    expect(canOffer({ ...free, ringingFor: 'c1' }, T0, one)).toBe(false);
    expect(canOffer({ ...free, pauseReason: 'lunch' }, T0, one)).toBe(false);
    expect(canOffer({ ...free, wrapUpUntil: T0 + 1 }, T0, one)).toBe(false);
    expect(canOffer({ ...free, wrapUpUntil: T0 }, T0, one)).toBe(true);
  });

  it('offers a manager on a call only without skipBusy and below maxConcurrentCalls', () => {
    const onOne = { ...free, calls: ['c1'] };
    expect(canOffer(onOne, T0, { maxConcurrentCalls: 1, skipBusy: false })).toBe(false);
    expect(canOffer(onOne, T0, { maxConcurrentCalls: 2, skipBusy: false })).toBe(true);
    expect(canOffer(onOne, T0, { maxConcurrentCalls: 2, skipBusy: true })).toBe(false);
    expect(canOffer({ ...free, calls: ['c1', 'c2'] }, T0, { maxConcurrentCalls: 2, skipBusy: false })).toBe(false);
    expect(canOffer(free, T0, { maxConcurrentCalls: 1, skipBusy: true })).toBe(true);
  });
});

describe('applyAgentEvent', () => {
  it('goes available -> ringing -> on-call -> wrap-up -> available, stamping `since` at each step', () => {
    const { state, steps } = run([reserve('c1'), { type: 'answered', callId: 'c1' }, end('c1', 10_000, 42)]);
    expect(steps.every((s) => s.applied)).toBe(true);
    expect(state).toEqual({
      ...free,
      since: T0 + 3000,
      wrapUpUntil: T0 + 13_000,
      freeSince: T0 + 13_000,
      day: '2027-01-15',
      callsToday: 1,
      talkSecondsToday: 42,
    });
    expect(statusAt(state, T0 + 12_999)).toBe('wrap-up');
    expect(statusAt(state, T0 + 13_000)).toBe('available');
  });

  it('reserving marks the manager ringing for that call, and a refused reservation changes nothing', () => {
    const ringing = run([reserve('c1')]).state;
    expect(ringing).toEqual({ ...free, ringingFor: 'c1', since: T0 + 1000 });
    const refused = applyAgentEvent(ringing, reserve('c2'), T0 + 5000);
    expect(refused).toEqual({ state: ringing, applied: false, autoPaused: false });
  });

  it('an answer clears the misses and any wrap-up, and adds the call to those he is on', () => {
    const start = { ...free, calls: ['c0'], consecutiveMisses: 2 };
    const { state } = run([reserve('c1', { maxConcurrentCalls: 2, skipBusy: false }), { type: 'answered', callId: 'c1' }], start);
    expect(state).toMatchObject({ ringingFor: null, calls: ['c0', 'c1'], consecutiveMisses: 0, wrapUpUntil: null });
  });

  it('ignores events of a call that does not hold the manager', () => {
    const ringing = run([reserve('new')]).state;
    for (const event of [{ type: 'answered', callId: 'old' }, miss('old'), end('old')] satisfies AgentEvent[]) {
      expect(applyAgentEvent(ringing, event, T0 + 9000)).toEqual({ state: ringing, applied: false, autoPaused: false });
    }
  });

  it('a failed offer frees the manager; only a miss counts toward the run of misses', () => {
    const { state, steps } = run([
      reserve('a'), miss('a'),
      reserve('b'), { type: 'offer-failed', callId: 'b', outcome: 'rejected', policy: policy() },
      reserve('c'), { type: 'offer-failed', callId: 'c', outcome: 'cancelled', policy: policy() },
    ]);
    expect(steps.every((s) => s.applied)).toBe(true);
    expect(state).toMatchObject({ ringingFor: null, consecutiveMisses: 1, pauseReason: null });
  });

  it('pauses a manager automatically after N missed offers in a row, once, with reason no-answer', () => {
    const { state, steps } = run(['a', 'b', 'c'].flatMap((id) => [reserve(id), miss(id)]));
    expect(state).toMatchObject({ pauseReason: AUTO_PAUSE_REASON, consecutiveMisses: 3 });
    expect(statusAt(state, T0 + 60_000)).toBe('paused');
    expect(steps.map((s) => s.autoPaused)).toEqual([false, false, false, false, false, true]);
  });

  it('rejections do not break nor extend the run of misses toward the auto-pause', () => {
    const rejected = (id: string): AgentEvent => ({ type: 'offer-failed', callId: id, outcome: 'rejected', policy: policy(2) });
    const { state, steps } = run([reserve('a'), miss('a', 2), reserve('b'), rejected('b'), reserve('c'), rejected('c')]);
    expect(state).toMatchObject({ consecutiveMisses: 1, pauseReason: null });
    expect(steps.some((s) => s.autoPaused)).toBe(false);
    expect(run([reserve('d'), miss('d', 2)], state).steps[1]!.autoPaused).toBe(true);
  });

  it('does not auto-pause, nor overwrite the reason of, a manager already paused (paused while ringing)', () => {
    const { state, steps } = run([reserve('a'), { type: 'paused', reason: 'lunch' }, miss('a', 1)]);
    expect(state).toMatchObject({ pauseReason: 'lunch', consecutiveMisses: 1, ringingFor: null });
    expect(steps[2]!.autoPaused).toBe(false);
  });

  it('unpausing makes the manager available and forgets the misses', () => {
    const paused = { ...free, pauseReason: AUTO_PAUSE_REASON, consecutiveMisses: 3 };
    const { state } = run([{ type: 'unpaused' }], paused);
    expect(state).toEqual({ ...free, since: T0 + 1000 });
    expect(statusAt(state, T0 + 1000)).toBe('available');
  });

  it('a placed call puts him on it and ends any wrap-up; placing the same call twice changes nothing', () => {
    const { state, steps } = run([{ type: 'placed-call', callId: 'out' }, { type: 'placed-call', callId: 'out' }], { ...free, wrapUpUntil: T0 + 60_000 });
    expect(steps.map((s) => s.applied)).toEqual([true, false]);
    expect(state).toMatchObject({ calls: ['out'], wrapUpUntil: null, since: T0 + 1000 });
  });

  it('ending one of two calls keeps him on the other; freeSince moves only when the last one ends', () => {
    const start = { ...free, calls: ['c1', 'c2'], freeSince: T0 - 5000 };
    const first = run([end('c1', 5000)], start).state;
    expect(first).toMatchObject({ calls: ['c2'], freeSince: T0 - 5000, wrapUpUntil: T0 + 6000 });
    expect(statusAt(first, T0 + 2000)).toBe('on-call');
    const second = run([end('c2', 5000)], first).state;
    expect(second).toMatchObject({ calls: [], freeSince: T0 + 6000, wrapUpUntil: T0 + 6000 });
  });

  it('counts a call once: a second end of the same call does not apply', () => {
    const { state, steps } = run([{ type: 'placed-call', callId: 'c1' }, end('c1', 0, 30), end('c1', 0, 30)]);
    expect(steps.map((s) => s.applied)).toEqual([true, true, false]);
    expect(state).toMatchObject({ callsToday: 1, talkSecondsToday: 30, since: T0 + 2000 });
  });

  it("starts today's counters afresh on a new local day", () => {
    const yesterday = { ...free, calls: ['c1'], day: '2027-01-14', callsToday: 17, talkSecondsToday: 3600 };
    expect(run([end('c1', 0, 20, '2027-01-14')], yesterday).state).toMatchObject({ day: '2027-01-14', callsToday: 18, talkSecondsToday: 3620 });
    expect(run([end('c1', 0, 20, '2027-01-15')], yesterday).state).toMatchObject({ day: '2027-01-15', callsToday: 1, talkSecondsToday: 20 });
    expect(countersFor(yesterday, '2027-01-15')).toEqual({ callsToday: 0, talkSecondsToday: 0 });
    expect(countersFor(yesterday, '2027-01-14')).toEqual({ callsToday: 17, talkSecondsToday: 3600 });
  });
});

describe('do-not-disturb on the phone: refusals from a phone believed free', () => {
  const decline = (callId: string): AgentEvent => ({ type: 'offer-failed', callId, outcome: 'declined', policy: policy() });
  const registered = { ...newAgentState(T0), registered: true };

  it('pauses with reason dnd-on-phone after N refusals in a row within the window, once', () => {
    const { state, steps } = run(['a', 'b', 'c'].flatMap((id) => [reserve(id), decline(id)]), registered);
    expect(state).toMatchObject({ pauseReason: DND_PAUSE_REASON, consecutiveDeclines: 3, consecutiveMisses: 0 });
    expect(steps.map((s) => s.autoPaused)).toEqual([false, false, false, false, false, true]);
  });

  it('a refusal after the window starts a new run; a miss or another failure ends it; a cancel leaves it', () => {
    const at = (state: AgentState, event: AgentEvent, t: number) => applyAgentEvent(state, event, t).state;
    let s = at(at(registered, reserve('a'), T0), decline('a'), T0);
    s = at(at(s, reserve('b'), T0 + 1000), decline('b'), T0 + 1000);
    s = at(at(s, reserve('c'), T0 + 200_000), decline('c'), T0 + 200_000); // 120 s window over
    expect(s).toMatchObject({ consecutiveDeclines: 1, declinesSince: T0 + 200_000, pauseReason: null });
    s = at(at(s, reserve('d'), T0 + 201_000), { type: 'offer-failed', callId: 'd', outcome: 'cancelled', policy: policy() }, T0 + 201_000);
    expect(s.consecutiveDeclines).toBe(1);
    s = at(at(s, reserve('e'), T0 + 202_000), miss('e'), T0 + 202_000);
    expect(s).toMatchObject({ consecutiveDeclines: 0, declinesSince: null });
  });

  it('does not count busy from a manager on a call (call waiting: busy is the truth)', () => {
    const talking = { ...registered, calls: ['x'] };
    const rules = { maxConcurrentCalls: 2, skipBusy: false };
    const { state } = run(['a', 'b', 'c'].flatMap((id) => [reserve(id, rules), decline(id)]), talking);
    expect(state).toMatchObject({ consecutiveDeclines: 0, pauseReason: null });
  });

  it('comes back by himself when his phone answers or places a call, or registers anew; other pauses stay', () => {
    const dnd = run(['a', 'b', 'c'].flatMap((id) => [reserve(id), decline(id)]), registered).state;
    expect(applyAgentEvent(dnd, { type: 'registered-afresh' }, T0 + 9e5).state).toMatchObject({ pauseReason: null, consecutiveDeclines: 0 });
    expect(applyAgentEvent(dnd, { type: 'placed-call', callId: 'out' }, T0 + 9e5).state).toMatchObject({ pauseReason: null, consecutiveDeclines: 0 });
    expect(applyAgentEvent(dnd, { type: 'unpaused' }, T0 + 9e5).state).toMatchObject({ pauseReason: null, consecutiveDeclines: 0 });
    const ringing = { ...dnd, ringingFor: 'in' }; // reserved before the pause (ring-all, another instance)
    expect(applyAgentEvent(ringing, { type: 'answered', callId: 'in' }, T0 + 9e5).state).toMatchObject({ pauseReason: null, consecutiveDeclines: 0 });
    const lunch = { ...registered, pauseReason: 'lunch' };
    expect(applyAgentEvent(lunch, { type: 'registered-afresh' }, T0 + 9e5)).toMatchObject({ applied: false, state: lunch });
    expect(applyAgentEvent(lunch, { type: 'placed-call', callId: 'out' }, T0 + 9e5).state.pauseReason).toBe('lunch');
  });
});
