import type { CallParties, CallRecordJson, Direction, Disposition, MenuChoice } from '../calls/call-record.js';
import type { WebhookEnvelope } from './webhook-event.js';

/**
 * Domain events as the CRMs receive them: the bare event enriched with what a CRM
 * needs and the service knows only by configuration (the manager's name and CRM user
 * id) or by the call's direction (which number is the client's).
 */

export interface ManagerDirectoryEntry {
  name: string;
  crmUserId: string | null;
}

/** Managers by extension, as configured when the event was raised. */
export type ManagerDirectory = ReadonlyMap<string, ManagerDirectoryEntry>;

export interface ManagerRef {
  extension: string;
  name: string | null;
  crmUserId: string | null;
}

/** data of call.started and call.answered. */
export interface CallEventData {
  callId: string;
  direction: Direction;
  callerNumber: string;
  calleeNumber: string;
  /** The outside party: the caller of an inbound call, the callee of an outbound one; null for internal calls. */
  clientNumber: string | null;
  companyNumber: string | null;
  manager: ManagerRef | null;
  at: string;
}

/** data of call.ended. */
export interface CallEndedData extends Omit<CallEventData, 'at'> {
  leadId: string | null;
  startedAt: string;
  answeredAt: string | null;
  endedAt: string;
  ringSeconds: number;
  talkSeconds: number;
  disposition: Disposition;
  sipCode: number | null;
  reason: string | null;
  /** Null until the recording is ready; recording.ready brings it then. */
  recordingUrl: string | null;
  /** The caller's DTMF menu key (null: none, the default was taken) and the step it led to; present only when a menu played. */
  menuChoice?: MenuChoice;
}

/** data of recording.ready, as the recording feature is expected to raise it. */
export interface RecordingReadyData {
  callId: string;
  url: string;
  /** File name with its extension (.mp3, .wav); derived from the URL when absent. */
  filename?: string;
}

/** The events' shapes this module reads; structural, so the core does not depend on the services. */
type CallPartiesEvent = CallParties & { at: string };
/** A record may carry a lead id and a recording link once those features fill them in. */
type EndedRecord = CallRecordJson & { leadId?: string | number | null; recordingUrl?: string | null };

export function toWebhookEnvelope(type: string, payload: unknown, managers: ManagerDirectory, now: Date): WebhookEnvelope {
  const event = (payload ?? {}) as Record<string, unknown>;
  if (type === 'call.started' || type === 'call.answered') {
    const data = callEventData(event as unknown as CallPartiesEvent, managers);
    return { type, timestamp: data.at, data: { ...data } };
  }
  if (type === 'call.ended' && typeof event.record === 'object' && event.record !== null) {
    const data = callEndedData(event.record as EndedRecord, managers);
    return { type, timestamp: data.endedAt, data: { ...data } };
  }
  // Other events go out as raised: their payloads are already what a receiver needs.
  return { type, timestamp: typeof event.at === 'string' ? event.at : now.toISOString(), data: { ...event } };
}

export function callEventData(e: CallPartiesEvent, managers: ManagerDirectory): CallEventData {
  return {
    callId: e.callId,
    direction: e.direction,
    callerNumber: e.callerNumber,
    calleeNumber: e.calleeNumber,
    clientNumber: clientNumberOf(e.direction, e.callerNumber, e.calleeNumber),
    companyNumber: e.companyNumber,
    manager: managerRef(e.manager, managers),
    at: e.at,
  };
}

export function callEndedData(r: EndedRecord, managers: ManagerDirectory): CallEndedData {
  return {
    callId: r.callId,
    direction: r.direction,
    callerNumber: r.callerNumber,
    calleeNumber: r.calleeNumber,
    clientNumber: clientNumberOf(r.direction, r.callerNumber, r.calleeNumber),
    companyNumber: r.companyNumber,
    manager: managerRef(r.manager, managers),
    leadId: r.leadId === undefined || r.leadId === null ? null : String(r.leadId),
    startedAt: r.startedAt,
    answeredAt: r.answeredAt,
    endedAt: r.endedAt,
    ringSeconds: r.ringSeconds,
    talkSeconds: r.talkSeconds,
    disposition: r.disposition,
    sipCode: r.sipCode,
    reason: r.reason,
    recordingUrl: r.recordingUrl ?? null,
    ...(r.menuChoice ? { menuChoice: { digit: r.menuChoice.digit, step: r.menuChoice.step } } : {}),
  };
}

export function clientNumberOf(direction: Direction, callerNumber: string, calleeNumber: string): string | null {
  if (direction === 'inbound') return callerNumber;
  if (direction === 'outbound') return calleeNumber;
  return null;
}

function managerRef(extension: string | null, managers: ManagerDirectory): ManagerRef | null {
  if (extension === null) return null;
  const known = managers.get(extension);
  return { extension, name: known?.name ?? null, crmUserId: known?.crmUserId ?? null };
}
