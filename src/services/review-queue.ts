import { AppError } from '../core/errors/app-error.js';
import { addDays, localPeriod, todayIn } from '../core/kpi/kpi-period.js';
import { checklistScore, daySeed, DEFAULT_REVIEW_RULES, pickForReview, seededRandom } from '../core/review/review-picker.js';
import type { ReviewItem, ReviewStore } from '../core/review/review-store.port.js';
import type { KpiDesk } from './kpi-report.js';

export interface ReviewQueueDeps {
  store: ReviewStore;
  /** The day's KPI rows say which managers are weak (drawdowns, answer rate, callbacks owed). */
  kpi: Pick<KpiDesk, 'report'>;
  timezone: string;
  perManager: number;
  checklist: readonly string[];
  clock?: () => number;
}

export interface ReviewQueueResult {
  day: string;
  checklist: string[];
  items: ReviewItem[];
}

/**
 * Quality control: the calls of a finished local day picked for a supervisor to listen to
 * (drawn once, by whoever opens the day first), and his checklist marks on each. Today
 * is not offered: its calls are still coming in.
 */
export class ReviewQueue {
  constructor(private readonly deps: ReviewQueueDeps) {}

  async queue(day: string | undefined, who: string): Promise<ReviewQueueResult> {
    const { timezone } = this.deps;
    const today = todayIn(timezone, new Date(this.now()));
    const asked = day ?? addDays(today, -1);
    const period = localPeriod(timezone, asked, asked);
    if (asked >= today) throw new AppError('REQUEST.INVALID', `${asked} is not over yet (today is ${today} in ${timezone}): the review queue is drawn from finished days`, 400);
    const items = await this.deps.store.pickOnce(asked, async () => {
      const [candidates, kpi] = await Promise.all([this.deps.store.candidates(period.from, period.to), this.deps.kpi.report({ from: asked, to: asked })]);
      const standings = kpi.rows.flatMap((r) =>
        r.manager === null ? [] : [{ manager: r.manager, drawdowns: r.comparisons.filter((c) => c.flagged).length, answerRate: r.kpi.answerRate, callbacksOwed: r.kpi.callbacksOwed }],
      );
      return pickForReview(candidates, standings, { perManager: this.deps.perManager, ...DEFAULT_REVIEW_RULES }, seededRandom(daySeed(asked)));
    }, who);
    return { day: asked, checklist: [...this.deps.checklist], items };
  }

  async score(callId: string, marks: Record<string, boolean>, note: string | null, who: string): Promise<ReviewItem> {
    const { score, unknown, missing } = checklistScore(marks, this.deps.checklist);
    if (unknown.length > 0 || missing.length > 0) {
      throw new AppError(
        'REQUEST.INVALID',
        `the marks must give every checklist item (console.review.checklist: ${this.deps.checklist.join(', ')}) true or false` +
          `${missing.length ? `; missing: ${missing.join(', ')}` : ''}${unknown.length ? `; not on the checklist: ${unknown.join(', ')}` : ''}`,
        400,
      );
    }
    const item = await this.deps.store.score(callId, { marks, score, note }, who, new Date(this.now()));
    if (!item) throw new AppError('NOT_FOUND', `Call ${callId} is not in a review queue`, 404);
    return item;
  }

  private now(): number {
    return (this.deps.clock ?? Date.now)();
  }
}
