import { describe, expect, it } from 'vitest';
import { ANSWER_SCORE, initialScore, recordOffer, relaxedScore, routingWeight, type AnswerScore } from '../../../src/core/routing/answer-score.js';
import { orderByStrategy } from '../../../src/core/routing/strategies.js';

const T0 = 1_800_000_000_000;
const answered = (ms: number) => ({ kind: 'answered' as const, timeToAnswerMs: ms, ringTimeoutMs: 15_000 });

describe('answer score', () => {
  it('rises with quick answers and falls with missed offers', () => {
    let s = initialScore(T0);
    for (let i = 0; i < 10; i++) s = recordOffer(s, answered(2000), T0 + i * 60_000);
    expect(s.score).toBeGreaterThan(0.9);
    for (let i = 0; i < 10; i++) s = recordOffer(s, { kind: 'missed' }, T0 + (10 + i) * 60_000);
    expect(s.score).toBeLessThan(0.15);
  });

  it('counts a busy rejection less badly than a missed call, and a slow answer less well than a quick one', () => {
    const s = initialScore(T0);
    expect(recordOffer(s, { kind: 'rejected' }, T0).score).toBeGreaterThan(recordOffer(s, { kind: 'missed' }, T0).score);
    expect(recordOffer(s, answered(1000), T0).score).toBeGreaterThan(recordOffer(s, answered(14_000), T0).score);
  });

  it('drifts back toward the prior with time, half the way per half-life', () => {
    const low: AnswerScore = { score: 0.2, updatedAt: T0 };
    const halfWay = ANSWER_SCORE.PRIOR - (ANSWER_SCORE.PRIOR - 0.2) / 2;
    expect(relaxedScore(low, T0 + ANSWER_SCORE.HALF_LIFE_MS)).toBeCloseTo(halfWay, 6);
  });

  it('never weighs a manager at zero, so he can win calls back', () => {
    expect(routingWeight({ score: 0, updatedAt: T0 }, T0)).toBe(ANSWER_SCORE.MIN_WEIGHT);
  });

  it('a simulated day: the manager whose answer rate falls gets fewer calls, then recovers', () => {
    // Four managers, a call every 30 s for 8 hours. Manager 104 answers everything in the
    // morning, misses everything from 11:00 to 13:00, then answers again.
    let seed = 3;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const team = ['101', '102', '103', '104'];
    const scores = new Map(team.map((m) => [m, initialScore(T0)]));
    const firstRings = { morning: new Map<string, number>(), slump: new Map<string, number>(), lateAfternoon: new Map<string, number>() };
    for (let t = 0; t < 8 * 3600_000; t += 30_000) {
      const now = T0 + t;
      const hour = 9 + t / 3600_000;
      const agents = team.map((m) => ({ extension: m, freeSince: null, callsToday: 0, talkSecondsToday: 0, weight: routingWeight(scores.get(m)!, now) }));
      const first = orderByStrategy('performance-weighted', { agents, sequence: 0, random }).order[0]!;
      const period = hour < 11 ? 'morning' : hour < 13 ? 'slump' : hour >= 15 ? 'lateAfternoon' : null;
      if (period) firstRings[period].set(first, (firstRings[period].get(first) ?? 0) + 1);
      const misses = first === '104' && hour >= 11 && hour < 13;
      scores.set(first, recordOffer(scores.get(first)!, misses ? { kind: 'missed' } : answered(3000), now));
    }
    const share = (period: keyof typeof firstRings) => {
      const total = [...firstRings[period].values()].reduce((a, b) => a + b, 0);
      return (firstRings[period].get('104') ?? 0) / total;
    };
    expect(share('morning')).toBeGreaterThan(0.18); // a fair share is 25 %
    expect(share('slump')).toBeLessThan(0.1); // measurably fewer while he misses
    expect(share('lateAfternoon')).toBeGreaterThan(0.18); // and back after answering again
  });
});
