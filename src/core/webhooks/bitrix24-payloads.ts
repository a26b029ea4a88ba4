import type { CallEndedData, CallEventData, RecordingReadyData } from './call-event-data.js';
import { excerpt, isProblem, parseJson, verdictOfStatus, type OutgoingRequest, type RequestProblem, type StepVerdict } from './outgoing-request.js';
import type { WebhookEnvelope } from './webhook-event.js';
import type { Bitrix24Endpoint } from './webhook-endpoint.js';

/**
 * Bitrix24's REST telephony methods for an external PBX (field mapping: docs/crm-webhooks.md):
 * - call.started → telephony.externalcall.register, which answers the call's CALL_ID;
 * - call.ended → telephony.externalcall.finish with that CALL_ID (registering first when
 *   the call never was: a refused call only ends, and a failed register is made good here);
 * - recording.ready → telephony.externalcall.attachRecord (after finish, as Bitrix24 requires).
 */
export type Bitrix24Step = 'register' | 'finish' | 'attachRecord';

const METHOD: Record<Bitrix24Step, string> = {
  register: 'telephony.externalcall.register',
  finish: 'telephony.externalcall.finish',
  attachRecord: 'telephony.externalcall.attachRecord',
};

/** CALL_TYPE: 1 outbound, 2 inbound. */
const CALL_TYPE = { outbound: 1, inbound: 2 } as const;

/** The events Bitrix24 takes, for calls with a client (internal calls are not CRM calls). */
export function bitrix24Wants(envelope: WebhookEnvelope): boolean {
  if (envelope.type === 'recording.ready') return true;
  if (envelope.type !== 'call.started' && envelope.type !== 'call.ended') return false;
  const direction = envelope.data.direction;
  return direction === 'inbound' || direction === 'outbound';
}

/** The steps of a delivery, given the CALL_ID known so far. */
export function bitrix24Steps(envelope: WebhookEnvelope, crmCallId: string | null): Bitrix24Step[] {
  switch (envelope.type) {
    case 'call.started':
      return ['register'];
    case 'call.ended':
      return crmCallId === null ? ['register', 'finish'] : ['finish'];
    case 'recording.ready':
      return ['attachRecord'];
    default:
      return [];
  }
}

export function bitrix24Request(
  endpoint: Bitrix24Endpoint,
  envelope: WebhookEnvelope,
  step: Bitrix24Step,
  crmCallId: string | null,
): OutgoingRequest | RequestProblem {
  const params = bitrix24Params(endpoint, envelope, step, crmCallId);
  if (isProblem(params)) return params;
  return {
    method: 'POST',
    url: `${endpoint.url.replace(/\/?$/, '/')}${METHOD[step]}.json`,
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(params),
  };
}

export function bitrix24Params(
  endpoint: Bitrix24Endpoint,
  envelope: WebhookEnvelope,
  step: Bitrix24Step,
  crmCallId: string | null,
): Record<string, unknown> | RequestProblem {
  if (step === 'register') {
    const call = envelope.data as unknown as CallEventData | CallEndedData;
    const user = userId(endpoint, call);
    if (user === null) return noUser(endpoint, call);
    if (call.clientNumber === null || call.direction === 'internal') return { problem: 'an internal call has no client to register in Bitrix24' };
    return {
      USER_ID: user,
      PHONE_NUMBER: call.clientNumber,
      TYPE: CALL_TYPE[call.direction],
      CALL_START_DATE: 'startedAt' in call ? call.startedAt : call.at,
      CRM_CREATE: endpoint.createLeads ? 1 : 0,
      ...(call.companyNumber ? { LINE_NUMBER: call.companyNumber } : {}),
      SHOW: endpoint.showCard ? 1 : 0,
    };
  }
  if (crmCallId === null) {
    return { problem: 'Bitrix24 has no CALL_ID for this call: its register was not delivered (replay the call.started or call.ended delivery first)' };
  }
  if (step === 'finish') {
    const call = envelope.data as unknown as CallEndedData;
    const user = userId(endpoint, call);
    if (user === null) return noUser(endpoint, call);
    const status = bitrix24StatusCode(call);
    return {
      CALL_ID: crmCallId,
      USER_ID: user,
      DURATION: Math.round(call.talkSeconds),
      STATUS_CODE: status,
      ...(status !== '200' && call.reason ? { FAILED_REASON: call.reason } : {}),
      ...(call.recordingUrl ? { RECORD_URL: call.recordingUrl } : {}),
    };
  }
  const recording = envelope.data as unknown as RecordingReadyData;
  return { CALL_ID: crmCallId, FILENAME: recording.filename ?? recordingFileName(recording), RECORD_URL: recording.url };
}

/**
 * STATUS_CODE of finish (Bitrix24's call code table): 200 success, 304 missed,
 * 486 busy, 603-S cancelled, 603 declined, 404 wrong number, 480 unavailable, OTHER.
 */
export function bitrix24StatusCode(call: Pick<CallEndedData, 'disposition' | 'direction' | 'sipCode'>): string {
  switch (call.disposition) {
    case 'answered':
      return '200';
    case 'busy':
      return '486';
    case 'missed':
    case 'no-answer':
      return '304';
    case 'cancelled':
      // The caller giving up is a missed call for the company; a manager hanging up his own dial is a cancelled call.
      return call.direction === 'inbound' ? '304' : '603-S';
    case 'failed':
      return call.sipCode !== null && FAILURE_CODES.has(call.sipCode) ? String(call.sipCode) : 'OTHER';
  }
}

/** SIP codes Bitrix24's table knows, passed through when a call failed with one of them. */
const FAILURE_CODES = new Set([402, 403, 404, 423, 480, 484, 486, 503, 603]);

/**
 * Bitrix24 answers 200 with {result} or an error status with {error, error_description};
 * QUERY_LIMIT_EXCEEDED (too many requests, normally with 503) is retried like a 503.
 */
export function readBitrix24Response(step: Bitrix24Step, status: number, body: string, retryAfterMs: number | null): StepVerdict {
  const json = parseJson(body) as { result?: { CALL_ID?: unknown }; error?: unknown; error_description?: unknown } | undefined;
  if (json?.error === 'QUERY_LIMIT_EXCEEDED') return { kind: 'retry', error: 'Bitrix24 QUERY_LIMIT_EXCEEDED', retryAfterMs };
  const byStatus = verdictOfStatus(status, retryAfterMs);
  if (byStatus.kind !== 'ok') return withReason(byStatus, json);
  if (json === undefined || typeof json !== 'object' || json === null) return { kind: 'failed', error: `Bitrix24 answered ${status} without JSON: ${excerpt(body)}` };
  if (json.error !== undefined) return { kind: 'failed', error: `Bitrix24 ${String(json.error)}: ${String(json.error_description ?? '')}`.trim() };
  if (step !== 'register') return { kind: 'ok' };
  const callId = json.result?.CALL_ID;
  if (typeof callId !== 'string' && typeof callId !== 'number') return { kind: 'failed', error: `Bitrix24 register answered no CALL_ID: ${excerpt(body)}` };
  return { kind: 'ok', crmCallId: String(callId) };
}

function withReason(verdict: Exclude<StepVerdict, { kind: 'ok' }>, json: { error?: unknown; error_description?: unknown } | undefined): StepVerdict {
  if (json?.error === undefined) return verdict;
  return { ...verdict, error: `${verdict.error}: Bitrix24 ${String(json.error)} ${String(json.error_description ?? '')}`.trim() };
}

/** USER_ID: the manager's Bitrix24 user, else the endpoint's default user. Numeric ids go as numbers, as Bitrix24 documents them. */
function userId(endpoint: Bitrix24Endpoint, call: { manager: { crmUserId: string | null } | null }): number | string | null {
  const id = call.manager?.crmUserId ?? endpoint.defaultUserId ?? null;
  if (id === null) return null;
  return /^\d+$/.test(id) ? Number(id) : id;
}

function noUser(endpoint: Bitrix24Endpoint, call: { manager: { extension: string } | null }): RequestProblem {
  const who = call.manager ? `manager ${call.manager.extension} has no crmUserId` : 'the call has no manager';
  return { problem: `Bitrix24 needs a USER_ID: ${who}; set managers[].crmUserId or crm.webhooks "${endpoint.name}" defaultUserId` };
}

/** FILENAME must end in .mp3 or .wav: the URL's own name when it does, else one made from the Call-ID. */
function recordingFileName(recording: RecordingReadyData): string {
  const last = new URL(recording.url, 'http://x').pathname.split('/').pop() ?? '';
  if (/\.(mp3|wav)$/i.test(last)) return last;
  return `${recording.callId.replace(/[^A-Za-z0-9._-]/g, '_')}.mp3`;
}
