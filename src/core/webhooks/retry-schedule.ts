/**
 * When to try a failed delivery again: a schedule of delays (one per retry) spread by
 * jitter, unless the receiver said when with Retry-After. Pure: the caller passes the
 * clock and the random source.
 */

/** About 7.7 hours from the first attempt to the last: a receiver down for a morning loses nothing. */
export const DEFAULT_RETRY_SCHEDULE_SECONDS = [5, 30, 120, 600, 1800, 3600, 7200, 14400];

/**
 * full: uniform in [0, d]; equal: uniform in [d/2, d]; none: d. Jitter keeps the retries
 * of many deliveries that failed together (a receiver's outage) from coming back together.
 */
export const JITTER_MODES = ['full', 'equal', 'none'] as const;
export type Jitter = (typeof JITTER_MODES)[number];

export interface RetryPolicy {
  /** Seconds before retry 1, 2, ...; its length is the number of retries after the first attempt. */
  scheduleSeconds: readonly number[];
  jitter: Jitter;
  /** Longest wait a Retry-After may ask for; a longer one is cut to this. */
  maxRetryAfterMs: number;
}

/** Attempts in all: the first one and one per step of the schedule. */
export function totalAttempts(policy: Pick<RetryPolicy, 'scheduleSeconds'>): number {
  return policy.scheduleSeconds.length + 1;
}

/**
 * The wait before the next attempt once `attemptsMade` attempts have failed, or null when
 * none is left (the delivery is dead). A Retry-After replaces the schedule's step (the
 * receiver knows best when it is back) but never goes under one second, so a receiver
 * answering "Retry-After: 0" cannot burn every attempt at once.
 */
export function nextRetryDelayMs(
  policy: RetryPolicy,
  attemptsMade: number,
  retryAfterMs: number | null,
  random: () => number = Math.random,
): number | null {
  const step = policy.scheduleSeconds[attemptsMade - 1];
  if (step === undefined) return null;
  if (retryAfterMs !== null) return Math.min(Math.max(retryAfterMs, 1_000), policy.maxRetryAfterMs);
  return jittered(step * 1000, policy.jitter, random);
}

export function jittered(delayMs: number, jitter: Jitter, random: () => number): number {
  switch (jitter) {
    case 'none':
      return Math.round(delayMs);
    case 'full':
      return Math.round(random() * delayMs);
    case 'equal':
      return Math.round(delayMs / 2 + random() * (delayMs / 2));
  }
}

/**
 * Retry-After as milliseconds from `nowMs`: delta-seconds ("120") or an HTTP-date
 * ("Wed, 21 Oct 2015 07:28:00 GMT"). A date in the past is 0; anything else is null.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Only the date forms HTTP allows: a bare number with a sign or a fraction is malformed, not a date.
  if (!/[a-z]/i.test(text)) return null;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - nowMs);
}
