import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toCallRecordJson } from '../../../src/core/calls/call-record.js';
import { bitrix24StatusCode, readBitrix24Response } from '../../../src/core/webhooks/bitrix24-payloads.js';
import { toWebhookEnvelope, type ManagerDirectory } from '../../../src/core/webhooks/call-event-data.js';
import { deliverySteps, endpointWants, stepRequest } from '../../../src/core/webhooks/crm-request.js';
import { kommoCallStatus, readKommoResponse } from '../../../src/core/webhooks/kommo-payloads.js';
import { isProblem } from '../../../src/core/webhooks/outgoing-request.js';
import type { WebhookEnvelope } from '../../../src/core/webhooks/webhook-event.js';
import type { Bitrix24Endpoint, GenericEndpoint, KommoEndpoint, WebhookEndpoint } from '../../../src/core/webhooks/webhook-endpoint.js';
import { makeCall } from '../../helpers/call-records.js';

interface Fixture {
  requests: { method: string; url: string; headers?: Record<string, string>; body: unknown }[];
}
const fixture = (name: string): Fixture => JSON.parse(readFileSync(new URL(`../../fixtures/crm/${name}.json`, import.meta.url), 'utf8')) as Fixture;

const retry = { schedule: [5] };
const bitrix: Bitrix24Endpoint = {
  kind: 'bitrix24', name: 'b24', url: 'https://leadline-test.bitrix24.ru/rest/1/abc123token/', events: ['call.started', 'call.ended', 'recording.ready'],
  retry, defaultUserId: '1', createLeads: true, showCard: false,
};
const kommo: KommoEndpoint = {
  kind: 'kommo', name: 'kommo', url: 'https://leadline-test.kommo.com', events: ['call.ended'], retry, secret: 'kommo-long-lived-token-0123456789', source: 'Leadline',
};
const generic: GenericEndpoint = {
  kind: 'generic', name: 'hooks', url: 'https://hooks.example.com/leadline', events: ['*'], retry, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
};

const directory = (crmUserId: string | null): ManagerDirectory => new Map([
  ['101', { name: 'Anna', crmUserId }],
  ['102', { name: 'Boris', crmUserId: null }],
]);
const NOW = new Date('2026-03-02T12:00:00Z');

const startedAt = new Date('2026-03-02T09:15:00Z');
const answeredCall = makeCall({
  callId: 'a1b2c3@leadline.test', startedAt, answeredAt: new Date(startedAt.getTime() + 4_250), endedAt: new Date(startedAt.getTime() + 65_850),
  ringSeconds: 4.25, talkSeconds: 61.6,
});
const callEnded = (call: ReturnType<typeof makeCall>, managers: ManagerDirectory, extra: Record<string, unknown> = {}) =>
  toWebhookEnvelope('call.ended', { record: { ...toCallRecordJson(call), ...extra } }, managers, NOW);

/** The requests of one delivery, as the worker makes them: a register's answer gives the CALL_ID of what follows. */
function requestsOf(endpoint: WebhookEndpoint, envelope: WebhookEnvelope, crmCallId: string | null, registerAnswers: string[] = []) {
  const out: Fixture['requests'] = [];
  let known = crmCallId;
  for (const step of deliverySteps(endpoint, envelope, known)) {
    const request = stepRequest(endpoint, envelope, step, { id: 'msg_01JN0000000000000000000000', timestampSeconds: 1772443000, crmCallId: known });
    if (isProblem(request)) throw new Error(request.problem);
    out.push({ method: request.method, url: request.url, headers: request.headers, body: JSON.parse(request.body) });
    if (step === 'register') known = registerAnswers.shift() ?? null;
  }
  return out;
}

/** Compares to a fixture: the fixture's headers are a subset (signatures and user agents are checked elsewhere). */
function expectFixture(actual: Fixture['requests'], name: string) {
  const expected = fixture(name).requests;
  expect(actual.map(({ method, url, body }) => ({ method, url, body }))).toEqual(expected.map(({ method, url, body }) => ({ method, url, body })));
  expected.forEach((e, i) => expect(actual[i]!.headers).toMatchObject(e.headers ?? {}));
}

describe('Bitrix24 telephony requests', () => {
  it('registers a call at call.started: USER_ID, PHONE_NUMBER, TYPE 2 inbound, CALL_START_DATE, CRM_CREATE, LINE_NUMBER, SHOW', () => {
    const started = toWebhookEnvelope('call.started', {
      callId: 'a1b2c3@leadline.test', direction: 'inbound', callerNumber: '+79161234567', calleeNumber: '+74951234567',
      companyNumber: '+74951234567', manager: '101', at: '2026-03-02T09:15:00.000Z',
    }, directory('17'), NOW);
    expect(endpointWants(bitrix, started)).toBe(true);
    expectFixture(requestsOf(bitrix, started, null), 'bitrix24-register');
  });

  it('finishes with the CALL_ID register returned: CALL_ID, USER_ID, DURATION, STATUS_CODE 200', () => {
    expectFixture(requestsOf(bitrix, callEnded(answeredCall, directory('17')), 'externalCall.5d3b9f0e2c1a.1772442900'), 'bitrix24-finish-answered');
  });

  it('registers a call that never was before finishing it (refused and missed calls only end), as the default user', () => {
    const missed = makeCall({
      callId: 'missed-9@leadline.test', callerNumber: '+79167654321', startedAt: new Date('2026-03-02T09:20:00Z'), answeredAt: null,
      endedAt: new Date('2026-03-02T09:20:40Z'), talkSeconds: 0, ringSeconds: 40, disposition: 'missed', manager: null, reason: 'no manager answered',
    });
    expectFixture(requestsOf(bitrix, callEnded(missed, directory('17')), null, ['externalCall.missed.1772443200']), 'bitrix24-missed-unregistered');
  });

  it('attaches the recording once ready: CALL_ID, FILENAME, RECORD_URL', () => {
    const ready = toWebhookEnvelope('recording.ready', { callId: 'a1b2c3@leadline.test', url: 'https://records.example.com/2026/03/02/a1b2c3.mp3', at: NOW.toISOString() }, directory('17'), NOW);
    expectFixture(requestsOf(bitrix, ready, 'externalCall.5d3b9f0e2c1a.1772442900'), 'bitrix24-attach-record');
  });

  it('maps dispositions to STATUS_CODE', () => {
    const code = (disposition: Parameters<typeof bitrix24StatusCode>[0]['disposition'], direction: 'inbound' | 'outbound' = 'inbound', sipCode: number | null = null) =>
      bitrix24StatusCode({ disposition, direction, sipCode });
    expect([code('answered'), code('busy'), code('missed'), code('no-answer'), code('cancelled'), code('cancelled', 'outbound')])
      .toEqual(['200', '486', '304', '304', '304', '603-S']);
    expect([code('failed', 'outbound', 404), code('failed', 'outbound', 480), code('failed', 'outbound', 500)]).toEqual(['404', '480', 'OTHER']);
  });

  it('reads the CALL_ID from register and the errors Bitrix24 answers', () => {
    expect(readBitrix24Response('register', 200, '{"result":{"CALL_ID":"externalCall.x.1","CRM_CREATED_LEAD":5}}', null)).toEqual({ kind: 'ok', crmCallId: 'externalCall.x.1' });
    expect(readBitrix24Response('finish', 200, '{"result":{"ID":1}}', null)).toEqual({ kind: 'ok' });
    expect(readBitrix24Response('finish', 400, '{"error":"ERROR_CALL_NOT_FOUND","error_description":"Call is not found"}', null))
      .toEqual({ kind: 'failed', error: 'HTTP 400: Bitrix24 ERROR_CALL_NOT_FOUND Call is not found' });
    expect(readBitrix24Response('register', 503, '{"error":"QUERY_LIMIT_EXCEEDED"}', 2_000)).toMatchObject({ kind: 'retry', retryAfterMs: 2_000 });
    expect(readBitrix24Response('register', 200, '{"result":{}}', null).kind).toBe('failed');
  });

  it('refuses to build a request without a user, naming the setting', () => {
    const noDefault = { ...bitrix, defaultUserId: undefined };
    const request = stepRequest(noDefault, callEnded(answeredCall, directory(null)), 'finish', { id: 'x', timestampSeconds: 0, crmCallId: 'c' });
    expect(isProblem(request) && request.problem).toMatch(/manager 101 has no crmUserId.*defaultUserId/);
  });

  it('leaves internal calls out', () => {
    expect(endpointWants(bitrix, callEnded(makeCall({ direction: 'internal' }), directory('17')))).toBe(false);
  });
});

describe('Kommo calls', () => {
  it('logs a finished call: direction, uniq, duration, source, link, phone, call_result, call_status 4, responsible_user_id, created_at', () => {
    const envelope = callEnded(answeredCall, directory('7654321'), { recordingUrl: 'https://records.example.com/2026/03/02/a1b2c3.mp3' });
    expect(endpointWants(kommo, envelope)).toBe(true);
    expectFixture(requestsOf(kommo, envelope, null), 'kommo-call-answered');
  });

  it('logs an outbound busy call with call_status 7 and no responsible user when the manager has none', () => {
    const busy = makeCall({
      callId: 'out-77@leadline.test', direction: 'outbound', callerNumber: '+74951234567', calleeNumber: '+79035550000', manager: '102',
      startedAt: new Date('2026-03-02T10:20:00Z'), answeredAt: null, endedAt: new Date('2026-03-02T10:20:06Z'), talkSeconds: 0,
      disposition: 'busy', sipCode: 486, reason: '486 Busy Here',
    });
    expectFixture(requestsOf(kommo, callEnded(busy, directory('7654321')), null), 'kommo-call-busy-outbound');
  });

  it('maps dispositions to call_status', () => {
    expect(kommoCallStatus({ disposition: 'answered', sipCode: null })).toBe(4);
    expect(kommoCallStatus({ disposition: 'missed', sipCode: null })).toBe(6);
    expect(kommoCallStatus({ disposition: 'no-answer', sipCode: 480 })).toBe(6);
    expect(kommoCallStatus({ disposition: 'busy', sipCode: 486 })).toBe(7);
    expect(kommoCallStatus({ disposition: 'failed', sipCode: 404 })).toBe(5);
  });

  it('takes only call.ended', () => {
    const started = toWebhookEnvelope('call.started', { callId: 'x', direction: 'inbound', callerNumber: '1', calleeNumber: '2', companyNumber: null, manager: null, at: NOW.toISOString() }, directory(null), NOW);
    expect(endpointWants(kommo, started)).toBe(false);
  });

  it('fails a call Kommo answered 200 for but did not add (no contact has the number)', () => {
    const body = JSON.stringify({ _embedded: { calls: [], errors: [{ request_id: '0', title: 'Entity not found', status: 204 }] } });
    expect(readKommoResponse(200, body, null)).toEqual({ kind: 'failed', error: 'Kommo did not add the call: Entity not found' });
    expect(readKommoResponse(200, '{"_embedded":{"calls":[{"id":1}]}}', null)).toEqual({ kind: 'ok' });
    expect(readKommoResponse(401, '{"title":"Unauthorized","detail":"Token expired"}', null)).toEqual({ kind: 'failed', error: 'HTTP 401: Kommo Token expired' });
  });
});

describe('generic endpoint', () => {
  it('posts the Standard Webhooks envelope of call.ended with the manager, his CRM user id and the client number', () => {
    expectFixture(requestsOf(generic, callEnded(answeredCall, directory('17')), null), 'generic-call-ended');
  });

  it('takes every event its filter lets through', () => {
    const missed = toWebhookEnvelope('call.missed', { callId: 'm', scenario: 's', at: NOW.toISOString() }, directory(null), NOW);
    expect(endpointWants(generic, missed)).toBe(true);
    expect(endpointWants({ ...generic, events: ['call.ended', 'lead.*'] }, missed)).toBe(false);
    expect(endpointWants({ ...generic, events: ['call.*'] }, missed)).toBe(true);
  });
});
