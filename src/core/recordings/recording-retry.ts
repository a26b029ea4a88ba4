/** Why an attempt to archive a recording did not finish, which decides whether it is tried again. */
export type RecordingFailure = 'conversion' | 'storage';

export interface RecordingRetryPolicy {
  /** Waits between attempts, in seconds; the last repeats. */
  scheduleSeconds: readonly number[];
  /** A storage outage is retried this long after the first attempt, then the recording fails. */
  storageRetryHours: number;
  /** A pcap the converter refuses this many times fails at once: it will not convert better later. */
  conversionAttempts: number;
}

/**
 * The wait before the next attempt, or null to give up. Storage failures are counted in
 * time, not tries, so an outage of hours loses nothing; conversion failures in tries.
 */
export function nextRecordingRetryMs(
  policy: RecordingRetryPolicy,
  failure: RecordingFailure,
  attemptsMade: number,
  firstAttemptAt: number,
  now: number,
  random: () => number = Math.random,
): number | null {
  if (failure === 'conversion' && attemptsMade >= policy.conversionAttempts) return null;
  if (failure === 'storage' && now - firstAttemptAt >= policy.storageRetryHours * 3_600_000) return null;
  const s = policy.scheduleSeconds;
  const base = (s[Math.min(attemptsMade - 1, s.length - 1)] ?? 1) * 1000;
  // Up to 20% jitter keeps calls that ended together from hitting a recovered store at once.
  return Math.round(base * (1 + 0.2 * random()));
}
