import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PERFORMANCE_FLOOR, orderByStrategy, type AgentSnapshot } from '../../../src/core/routing/strategies.js';
import { seeded } from '../../helpers/seeded-random.js';

const T = 1_800_000_000_000;
const agent = (extension: string, over: Partial<AgentSnapshot> = {}): AgentSnapshot => ({
  extension,
  freeSince: T,
  callsToday: 0,
  talkSecondsToday: 0,
  weight: 1,
  ...over,
});

const input = (agents: AgentSnapshot[], sequence = 0, random = seeded(1)) => ({ agents, sequence, random });

describe('strategies', () => {
  const group = [agent('101'), agent('102'), agent('103')];

  it('ring-all rings everyone at once', () => {
    expect(orderByStrategy('ring-all', input(group))).toEqual({ mode: 'parallel', order: ['101', '102', '103'] });
  });

  it('sequential always starts from the top', () => {
    expect(orderByStrategy('sequential', input(group, 7)).order).toEqual(['101', '102', '103']);
  });

  it('round-robin moves the first ring along with every call', () => {
    expect([0, 1, 2, 3].map((n) => orderByStrategy('round-robin', input(group, n)).order[0])).toEqual(['101', '102', '103', '101']);
    expect(orderByStrategy('round-robin', input(group, 1)).order).toEqual(['102', '103', '101']);
  });

  it('longest-idle picks who has been free longest, and one never called before all', () => {
    const agents = [agent('101', { freeSince: T - 5_000 }), agent('102', { freeSince: T - 60_000 }), agent('103', { freeSince: null })];
    expect(orderByStrategy('longest-idle', input(agents)).order).toEqual(['103', '102', '101']);
  });

  it('fewest-calls-today and least-talk-time-today pick the least loaded, ties in configured order', () => {
    const agents = [agent('101', { callsToday: 5, talkSecondsToday: 100 }), agent('102', { callsToday: 2, talkSecondsToday: 900 }), agent('103', { callsToday: 2, talkSecondsToday: 50 })];
    expect(orderByStrategy('fewest-calls-today', input(agents)).order).toEqual(['102', '103', '101']);
    expect(orderByStrategy('least-talk-time-today', input(agents)).order).toEqual(['103', '101', '102']);
  });

  it('random gives each manager the first ring about equally often', () => {
    const random = seeded(42);
    const firsts = new Map<string, number>();
    for (let i = 0; i < 3000; i++) {
      const first = orderByStrategy('random', { agents: group, sequence: i, random }).order[0]!;
      firsts.set(first, (firsts.get(first) ?? 0) + 1);
    }
    for (const count of firsts.values()) expect(count).toBeGreaterThan(900);
  });

  it('performance-weighted gives first rings in proportion to weight, above the stated floor', () => {
    const random = seeded(7);
    const agents = [agent('101', { weight: 0.9 }), agent('102', { weight: 0.9 }), agent('103', { weight: 0.2 })];
    const firsts = new Map<string, number>();
    for (let i = 0; i < 4000; i++) {
      const first = orderByStrategy('performance-weighted', { agents, sequence: i, random }).order[0]!;
      firsts.set(first, (firsts.get(first) ?? 0) + 1);
    }
    // expected shares 0.2/3 + 0.8 * (0.9, 0.9, 0.2) / 2.0 = 42.7 %, 42.7 %, 14.7 %
    expect(firsts.get('103')! / 4000).toBeGreaterThan(0.12);
    expect(firsts.get('103')! / 4000).toBeLessThan(0.17);
    expect(firsts.get('101')! / 4000).toBeGreaterThan(0.4);
  });

  it('performance-weighted never gives a manager less than the floor share 0.2/n + 0.8 w/sum(w) (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.05, max: 1, noNaN: true }), { minLength: 2, maxLength: 8 }), fc.integer(), (weights, seed) => {
        const random = seeded(seed);
        const agents = weights.map((weight, i) => agent(String(101 + i), { weight }));
        const runs = 3000;
        const firsts = new Array<number>(weights.length).fill(0);
        for (let i = 0; i < runs; i++) firsts[Number(orderByStrategy('performance-weighted', { agents, sequence: i, random }).order[0]) - 101]!++;
        const total = weights.reduce((a, b) => a + b, 0);
        weights.forEach((w, i) => {
          const expected = PERFORMANCE_FLOOR / weights.length + (1 - PERFORMANCE_FLOOR) * (w / total);
          // five standard deviations of a binomial share: a real shortfall, not chance
          expect(firsts[i]! / runs).toBeGreaterThan(expected - 5 * Math.sqrt((expected * (1 - expected)) / runs));
        });
      }),
      { numRuns: 30 },
    );
  });

  it('every strategy orders every eligible manager exactly once, and nobody else', () => {
    for (const s of ['ring-all', 'round-robin', 'longest-idle', 'fewest-calls-today', 'least-talk-time-today', 'sequential', 'random', 'performance-weighted'] as const) {
      expect(orderByStrategy(s, input(group, 5)).order.sort()).toEqual(['101', '102', '103']);
      expect(orderByStrategy(s, input([], 5)).order).toEqual([]);
    }
  });
});
