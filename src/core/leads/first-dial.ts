import type { Direction } from '../calls/call-record.js';
import { toE164 } from '../phone/e164.js';
import { secondsSince, type Lead } from './lead.js';

/**
 * The facts of one call that matter to leads. The same call may be seen twice (when
 * it starts, without an answer yet, and when it ends); applying it again changes nothing.
 */
export interface CallFact {
  callId: string;
  direction: Direction;
  /** The client's number in E.164: whom an outbound call dialled, who made an inbound one. */
  clientPhone: string | null;
  /** Who placed an outbound call. */
  manager: string | null;
  startedAt: Date;
  answeredAt: Date | null;
}

/** Which of a lead's firsts a call can be. */
export type ContactKind = 'dial' | 'connected' | 'inbound';

/** A call as the services describe it, numbers as dialled. */
export interface CallSides {
  callId: string;
  direction: Direction;
  callerNumber: string;
  calleeNumber: string;
  manager: string | null;
  startedAt: Date;
  answeredAt: Date | null;
}

/** The client of an internal call is nobody; a number with no E.164 form (an extension) is nobody's. */
export function callFactOf(call: CallSides, defaultRegion: string): CallFact {
  const client = call.direction === 'outbound' ? call.calleeNumber : call.direction === 'inbound' ? call.callerNumber : null;
  return {
    callId: call.callId,
    direction: call.direction,
    clientPhone: client === null ? null : toE164(client, defaultRegion),
    manager: call.manager,
    startedAt: call.startedAt,
    answeredAt: call.answeredAt,
  };
}

/**
 * What this call would be for this lead, with the instant each first is measured at:
 * - dial: an outbound call to the lead's number that started at or after its creation,
 *   whatever came of it (the attempt is what the manager controls);
 * - connected: such a call that was answered, at the answer;
 * - inbound: a call from the lead's number that started at or after its creation, answered or not.
 * A call before the lead existed is about something else and counts for nothing.
 */
export function contactsOf(lead: Pick<Lead, 'phone' | 'createdAt'>, call: CallFact): { kind: ContactKind; at: Date }[] {
  if (call.clientPhone === null || call.clientPhone !== lead.phone || call.startedAt < lead.createdAt) return [];
  if (call.direction === 'inbound') return [{ kind: 'inbound', at: call.startedAt }];
  if (call.direction !== 'outbound') return [];
  const dial = { kind: 'dial' as const, at: call.startedAt };
  return call.answeredAt === null ? [dial] : [dial, { kind: 'connected', at: call.answeredAt }];
}

/**
 * The lead after this call: each first is replaced when the call is earlier, so calls
 * seen out of order (two managers dialling at once, a late event) still leave the
 * earliest. `changed` lists the firsts this call became.
 */
export function applyCall(lead: Lead, call: CallFact): { lead: Lead; changed: ContactKind[] } {
  let next = lead;
  const changed: ContactKind[] = [];
  for (const { kind, at } of contactsOf(lead, call)) {
    const current = kind === 'dial' ? next.firstDial : kind === 'connected' ? next.firstConnected : next.firstInbound;
    if (current !== null && current.at <= at) continue;
    changed.push(kind);
    if (kind === 'dial') next = { ...next, firstDial: { callId: call.callId, at, manager: call.manager, seconds: secondsSince(lead.createdAt, at) } };
    else if (kind === 'connected') next = { ...next, firstConnected: { callId: call.callId, at } };
    else next = { ...next, firstInbound: { callId: call.callId, at } };
  }
  return { lead: next, changed };
}

/** The lead's firsts among these calls, in any order. */
export function firstContacts(lead: Lead, calls: readonly CallFact[]): Lead {
  return calls.reduce((l, call) => applyCall(l, call).lead, lead);
}
