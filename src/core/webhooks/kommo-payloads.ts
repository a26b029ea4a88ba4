import type { Disposition } from '../calls/call-record.js';
import type { CallEndedData } from './call-event-data.js';
import { excerpt, isProblem, parseJson, verdictOfStatus, type OutgoingRequest, type RequestProblem, type StepVerdict } from './outgoing-request.js';
import type { WebhookEnvelope } from './webhook-event.js';
import type { KommoEndpoint } from './webhook-endpoint.js';

/**
 * Kommo (amoCRM) logs a finished call with POST /api/v4/calls: Kommo finds the contact
 * or company by the phone number and adds the call to its card (field mapping:
 * docs/crm-webhooks.md). Only call.ended goes there; the API has no call to update, so
 * a recording that becomes ready later is not added.
 */

/**
 * call_status: 1 left a voicemail, 2 call back later, 3 not available, 4 talked
 * ("Разговор состоялся"), 5 wrong number, 6 did not get through, 7 busy.
 */
export const KOMMO_CALL_STATUS = { voicemail: 1, callBackLater: 2, notAvailable: 3, talked: 4, wrongNumber: 5, notReached: 6, busy: 7 } as const;

const RESULT_TEXT: Record<Disposition, string> = {
  answered: 'Answered',
  busy: 'Busy',
  'no-answer': 'No answer',
  missed: 'Missed',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export function kommoWants(envelope: WebhookEnvelope): boolean {
  const direction = envelope.data.direction;
  return envelope.type === 'call.ended' && (direction === 'inbound' || direction === 'outbound');
}

export function kommoRequest(endpoint: KommoEndpoint, envelope: WebhookEnvelope): OutgoingRequest | RequestProblem {
  const call = kommoCall(endpoint, envelope);
  if (isProblem(call)) return call;
  return {
    method: 'POST',
    url: `${endpoint.url.replace(/\/+$/, '')}/api/v4/calls`,
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${endpoint.secret}` },
    body: JSON.stringify([call]),
  };
}

/** One element of the request's array. */
export function kommoCall(endpoint: KommoEndpoint, envelope: WebhookEnvelope): Record<string, unknown> | RequestProblem {
  const call = envelope.data as unknown as CallEndedData;
  if (call.direction === 'internal' || call.clientNumber === null) return { problem: 'an internal call has no client to log in Kommo' };
  const responsible = call.manager?.crmUserId;
  return {
    direction: call.direction,
    uniq: call.callId,
    duration: Math.round(call.talkSeconds),
    source: endpoint.source,
    ...(call.recordingUrl ? { link: call.recordingUrl } : {}),
    phone: call.clientNumber,
    call_result: call.reason && call.disposition !== 'answered' ? `${RESULT_TEXT[call.disposition]}: ${call.reason}` : RESULT_TEXT[call.disposition],
    call_status: kommoCallStatus(call),
    // Kommo's user ids are integers; a manager without one leaves the call to the token's user.
    ...(responsible && /^\d+$/.test(responsible) ? { responsible_user_id: Number(responsible) } : {}),
    created_at: Math.floor(Date.parse(call.startedAt) / 1000),
  };
}

export function kommoCallStatus(call: Pick<CallEndedData, 'disposition' | 'sipCode'>): number {
  switch (call.disposition) {
    case 'answered':
      return KOMMO_CALL_STATUS.talked;
    case 'busy':
      return KOMMO_CALL_STATUS.busy;
    case 'failed':
      return call.sipCode === 404 || call.sipCode === 484 ? KOMMO_CALL_STATUS.wrongNumber : KOMMO_CALL_STATUS.notReached;
    case 'missed':
    case 'no-answer':
    case 'cancelled':
      return KOMMO_CALL_STATUS.notReached;
  }
}

/**
 * Kommo answers 200 even when it could not add the call (no contact has the number):
 * the reason is in _embedded.errors, and sending again would not change it.
 */
export function readKommoResponse(status: number, body: string, retryAfterMs: number | null): StepVerdict {
  const byStatus = verdictOfStatus(status, retryAfterMs);
  if (byStatus.kind !== 'ok') {
    const json = parseJson(body) as { title?: unknown; detail?: unknown } | undefined;
    const reason = json?.detail ?? json?.title;
    return reason === undefined ? byStatus : { ...byStatus, error: `${byStatus.error}: Kommo ${String(reason)}` };
  }
  const json = parseJson(body) as { _embedded?: { errors?: { title?: unknown; detail?: unknown; status?: unknown }[] } } | undefined;
  const errors = json?._embedded?.errors ?? [];
  if (errors.length > 0) {
    const first = errors[0]!;
    return { kind: 'failed', error: `Kommo did not add the call: ${String(first.title ?? first.detail ?? excerpt(body))}` };
  }
  return { kind: 'ok' };
}
