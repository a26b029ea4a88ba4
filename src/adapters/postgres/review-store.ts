import { sql } from 'kysely';
import type { ConversationAnalytics } from '../../core/recordings/conversation-analytics.js';
import type { ReviewCandidate, ReviewPick, ReviewReason } from '../../core/review/review-picker.js';
import { daySeed } from '../../core/review/review-picker.js';
import type { ReviewItem, ReviewStore } from '../../core/review/review-store.port.js';
import type { Database } from './database.js';

export class PostgresReviewStore implements ReviewStore {
  constructor(private readonly db: Database) {}

  async candidates(from: Date, to: Date): Promise<ReviewCandidate[]> {
    const rows = await this.db
      .selectFrom('recordings as r')
      .innerJoin('calls as c', 'c.call_id', 'r.call_id')
      .select(['r.call_id', 'r.manager', 'c.talk_seconds', 'r.analytics'])
      .where('r.status', '=', 'stored')
      .where('r.manager', 'is not', null)
      .where('c.disposition', '=', 'answered')
      .where('r.started_at', '>=', from)
      .where('r.started_at', '<', to)
      .execute();
    return rows.map((r) => ({ callId: r.call_id, manager: r.manager!, talkSeconds: Number(r.talk_seconds), analytics: (r.analytics ?? null) as ConversationAnalytics | null }));
  }

  /**
   * Under a transaction-scoped advisory lock per day: two supervisors opening the queue at
   * once get one draw, not two merged.
   */
  async pickOnce(day: string, picks: () => Promise<ReviewPick[]>, who: string): Promise<ReviewItem[]> {
    await this.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${0x5245564e}, ${daySeed(day) | 0})`.execute(trx);
      const existing = await trx.selectFrom('review_items').select('call_id').where('day', '=', day).limit(1).executeTakeFirst();
      const already = await trx.selectFrom('review_audit').select('id').where('action', '=', 'pick').where('day', '=', day).limit(1).executeTakeFirst();
      if (existing || already) return;
      const drawn = await picks();
      if (drawn.length > 0) {
        await trx
          .insertInto('review_items')
          .values(drawn.map((p) => ({ call_id: p.callId, day, manager: p.manager, weight: p.weight, reasons: JSON.stringify(p.reasons), note: null, reviewer: null, reviewed_at: null })))
          // A call picked on another day stays there.
          .onConflict((oc) => oc.column('call_id').doNothing())
          .execute();
      }
      await trx.insertInto('review_audit').values({ action: 'pick', day, call_id: null, who, detail: JSON.stringify({ picked: drawn.map((p) => p.callId) }) }).execute();
    });
    return this.itemsOf(day);
  }

  async score(callId: string, review: { marks: Record<string, boolean>; score: number; note: string | null }, who: string, at: Date): Promise<ReviewItem | null> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('review_items')
        .set({ marks: JSON.stringify(review.marks), score: review.score, note: review.note, reviewer: who, reviewed_at: at })
        .where('call_id', '=', callId)
        .returning([...COLUMNS])
        .executeTakeFirst();
      if (!row) return null;
      await trx.insertInto('review_audit').values({ action: 'score', day: row.day, call_id: callId, who, detail: JSON.stringify(review) }).execute();
      return itemOf(row);
    });
  }

  async scoresBy(from: Date, to: Date): Promise<Map<string, { reviewed: number; averageScore: number }>> {
    const rows = await this.db
      .selectFrom('review_items as v')
      .innerJoin('recordings as r', 'r.call_id', 'v.call_id')
      .select(['v.manager', sql<number>`count(*)::int`.as('reviewed'), sql<number>`avg(v.score)::float8`.as('average')])
      .where('v.score', 'is not', null)
      .where('r.started_at', '>=', from)
      .where('r.started_at', '<', to)
      .groupBy('v.manager')
      .execute();
    return new Map(rows.map((r) => [r.manager, { reviewed: Number(r.reviewed), averageScore: Number(r.average) }]));
  }

  private async itemsOf(day: string): Promise<ReviewItem[]> {
    const rows = await this.db.selectFrom('review_items').select([...COLUMNS]).where('day', '=', day).orderBy('manager').orderBy('weight', 'desc').orderBy('call_id').execute();
    return rows.map(itemOf);
  }
}

const COLUMNS = ['call_id', sql<string>`day::text`.as('day'), 'manager', 'weight', 'reasons', 'marks', 'score', 'note', 'reviewer', 'reviewed_at'] as const;

function itemOf(r: { call_id: string; day: string; manager: string; weight: string; reasons: unknown; marks: unknown; score: string | null; note: string | null; reviewer: string | null; reviewed_at: Date | null }): ReviewItem {
  return {
    callId: r.call_id,
    day: r.day,
    manager: r.manager,
    weight: Number(r.weight),
    reasons: r.reasons as ReviewReason[],
    marks: (r.marks ?? null) as Record<string, boolean> | null,
    score: r.score === null ? null : Number(r.score),
    note: r.note,
    reviewer: r.reviewer,
    reviewedAt: r.reviewed_at,
  };
}
