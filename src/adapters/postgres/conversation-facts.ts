import type { ConversationAnalytics } from '../../core/recordings/conversation-analytics.js';
import type { Database } from './database.js';

/** Recorded calls' conversation analytics of a period, by manager (the KPI page's conversation table). */
export class PostgresConversationFacts {
  constructor(private readonly db: Database) {}

  async read(from: Date, to: Date, manager?: string): Promise<{ manager: string; analytics: ConversationAnalytics }[]> {
    let q = this.db
      .selectFrom('recordings')
      .select(['manager', 'analytics'])
      .where('analytics', 'is not', null)
      .where('manager', 'is not', null)
      .where('status', '<>', 'deleted')
      .where('started_at', '>=', from)
      .where('started_at', '<', to);
    if (manager !== undefined) q = q.where('manager', '=', manager);
    const rows = await q.execute();
    return rows.map((r) => ({ manager: r.manager!, analytics: r.analytics as ConversationAnalytics }));
  }
}
