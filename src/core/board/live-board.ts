import type { AgentStatus } from '../agents/agent-state.js';
import type { Direction } from '../calls/call-record.js';
import type { LiveCall } from '../calls/live-call.js';

/**
 * What the supervisor's live board shows, and what each viewer may see of it. Pure: the
 * feed (services/board-feed.ts) gathers the facts, the console only draws them. Times
 * are instants, not durations, so the board does not change every second by itself: the
 * page counts "for how long" up from them.
 */

export interface BoardCall {
  /** Hidden from other managers: a colleague's live Call-ID is enough to meddle with his call. */
  callId: string | null;
  direction: Direction;
  state: 'ringing' | 'talking';
  /** The other party: the client for inbound and outbound calls, the colleague for internal ones. Hidden from other managers. */
  otherParty: string | null;
  /** Ringing since (his ring attempt) or talking since (the answer), ISO time. */
  since: string;
}

export interface BoardManager {
  extension: string;
  name: string;
  status: AgentStatus;
  since: string;
  pauseReason: string | null;
  callsToday: number;
  talkSecondsToday: number;
  call: BoardCall | null;
}

export interface BoardWaitingCall {
  /** Hidden from managers, as the number is. */
  callId: string | null;
  /** Hidden from managers: the queue is the supervisors' to work. */
  callerNumber: string | null;
  priority: boolean;
  since: string;
}

/** The team's day so far, from the call history (local day of routing.timezone). */
export interface TeamToday {
  date: string;
  inboundCalls: number;
  inboundAnswered: number;
  inboundMissed: number;
  outboundCalls: number;
  outboundConnected: number;
}

/**
 * Calls in progress now, each counted once (a call waiting in line and ringing a manager
 * is one call). The day's counters count only finished calls; the page adds these.
 */
export interface LiveCounts {
  inbound: number;
  inboundTalking: number;
  outbound: number;
  outboundTalking: number;
}

export interface BoardSnapshot {
  managers: BoardManager[];
  waiting: { scenario: string; calls: BoardWaitingCall[] }[];
  /** null where the call history is not kept (in-memory test setups). */
  today: TeamToday | null;
  live: LiveCounts;
}

/** Counted before boardFor hides Call-IDs, so every viewer gets the same counts. */
export function liveCountsOf(managers: readonly BoardManager[], waiting: BoardSnapshot['waiting']): LiveCounts {
  const inbound = new Map<string, boolean>();
  const outbound = new Map<string, boolean>();
  for (const m of managers) {
    const call = m.call;
    if (call === null || call.callId === null || call.direction === 'internal') continue;
    const seen = call.direction === 'inbound' ? inbound : outbound;
    seen.set(call.callId, (seen.get(call.callId) ?? false) || call.state === 'talking');
  }
  for (const line of waiting) for (const c of line.calls) if (c.callId !== null && !inbound.has(c.callId)) inbound.set(c.callId, false);
  const talking = (seen: Map<string, boolean>) => [...seen.values()].filter(Boolean).length;
  return { inbound: inbound.size, inboundTalking: talking(inbound), outbound: outbound.size, outboundTalking: talking(outbound) };
}

export interface BoardViewer {
  role: 'admin' | 'supervisor' | 'manager';
  extension: string | null;
}

/** The call a manager is ringing for or talking in, as the board shows it. */
export function boardCallOf(call: LiveCall, extension: string, status: AgentStatus): BoardCall {
  const ringing = status === 'ringing' && call.answeredAt === null;
  const attempt = [...call.attempts].reverse().find((a) => a.manager === extension);
  const since = ringing ? (attempt?.startedAt ?? call.startedAt) : (call.answeredAt ?? call.startedAt);
  return {
    callId: call.callId,
    direction: call.direction,
    state: ringing ? 'ringing' : 'talking',
    otherParty: otherPartyOf(call, extension),
    since: new Date(since).toISOString(),
  };
}

function otherPartyOf(call: LiveCall, extension: string): string {
  if (call.direction === 'inbound') return call.callerNumber;
  if (call.direction === 'outbound') return call.calleeNumber;
  return call.placedBy === extension ? call.calleeNumber : call.callerNumber;
}

/**
 * Supervisors see everything. A manager sees his colleagues' states (whom to hand a
 * client to) but not whom they talk with, and the queue's length but not the numbers in it.
 * Nor any Call-ID but his own call's: with a colleague's, a forged INVITE or CANCEL could
 * aim at that call.
 */
export function boardFor(snapshot: BoardSnapshot, viewer: BoardViewer): BoardSnapshot {
  if (viewer.role !== 'manager') return snapshot;
  return {
    ...snapshot,
    managers: snapshot.managers.map((m) =>
      m.extension === viewer.extension || m.call === null ? m : { ...m, call: { ...m.call, callId: null, otherParty: null } },
    ),
    waiting: snapshot.waiting.map((line) => ({ ...line, calls: line.calls.map((c) => ({ ...c, callId: null, callerNumber: null })) })),
  };
}
