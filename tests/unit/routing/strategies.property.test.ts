import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { STRATEGIES, orderByStrategy } from '../../../src/core/routing/strategies.js';

const snapshot = fc.record({
  freeSince: fc.option(fc.integer({ min: 0, max: 2_000_000_000_000 }), { nil: null }),
  callsToday: fc.nat(200),
  talkSecondsToday: fc.nat(30_000),
  weight: fc.double({ min: 0.05, max: 1, noNaN: true }),
});

const group = fc.uniqueArray(fc.integer({ min: 100, max: 999_999 }), { maxLength: 30 }).chain((exts) =>
  fc.tuple(...exts.map((e) => snapshot.map((s) => ({ ...s, extension: String(e) })))),
);

describe('strategies (properties)', () => {
  it('every strategy rings each eligible manager exactly once and nobody else, whatever the snapshot', () => {
    fc.assert(
      fc.property(fc.constantFrom(...STRATEGIES), group, fc.integer(), fc.double({ min: 0, max: 0.999999, noNaN: true }), (strategy, agents, sequence, r) => {
        const order = orderByStrategy(strategy, { agents, sequence, random: () => r }).order;
        expect([...order].sort()).toEqual(agents.map((a) => a.extension).sort());
      }),
      { numRuns: 500 },
    );
  });

  it('least-loaded strategies never put a busier manager before a less busy one', () => {
    fc.assert(
      fc.property(group, (agents) => {
        const calls = new Map(agents.map((a) => [a.extension, a.callsToday]));
        const order = orderByStrategy('fewest-calls-today', { agents, sequence: 0, random: Math.random }).order;
        for (let i = 1; i < order.length; i++) expect(calls.get(order[i - 1]!)!).toBeLessThanOrEqual(calls.get(order[i]!)!);
      }),
      { numRuns: 300 },
    );
  });
});
