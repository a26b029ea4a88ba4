import type { ReviewCandidate, ReviewPick, ReviewReason } from './review-picker.js';

export interface ReviewItem {
  callId: string;
  day: string;
  manager: string;
  weight: number;
  reasons: ReviewReason[];
  marks: Record<string, boolean> | null;
  score: number | null;
  note: string | null;
  reviewer: string | null;
  reviewedAt: Date | null;
}

/** The review queue's storage (src/adapters/postgres/review-store.ts). */
export interface ReviewStore {
  /** Answered, stored recordings of calls started in [from, to). */
  candidates(from: Date, to: Date): Promise<ReviewCandidate[]>;
  /** Writes the day's picks unless the day already has some (one draw per day, whoever asks first); returns the day's items. */
  pickOnce(day: string, picks: () => Promise<ReviewPick[]>, who: string): Promise<ReviewItem[]>;
  /** A supervisor's marks on a picked call; null when the call is not in any queue. */
  score(callId: string, review: { marks: Record<string, boolean>; score: number; note: string | null }, who: string, at: Date): Promise<ReviewItem | null>;
  /** Per manager, the reviewed calls started in [from, to) and their average score. */
  scoresBy(from: Date, to: Date): Promise<Map<string, { reviewed: number; averageScore: number }>>;
}
