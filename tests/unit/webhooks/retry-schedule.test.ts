import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_SCHEDULE_SECONDS, jittered, nextRetryDelayMs, parseRetryAfter, totalAttempts, type RetryPolicy } from '../../../src/core/webhooks/retry-schedule.js';

const policy = (over: Partial<RetryPolicy> = {}): RetryPolicy => ({ scheduleSeconds: [5, 30, 120], jitter: 'none', maxRetryAfterMs: 3_600_000, ...over });

describe('retry schedule', () => {
  it('waits the schedule step after each failed attempt, and gives up after the last', () => {
    expect(totalAttempts(policy())).toBe(4);
    expect([1, 2, 3, 4].map((n) => nextRetryDelayMs(policy(), n, null))).toEqual([5_000, 30_000, 120_000, null]);
  });

  it('spreads delays with jitter: full in [0, d], equal in [d/2, d]', () => {
    expect(jittered(10_000, 'full', () => 0)).toBe(0);
    expect(jittered(10_000, 'full', () => 0.999)).toBe(9_990);
    expect(jittered(10_000, 'equal', () => 0)).toBe(5_000);
    expect(jittered(10_000, 'equal', () => 1)).toBe(10_000);
    for (let i = 0; i < 200; i += 1) {
      const d = nextRetryDelayMs(policy({ jitter: 'equal' }), 2, null)!;
      expect(d).toBeGreaterThanOrEqual(15_000);
      expect(d).toBeLessThanOrEqual(30_000);
    }
  });

  it('lets Retry-After replace the step, at least one second and at most the cap', () => {
    expect(nextRetryDelayMs(policy(), 1, 90_000)).toBe(90_000);
    expect(nextRetryDelayMs(policy(), 1, 0)).toBe(1_000);
    expect(nextRetryDelayMs(policy({ maxRetryAfterMs: 60_000 }), 1, 86_400_000)).toBe(60_000);
    // Retry-After does not add attempts.
    expect(nextRetryDelayMs(policy(), 4, 5_000)).toBeNull();
  });

  it('parses Retry-After as seconds or as an HTTP-date', () => {
    const now = Date.parse('2026-03-01T10:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 3 ', now)).toBe(3_000);
    expect(parseRetryAfter('Sun, 01 Mar 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sun, 01 Mar 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('-5', now)).toBeNull();
    expect(parseRetryAfter('1.5', now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });

  it('spans hours by default', () => {
    const total = DEFAULT_RETRY_SCHEDULE_SECONDS.reduce((a, b) => a + b, 0);
    expect(total / 3600).toBeGreaterThan(7);
  });
});
