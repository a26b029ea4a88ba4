import { describe, expect, it } from 'vitest';
import { checklistScore, daySeed, isWeak, pickForReview, seededRandom, type ReviewCandidate } from '../../../src/core/review/review-picker.js';

const RULES = { perManager: 3, weakAnswerRate: 0.7, shortCallSeconds: 20, longMonologueSeconds: 60 };
const calls = (manager: string, n: number, talkSeconds = 120): ReviewCandidate[] =>
  Array.from({ length: n }, (_, i) => ({ callId: `${manager}-${i}`, manager, talkSeconds, analytics: null }));

describe('the review queue', () => {
  it("picks the weak manager's calls more often than chance over a seeded week", () => {
    let weakPicked = 0;
    let picked = 0;
    for (let day = 1; day <= 7; day++) {
      const date = `2026-11-${String(day).padStart(2, '0')}`;
      // Anna and Boris took 20 calls each; Boris let his answer rate fall.
      const picks = pickForReview([...calls('101', 20), ...calls('102', 20)], [
        { manager: '101', drawdowns: 0, answerRate: 0.95, callbacksOwed: 0 },
        { manager: '102', drawdowns: 1, answerRate: 0.5, callbacksOwed: 2 },
      ], RULES, seededRandom(daySeed(date)));
      weakPicked += picks.filter((p) => p.manager === '102').length;
      picked += picks.length;
      expect(picks.filter((p) => p.manager === '102').every((p) => p.reasons.includes('weak-manager'))).toBe(true);
    }
    // Chance: half the calls are his. He gets two thirds of the queue.
    expect(weakPicked / picked).toBeGreaterThan(0.5);
    expect(weakPicked / picked).toBeCloseTo(2 / 3, 5);
  });

  it('draws very short calls and long monologues more often than ordinary ones over many days', () => {
    const pool: ReviewCandidate[] = [
      ...calls('101', 30),
      ...Array.from({ length: 10 }, (_, i) => ({ callId: `short-${i}`, manager: '101', talkSeconds: 8, analytics: null })),
    ];
    let short = 0;
    let total = 0;
    for (let day = 0; day < 200; day++) {
      const picks = pickForReview(pool, [], RULES, seededRandom(day + 1));
      short += picks.filter((p) => p.reasons.includes('short-call')).length;
      total += picks.length;
    }
    // A quarter of the calls are short; weighted three times, they are about half the picks.
    expect(short / total).toBeGreaterThan(0.4);
  });

  it('draws the same queue for the same day, never a call twice, and at most the quota', () => {
    const pool = calls('101', 5);
    const a = pickForReview(pool, [], RULES, seededRandom(daySeed('2026-12-03')));
    const b = pickForReview([...pool].reverse(), [], RULES, seededRandom(daySeed('2026-12-03')));
    expect(a).toEqual(b);
    expect(new Set(a.map((p) => p.callId)).size).toBe(3);
    expect(pickForReview(calls('101', 2), [], RULES, Math.random)).toHaveLength(2);
  });

  it('judges a manager weak on a drawdown, callbacks owed or a low answer rate, not on a quiet day', () => {
    expect(isWeak({ manager: 'x', drawdowns: 0, answerRate: null, callbacksOwed: 0 }, RULES)).toBe(false);
    expect(isWeak({ manager: 'x', drawdowns: 0, answerRate: 0.69, callbacksOwed: 0 }, RULES)).toBe(true);
    expect(isWeak({ manager: 'x', drawdowns: 0, answerRate: 1, callbacksOwed: 1 }, RULES)).toBe(true);
  });

  it('scores a checklist as the share passed and names unknown and missing items', () => {
    expect(checklistScore({ greeting: true, needs: false }, ['greeting', 'needs'])).toEqual({ score: 0.5, unknown: [], missing: [] });
    expect(checklistScore({ greeting: true, hack: true }, ['greeting', 'needs'])).toEqual({ score: 0.5, unknown: ['hack'], missing: ['needs'] });
  });
});
