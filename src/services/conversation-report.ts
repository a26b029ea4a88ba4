import { localPeriod, todayIn } from '../core/kpi/kpi-period.js';
import { AppError } from '../core/errors/app-error.js';
import type { ConversationAnalytics } from '../core/recordings/conversation-analytics.js';
import { conversationMedians, type ManagerConversations } from '../core/recordings/conversation-medians.js';

export interface ConversationReportResult {
  from: string;
  to: string;
  timezone: string;
  rows: (ManagerConversations & { name: string; reviewed: number; reviewScoreAverage: number | null })[];
}

export interface ConversationReportDeps {
  facts: { read(from: Date, to: Date, manager?: string): Promise<{ manager: string; analytics: ConversationAnalytics }[]> };
  /** Review scores per manager (the review queue); without it every row has none. */
  reviews?: { scoresBy(from: Date, to: Date): Promise<Map<string, { reviewed: number; averageScore: number }>> };
  managers: readonly { extension: string; name: string }[];
  timezone: string;
  clock?: () => number;
}

/** Each manager's conversation medians over local days (the KPI page's second table). */
export class ConversationReport {
  constructor(private readonly deps: ConversationReportDeps) {}

  async report(request: { from?: string; to?: string; manager?: string }): Promise<ConversationReportResult> {
    const { timezone, managers } = this.deps;
    const today = todayIn(timezone, new Date((this.deps.clock ?? Date.now)()));
    const period = localPeriod(timezone, request.from ?? request.to ?? today, request.to ?? request.from ?? today);
    const wanted = request.manager === undefined ? managers : managers.filter((m) => m.extension === request.manager);
    if (wanted.length === 0) throw new AppError('REQUEST.INVALID', `manager ${request.manager} is not a configured manager`, 400);
    const [facts, scores] = await Promise.all([this.deps.facts.read(period.from, period.to, request.manager), this.deps.reviews?.scoresBy(period.from, period.to) ?? new Map()]);
    const names = new Map(managers.map((m) => [m.extension, m.name]));
    const rows = conversationMedians(facts, wanted.map((m) => m.extension)).map((r) => ({
      ...r,
      name: names.get(r.manager) ?? r.manager,
      reviewed: scores.get(r.manager)?.reviewed ?? 0,
      reviewScoreAverage: scores.get(r.manager)?.averageScore ?? null,
    }));
    return { from: period.firstDay, to: period.lastDay, timezone, rows };
  }
}
