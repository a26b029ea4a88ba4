import { sql } from 'kysely';
import type { PastDayHours } from '../../core/wallboard/hourly-profile.js';
import type { LocalDaySpan, WallboardFacts } from '../../core/wallboard/wallboard-facts.port.js';
import type { WallboardCall } from '../../core/wallboard/wallboard-figures.js';
import type { Database } from './database.js';

/**
 * The wallboard's facts. Today's inbound calls come as rows (a day of one team's inbound
 * calls is thousands at most; the core counts them), the past days as counts per local
 * hour, grouped in PostgreSQL with the same zone the core uses for today.
 */
export class PostgresWallboardFacts implements WallboardFacts {
  constructor(private readonly db: Database) {}

  async inboundCalls(from: Date, to: Date): Promise<WallboardCall[]> {
    const rows = await this.db
      .selectFrom('calls')
      .select(['company_number', 'started_at', 'answered_at', 'ended_at', 'disposition'])
      .where('direction', '=', 'inbound')
      .where('started_at', '>=', from)
      .where('started_at', '<', to)
      .execute();
    return rows.map((r) => ({ companyNumber: r.company_number, startedAt: r.started_at, answeredAt: r.answered_at, endedAt: r.ended_at, disposition: r.disposition }));
  }

  async inboundByHour(days: readonly LocalDaySpan[], timeZone: string): Promise<PastDayHours[]> {
    if (days.length === 0) return [];
    const byDay = await Promise.all(
      days.map(async (d) => {
        const rows = await this.db
          .selectFrom('calls')
          .select([sql<number>`extract(hour from started_at at time zone ${timeZone})::int`.as('hour'), sql<number>`count(*)::int`.as('count')])
          .where('direction', '=', 'inbound')
          .where('started_at', '>=', d.from)
          .where('started_at', '<', d.to)
          .groupBy(sql`1`)
          .execute();
        return { day: d.day, hours: rows.map((r) => ({ hour: Number(r.hour), count: Number(r.count) })) };
      }),
    );
    return byDay;
  }
}
