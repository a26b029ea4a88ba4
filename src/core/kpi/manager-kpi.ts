import type { AttemptResult, Direction, Disposition } from '../calls/call-record.js';
import { firstDialStats, percentile, type StatsLead } from '../leads/first-dial-stats.js';

/**
 * The daily KPI table heads of sales keep, one row per manager, for a period [from, to).
 * Pure: the caller hands in the facts (a superset of the period is fine, each fact is
 * filtered here by its own time) and `now`, which decides whether an undialled lead's
 * SLA is still open. The SQL views of migration 0006 compute the same figures, so any
 * change to a definition here must be made there too (docs/kpi.md lists both).
 */

export interface KpiPeriod {
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
}

/** What the KPIs need of a finished call (a CallRecord has all of it). */
export interface KpiCall {
  callId: string;
  direction: Direction;
  /** Who talked, or for an unanswered outbound call who placed it. */
  manager: string | null;
  disposition: Disposition;
  talkSeconds: number;
  startedAt: Date;
  attempts: readonly { manager: string | null; result: AttemptResult }[];
}

/** What the KPIs need of a callback task (one per missed call). */
export interface KpiCallbackTask {
  manager: string | null;
  createdAt: Date;
  doneAt: Date | null;
}

export interface KpiFacts {
  calls: readonly KpiCall[];
  leads: readonly StatsLead[];
  callbackTasks: readonly KpiCallbackTask[];
}

/**
 * One manager's figures. Shares are 0..1; a share or average whose denominator is 0 is
 * null (nothing to say), never 0, so a quiet day does not read as a bad one.
 */
export interface ManagerKpi {
  /** null: leads and callback tasks with no owner (calls always have one to count for). */
  manager: string | null;
  /** Leads created in the period that the manager owns. */
  leadsReceived: number;
  /** Median seconds from creation to first dial (by anyone) of those leads that were dialled; as percentile_cont(0.5). */
  firstDialMedianSeconds: number | null;
  /** Dialled within their SLA / (leads - those whose SLA is still running undialled at `now`). */
  shareDialledWithinSla: number | null;
  /** Dialled at all (by `now`) / leads received. */
  shareLeadsCalled: number | null;
  /** Inbound calls started in the period on which the manager's phone rang (a ring attempt) or which he answered. */
  inboundOffered: number;
  /** Those of them answered by him. */
  inboundAnswered: number;
  /** Offered but not answered by him (answered by a colleague, or by nobody). */
  inboundMissed: number;
  /** inboundAnswered / inboundOffered. */
  answerRate: number | null;
  /** Outbound calls started in the period that he placed. */
  outboundCalls: number;
  /** Those the client answered. */
  outboundConnected: number;
  /** Talk seconds of his answered inbound and connected outbound calls (internal calls are not sales work). */
  talkSeconds: number;
  /** talkSeconds / (inboundAnswered + outboundConnected). */
  averageCallSeconds: number | null;
  /** Callback tasks of his created before the period's end and not done by it: what he still owes. */
  callbacksOwed: number;
  /** Median seconds from a missed call to its callback, over his tasks created in the period and done since. */
  callbackMedianSeconds: number | null;
}

/** Managers in `managers` get a row even on a day with no facts; anyone else appearing in the facts too. */
export function managerKpis(facts: KpiFacts, period: KpiPeriod, now: Date, managers: readonly string[] = []): ManagerKpi[] {
  const rows = new Map<string | null, ManagerKpi>();
  const row = (manager: string | null): ManagerKpi => {
    let r = rows.get(manager);
    if (!r) rows.set(manager, (r = emptyManagerKpi(manager)));
    return r;
  };
  for (const m of managers) row(m);

  const inPeriod = (at: Date) => at >= period.from && at < period.to;

  for (const call of facts.calls) {
    if (!inPeriod(call.startedAt) || call.direction === 'internal') continue;
    const answered = call.disposition === 'answered';
    if (call.direction === 'inbound') {
      // A manager rung twice on one call (the rotation came round again) was offered it once.
      const offered = new Set(call.attempts.flatMap((a) => (a.manager === null ? [] : [a.manager])));
      if (answered && call.manager !== null) offered.add(call.manager);
      for (const m of offered) {
        const r = row(m);
        r.inboundOffered += 1;
        if (answered && call.manager === m) r.inboundAnswered += 1;
        else r.inboundMissed += 1;
      }
    } else if (call.manager !== null) {
      const r = row(call.manager);
      r.outboundCalls += 1;
      if (answered) r.outboundConnected += 1;
    }
    if (answered && call.manager !== null) row(call.manager).talkSeconds += call.talkSeconds;
  }

  for (const stats of firstDialStats(facts.leads.filter((l) => inPeriod(l.createdAt)), now)) {
    const r = row(stats.manager);
    r.leadsReceived = stats.leads;
    r.firstDialMedianSeconds = stats.medianSeconds;
    r.shareDialledWithinSla = stats.shareWithinSla;
    r.shareLeadsCalled = stats.leads === 0 ? null : stats.dialled / stats.leads;
  }

  const callbackSeconds = new Map<string | null, number[]>();
  for (const task of facts.callbackTasks) {
    if (task.createdAt < period.to && (task.doneAt === null || task.doneAt >= period.to)) row(task.manager).callbacksOwed += 1;
    if (inPeriod(task.createdAt) && task.doneAt !== null) {
      row(task.manager);
      const seconds = (task.doneAt.getTime() - task.createdAt.getTime()) / 1000;
      callbackSeconds.set(task.manager, [...(callbackSeconds.get(task.manager) ?? []), seconds]);
    }
  }

  return [...rows.values()]
    .map((r) => {
      const talked = r.inboundAnswered + r.outboundConnected;
      const seconds = (callbackSeconds.get(r.manager) ?? []).sort((a, b) => a - b);
      return {
        ...r,
        // Talk seconds are stored to the millisecond; summing floats would show 0.30000000000000004.
        talkSeconds: round3(r.talkSeconds),
        answerRate: r.inboundOffered === 0 ? null : r.inboundAnswered / r.inboundOffered,
        averageCallSeconds: talked === 0 ? null : round3(r.talkSeconds / talked),
        callbackMedianSeconds: seconds.length === 0 ? null : percentile(seconds, 0.5),
      };
    })
    .sort((a, b) => compareManagers(a.manager, b.manager));
}

/** A row with nothing in it: a manager's figures for a period without any fact of his. */
export function emptyManagerKpi(manager: string | null): ManagerKpi {
  return {
    manager,
    leadsReceived: 0,
    firstDialMedianSeconds: null,
    shareDialledWithinSla: null,
    shareLeadsCalled: null,
    inboundOffered: 0,
    inboundAnswered: 0,
    inboundMissed: 0,
    answerRate: null,
    outboundCalls: 0,
    outboundConnected: 0,
    talkSeconds: 0,
    averageCallSeconds: null,
    callbacksOwed: 0,
    callbackMedianSeconds: null,
  };
}

/** By extension, numerically; the unowned row last, as firstDialStats sorts. */
function compareManagers(a: string | null, b: string | null): number {
  return a === null ? (b === null ? 0 : 1) : b === null ? -1 : a.localeCompare(b, 'en', { numeric: true });
}

/** As PostgreSQL's round(x, 3) on the views' numeric columns. */
function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
