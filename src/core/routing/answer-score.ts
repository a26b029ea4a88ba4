/**
 * A manager's decaying answer score, the weight of performance-weighted routing.
 *
 *   relaxed  = PRIOR + (score - PRIOR) * 2^(-(now - updatedAt) / HALF_LIFE)
 *   score'   = (1 - ALPHA) * relaxed + ALPHA * outcome
 *   outcome  = answered: 1 - 0.5 * min(timeToAnswer / ringTimeout, 1)   (1 fast ... 0.5 at the last ring)
 *              rejected (busy, declined): 0.2
 *              missed (rang out): 0
 *   weight   = max(MIN_WEIGHT, relaxed score)
 *
 * ALPHA makes the score follow the last ~5 offers; the relaxation toward PRIOR lets a
 * manager recover over hours even without offers; MIN_WEIGHT keeps a struggling manager
 * in rotation so he can prove himself again. Pure: the state is stored by an adapter.
 */
export const ANSWER_SCORE = {
  PRIOR: 0.8,
  ALPHA: 0.2,
  HALF_LIFE_MS: 4 * 3600_000,
  MIN_WEIGHT: 0.05,
} as const;

export interface AnswerScore {
  score: number;
  updatedAt: number;
}

export type OfferOutcome =
  | { kind: 'answered'; timeToAnswerMs: number; ringTimeoutMs: number }
  | { kind: 'rejected' }
  | { kind: 'missed' };

export function initialScore(now: number): AnswerScore {
  return { score: ANSWER_SCORE.PRIOR, updatedAt: now };
}

export function relaxedScore(state: AnswerScore, now: number): number {
  const elapsed = Math.max(0, now - state.updatedAt);
  return ANSWER_SCORE.PRIOR + (state.score - ANSWER_SCORE.PRIOR) * 2 ** (-elapsed / ANSWER_SCORE.HALF_LIFE_MS);
}

export function outcomeValue(outcome: OfferOutcome): number {
  switch (outcome.kind) {
    case 'answered':
      return 1 - 0.5 * Math.min(outcome.timeToAnswerMs / Math.max(1, outcome.ringTimeoutMs), 1);
    case 'rejected':
      return 0.2;
    case 'missed':
      return 0;
  }
}

export function recordOffer(state: AnswerScore, outcome: OfferOutcome, now: number): AnswerScore {
  const relaxed = relaxedScore(state, now);
  return { score: (1 - ANSWER_SCORE.ALPHA) * relaxed + ANSWER_SCORE.ALPHA * outcomeValue(outcome), updatedAt: now };
}

export function routingWeight(state: AnswerScore, now: number): number {
  return Math.max(ANSWER_SCORE.MIN_WEIGHT, relaxedScore(state, now));
}
