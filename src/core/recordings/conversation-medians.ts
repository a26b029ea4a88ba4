import type { ConversationAnalytics } from './conversation-analytics.js';

/** One manager's conversations over a period: medians of his recorded calls' analytics. Pure. */
export interface ManagerConversations {
  manager: string;
  calls: number;
  talkRatioMedian: number | null;
  longestMonologueMedianSeconds: number | null;
  interruptionsMedian: number | null;
  silenceShareMedian: number | null;
  firstWordMedianSeconds: number | null;
}

/** The median as percentile_cont(0.5) computes it (the mean of the middle two), so the SQL view agrees. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return Number.isInteger(mid) ? (sorted[mid - 1]! + sorted[mid]!) / 2 : sorted[Math.floor(mid)]!;
}

/** Per manager (in the order given, each one even without calls), the medians over his calls' analytics. */
export function conversationMedians(rows: readonly { manager: string; analytics: ConversationAnalytics }[], managers: readonly string[]): ManagerConversations[] {
  return managers.map((manager) => {
    const mine = rows.filter((r) => r.manager === manager).map((r) => r.analytics);
    const of = (pick: (a: ConversationAnalytics) => number | null) => median(mine.map(pick).filter((v): v is number => v !== null));
    return {
      manager,
      calls: mine.length,
      talkRatioMedian: of((a) => a.talkRatio),
      longestMonologueMedianSeconds: of((a) => a.longestManagerMonologueSeconds),
      interruptionsMedian: of((a) => a.interruptions.byManager),
      silenceShareMedian: of((a) => a.silenceShare),
      firstWordMedianSeconds: of((a) => a.firstManagerWordSeconds),
    };
  });
}
