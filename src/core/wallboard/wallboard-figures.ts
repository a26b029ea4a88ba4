import type { AgentStatus } from '../agents/agent-state.js';
import type { Disposition } from '../calls/call-record.js';
import { digitsOf } from '../phone/phone-number.js';

/**
 * The wallboard's figures, as call centres define them, from one local day's inbound
 * calls and the calls waiting now. Pure: the service reads the facts, this counts.
 *
 * - offered: every inbound call that reached routing (each call once, however many managers it rang).
 * - answered: disposition answered. abandoned: the caller hung up before an answer
 *   (disposition cancelled). missed: every other unanswered call (nobody answered,
 *   everyone busy, closed, the wait ran out).
 * - wait: from the call's start to its answer, or to its end when unanswered.
 * - service level: answered within N seconds / offered (finished calls). Abandoned calls
 *   count against it: for a sales line a client who gave up is a lost client.
 * - average wait: over answered calls (the "average speed of answer"); longest wait:
 *   over every finished call and every call waiting now.
 */

export interface WallboardCall {
  /** The company line the client dialled; null when unknown. */
  companyNumber: string | null;
  startedAt: Date;
  answeredAt: Date | null;
  endedAt: Date;
  disposition: Disposition;
}

export interface WaitingNow {
  companyNumber: string;
  since: Date;
}

export interface LineFigures {
  offered: number;
  answered: number;
  answeredWithinSl: number;
  /** 0..1; null when nothing was offered. */
  serviceLevel: number | null;
  missed: number;
  abandoned: number;
  /** abandoned / offered; null when nothing was offered. */
  abandonRate: number | null;
  averageWaitSeconds: number | null;
  longestWaitSeconds: number | null;
  waitingNow: number;
  /** The longest current wait, seconds; null when nobody waits. */
  longestWaitingNowSeconds: number | null;
}

export interface WallboardLine extends LineFigures {
  /** The scenario serving the line; null for numbers no scenario serves. */
  name: string | null;
  numbers: string[];
}

export const AGENT_STATUSES: readonly AgentStatus[] = ['available', 'ringing', 'on-call', 'wrap-up', 'paused', 'offline'];

export interface WallboardFigures {
  serviceLevelSeconds: number;
  team: LineFigures;
  lines: WallboardLine[];
  managers: Record<AgentStatus, number>;
}

export interface LineDefinition {
  name: string;
  numbers: readonly string[];
}

/** Seconds a finished call waited: to its answer, or to its end. Never negative (clock skew between writers). */
export function waitSecondsOf(call: WallboardCall): number {
  const until = call.answeredAt ?? call.endedAt;
  return Math.max(0, (until.getTime() - call.startedAt.getTime()) / 1000);
}

export function lineFigures(calls: readonly WallboardCall[], waiting: readonly WaitingNow[], serviceLevelSeconds: number, now: Date): LineFigures {
  let answered = 0;
  let answeredWithinSl = 0;
  let abandoned = 0;
  let answeredWaitSum = 0;
  let longest: number | null = null;
  for (const call of calls) {
    const wait = waitSecondsOf(call);
    longest = longest === null ? wait : Math.max(longest, wait);
    if (call.disposition === 'answered') {
      answered += 1;
      answeredWaitSum += wait;
      if (wait <= serviceLevelSeconds) answeredWithinSl += 1;
    } else if (call.disposition === 'cancelled') {
      abandoned += 1;
    }
  }
  let longestNow: number | null = null;
  for (const w of waiting) {
    const wait = Math.max(0, (now.getTime() - w.since.getTime()) / 1000);
    longestNow = longestNow === null ? wait : Math.max(longestNow, wait);
  }
  const offered = calls.length;
  return {
    offered,
    answered,
    answeredWithinSl,
    serviceLevel: offered === 0 ? null : answeredWithinSl / offered,
    missed: offered - answered - abandoned,
    abandoned,
    abandonRate: offered === 0 ? null : abandoned / offered,
    averageWaitSeconds: answered === 0 ? null : answeredWaitSum / answered,
    longestWaitSeconds: longest === null && longestNow === null ? null : Math.max(longest ?? 0, longestNow ?? 0),
    waitingNow: waiting.length,
    longestWaitingNowSeconds: longestNow,
  };
}

/**
 * The team's figures and one row per line. A line is a scenario with its company numbers;
 * calls to a number no scenario serves share one row named null, shown only when it has calls.
 */
export function wallboardFigures(input: {
  calls: readonly WallboardCall[];
  waiting: readonly WaitingNow[];
  lines: readonly LineDefinition[];
  statuses: readonly AgentStatus[];
  serviceLevelSeconds: number;
  now: Date;
}): WallboardFigures {
  const lineOf = new Map<string, number>();
  input.lines.forEach((line, i) => line.numbers.forEach((n) => lineOf.set(digitsOf(n), i)));
  const other = input.lines.length;
  const indexOf = (number: string | null) => (number === null ? other : (lineOf.get(digitsOf(number)) ?? other));
  const callsBy = Array.from({ length: other + 1 }, (): WallboardCall[] => []);
  const waitingBy = Array.from({ length: other + 1 }, (): WaitingNow[] => []);
  for (const c of input.calls) callsBy[indexOf(c.companyNumber)]!.push(c);
  for (const w of input.waiting) waitingBy[indexOf(w.companyNumber)]!.push(w);

  const { serviceLevelSeconds: sl, now } = input;
  const lines: WallboardLine[] = input.lines.map((line, i) => ({ name: line.name, numbers: [...line.numbers], ...lineFigures(callsBy[i]!, waitingBy[i]!, sl, now) }));
  if (callsBy[other]!.length > 0 || waitingBy[other]!.length > 0) {
    const numbers = [...new Set(callsBy[other]!.map((c) => c.companyNumber ?? '').concat(waitingBy[other]!.map((w) => w.companyNumber)))].filter(Boolean).sort();
    lines.push({ name: null, numbers, ...lineFigures(callsBy[other]!, waitingBy[other]!, sl, now) });
  }
  const managers = Object.fromEntries(AGENT_STATUSES.map((s) => [s, 0])) as Record<AgentStatus, number>;
  for (const s of input.statuses) managers[s] += 1;
  return { serviceLevelSeconds: sl, team: lineFigures(input.calls, input.waiting, sl, now), lines, managers };
}
