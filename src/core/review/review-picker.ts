import type { ConversationAnalytics } from '../recordings/conversation-analytics.js';

/**
 * The day's review queue for quality control: which recorded calls a supervisor listens
 * to. Pure: candidates, each manager's standing and a random source in, picks out.
 *
 * A weak manager (a KPI drawdown that day, a low answer rate, callbacks still owed) gets
 * twice the quota; within a manager, calls are drawn by weight without replacement
 * (Efraimidis-Spirakis: the largest u^(1/w) win), weighted toward very short answered
 * calls (a client who hung up at once) and long monologues (a manager who did not listen).
 */

export interface ReviewCandidate {
  callId: string;
  manager: string;
  /** Seconds of talk (answered calls only are candidates). */
  talkSeconds: number;
  analytics: ConversationAnalytics | null;
}

export interface ManagerStanding {
  manager: string;
  drawdowns: number;
  answerRate: number | null;
  callbacksOwed: number;
}

export type ReviewReason = 'weak-manager' | 'short-call' | 'long-monologue';

export interface ReviewPick {
  callId: string;
  manager: string;
  weight: number;
  reasons: ReviewReason[];
}

export interface ReviewRules {
  perManager: number;
  /** Below this answer rate a manager counts as weak. */
  weakAnswerRate: number;
  /** An answered call shorter than this is suspicious. */
  shortCallSeconds: number;
  /** A manager monologue longer than this is worth a listen. */
  longMonologueSeconds: number;
}

export const DEFAULT_REVIEW_RULES: Omit<ReviewRules, 'perManager'> = { weakAnswerRate: 0.7, shortCallSeconds: 20, longMonologueSeconds: 60 };

export function isWeak(s: ManagerStanding, rules: Pick<ReviewRules, 'weakAnswerRate'>): boolean {
  return s.drawdowns > 0 || s.callbacksOwed > 0 || (s.answerRate !== null && s.answerRate < rules.weakAnswerRate);
}

export function reasonsOf(c: ReviewCandidate, rules: Pick<ReviewRules, 'shortCallSeconds' | 'longMonologueSeconds'>): ReviewReason[] {
  const reasons: ReviewReason[] = [];
  if (c.talkSeconds < rules.shortCallSeconds) reasons.push('short-call');
  if (c.analytics && c.analytics.longestManagerMonologueSeconds > rules.longMonologueSeconds) reasons.push('long-monologue');
  return reasons;
}

/** Weight 1, plus 2 for a very short call, plus 2 for a long monologue. */
export function weightOf(reasons: readonly ReviewReason[]): number {
  return 1 + (reasons.includes('short-call') ? 2 : 0) + (reasons.includes('long-monologue') ? 2 : 0);
}

export function pickForReview(candidates: readonly ReviewCandidate[], standings: readonly ManagerStanding[], rules: ReviewRules, random: () => number): ReviewPick[] {
  const weak = new Set(standings.filter((s) => isWeak(s, rules)).map((s) => s.manager));
  const byManager = new Map<string, ReviewCandidate[]>();
  for (const c of candidates) {
    const list = byManager.get(c.manager);
    if (list) list.push(c);
    else byManager.set(c.manager, [c]);
  }
  const picks: ReviewPick[] = [];
  // Managers in a fixed order, so one seed gives one queue.
  for (const manager of [...byManager.keys()].sort()) {
    const quota = rules.perManager * (weak.has(manager) ? 2 : 1);
    const keyed = byManager.get(manager)!
      .slice()
      .sort((a, b) => (a.callId < b.callId ? -1 : 1))
      .map((c) => {
        const reasons = reasonsOf(c, rules);
        const weight = weightOf(reasons);
        return { c, reasons, weight, key: Math.pow(Math.max(random(), Number.MIN_VALUE), 1 / weight) };
      })
      .sort((a, b) => b.key - a.key)
      .slice(0, quota);
    for (const k of keyed) {
      picks.push({ callId: k.c.callId, manager, weight: k.weight, reasons: weak.has(manager) ? ['weak-manager', ...k.reasons] : k.reasons });
    }
  }
  return picks;
}

/** A day's seed from its date, so a day's queue can be drawn again the same. */
export function daySeed(day: string): number {
  let h = 2166136261;
  for (const ch of day) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return h >>> 0;
}

/** mulberry32: small, seeded, good enough for drawing calls. */
export function seededRandom(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A supervisor's scores on the checklist: each item passed or not; the score is the share passed. */
export function checklistScore(marks: Record<string, boolean>, checklist: readonly string[]): { score: number; unknown: string[]; missing: string[] } {
  const unknown = Object.keys(marks).filter((k) => !checklist.includes(k));
  const missing = checklist.filter((item) => typeof marks[item] !== 'boolean');
  const passed = checklist.filter((item) => marks[item] === true).length;
  return { score: checklist.length === 0 ? 0 : passed / checklist.length, unknown, missing };
}
