import { describe, expect, it } from 'vitest';
import { newAgentState, type AgentState } from '../../../src/core/agents/agent-state.js';
import { chooseOffer, type OfferContext } from '../../../src/core/routing/choose-offer.js';
import type { AnswerScore } from '../../../src/core/routing/answer-score.js';
import type { GroupStep, StickyStep, Strategy } from '../../../src/core/scenarios/scenario-schema.js';

const T0 = 1_800_000_000_000;
const TODAY = '2027-01-15';
const settings = { ringTimeout: 15, maxWait: 60, wrapUp: 10, maxConcurrentCalls: 1, skipBusy: true, maxWaiting: 200 };
const group = (strategy: Strategy, over: Partial<GroupStep> = {}): GroupStep => ({ kind: 'group', group: 'sales', strategy, ...settings, ...over });
const stickyStep: StickyStep = { kind: 'sticky', days: 30, crmOwner: true, ...settings };

const free = (over: Partial<AgentState> = {}): AgentState => ({ ...newAgentState(T0 - 3_600_000), registered: true, ...over });

function ctx(states: Record<string, AgentState>, over: Partial<OfferContext> = {}): OfferContext {
  return { states: new Map(Object.entries(states)), scores: new Map(), random: () => 0.5, now: T0, day: TODAY, ...over };
}

describe('chooseOffer: who may be offered the call', () => {
  const states = {
    offline: free({ registered: false }),
    paused: free({ pauseReason: 'lunch' }),
    autoPaused: free({ pauseReason: 'no-answer' }),
    ringing: free({ ringingFor: 'other-call' }),
    talking: free({ calls: ['other-call'] }),
    wrapUp: free({ wrapUpUntil: T0 + 1 }),
    wrapUpOver: free({ wrapUpUntil: T0 }),
    idle: free(),
  };
  const all = [...Object.keys(states), 'neverSeen'];

  it('keeps only registered managers who are not paused, ringing, talking or in wrap-up', () => {
    expect(chooseOffer(group('sequential'), all, ctx(states)).order).toEqual(['wrapUpOver', 'idle']);
  });

  it('lets a step with skip_busy: false ring a talking manager while he has fewer calls than max_concurrent', () => {
    const waiting = group('sequential', { skipBusy: false, maxConcurrentCalls: 2 });
    expect(chooseOffer(waiting, all, ctx(states)).order).toEqual(['talking', 'wrapUpOver', 'idle']);
    const full = { ...states, talking: free({ calls: ['x', 'y'] }) };
    expect(chooseOffer(waiting, all, ctx(full)).order).toEqual(['wrapUpOver', 'idle']);
    // max_concurrent alone does not make a busy manager ringable
    expect(chooseOffer(group('sequential', { maxConcurrentCalls: 2 }), all, ctx(states)).order).toEqual(['wrapUpOver', 'idle']);
  });

  it('offers nobody when nobody is eligible', () => {
    expect(chooseOffer(group('ring-all'), ['offline', 'paused'], ctx(states))).toEqual({ mode: 'parallel', order: [] });
  });
});

describe('chooseOffer: in the order of the step\'s strategy', () => {
  const abc = { a: free(), b: free(), c: free() };

  it('sequential keeps the configured order; ring-all rings them all at once', () => {
    expect(chooseOffer(group('sequential'), ['c', 'a', 'b'], ctx(abc))).toEqual({ mode: 'serial', order: ['c', 'a', 'b'] });
    expect(chooseOffer(group('ring-all'), ['c', 'a', 'b'], ctx(abc))).toEqual({ mode: 'parallel', order: ['c', 'a', 'b'] });
  });

  it('longest-idle puts first who became free earliest, and someone never on a call before all', () => {
    const states = { a: free({ freeSince: T0 - 1000 }), b: free({ freeSince: T0 - 9000 }), c: free({ freeSince: null }) };
    expect(chooseOffer(group('longest-idle'), ['a', 'b', 'c'], ctx(states)).order).toEqual(['c', 'b', 'a']);
  });

  it('fewest-calls-today and least-talk-time-today count only today: yesterday\'s counters are zero', () => {
    const states = {
      a: free({ day: TODAY, callsToday: 3, talkSecondsToday: 100 }),
      b: free({ day: '2027-01-14', callsToday: 50, talkSecondsToday: 9000 }),
      c: free({ day: TODAY, callsToday: 1, talkSecondsToday: 500 }),
    };
    expect(chooseOffer(group('fewest-calls-today'), ['a', 'b', 'c'], ctx(states)).order).toEqual(['b', 'c', 'a']);
    expect(chooseOffer(group('least-talk-time-today'), ['a', 'b', 'c'], ctx(states)).order).toEqual(['b', 'a', 'c']);
  });

  it('performance-weighted favours the better answer score, and a manager never scored counts at the prior', () => {
    const scores = new Map<string, AnswerScore>([
      ['a', { score: 0.05, updatedAt: T0 }],
      ['b', { score: 1, updatedAt: T0 }],
    ]);
    // with the same die for everyone, the higher weight always sorts first
    expect(chooseOffer(group('performance-weighted'), ['a', 'b', 'c'], ctx(abc, { scores })).order).toEqual(['b', 'c', 'a']);
  });

  it('a sticky step rings its candidate serially, whatever strategy', () => {
    expect(chooseOffer(stickyStep, ['b'], ctx(abc))).toEqual({ mode: 'serial', order: ['b'] });
    expect(chooseOffer(stickyStep, ['b'], ctx({ b: free({ calls: ['x'] }) }))).toEqual({ mode: 'serial', order: [] });
  });
});
