import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvents } from '../../../src/services/domain-events.js';
import { createTestSchema, type TestSchema } from '../../helpers/postgres-schema.js';
import { useTestRedis } from '../../helpers/test-redis.js';
import { raiseCall, startHarness, type Harness } from '../../helpers/webhook-harness.js';
import { waitFor, WebhookReceiver, type ReceivedRequest } from '../../helpers/webhook-receiver.js';

const redis = useTestRedis();
let pg: TestSchema;
const bitrix = new WebhookReceiver();
let harness: Harness;
let registers = 0;
let failNextRegister = false;

const BASE = '/rest/1/t0ken/';
beforeAll(async () => {
  pg = await createTestSchema();
  await bitrix.start();
  // A Bitrix24 portal: register answers a new CALL_ID (or a 500 once when asked); the others {result: true}.
  bitrix.route(`${BASE}telephony.externalcall.register.json`, () => {
    if (failNextRegister) {
      failNextRegister = false;
      return { status: 500, body: '{"error":"INTERNAL_SERVER_ERROR","error_description":"try later"}' };
    }
    registers += 1;
    return { status: 200, body: JSON.stringify({ result: { CALL_ID: `externalCall.${registers}`, CRM_CREATED_LEAD: null } }) };
  });
  bitrix.route(`${BASE}telephony.externalcall.finish.json`, () => ({ status: 200, body: '{"result":{"CALL_ID":"x"}}' }));
  bitrix.route(`${BASE}telephony.externalcall.attachRecord.json`, () => ({ status: 200, body: '{"result":{"uploadUrl":null}}' }));
  harness = await startHarness({
    db: pg.db,
    keyPrefix: redis.prefix,
    webhooks: [{ name: 'b24', kind: 'bitrix24', url: bitrix.url(BASE), defaultUserId: 1, retry: { schedule: [0.1, 0.1, 0.1] } }],
  });
});
afterAll(async () => {
  await harness?.stop();
  await bitrix.stop();
  await pg?.drop();
});

/** Bitrix24's requests about one call: method and parameters, in the order they arrived. */
function callRequests(predicate: (params: Record<string, unknown>) => boolean): { method: string; params: Record<string, unknown> }[] {
  return bitrix.requests
    .map((r: ReceivedRequest) => ({ method: r.path.slice(BASE.length).replace(/\.json$/, ''), params: JSON.parse(r.body) as Record<string, unknown> }))
    .filter((r) => predicate(r.params));
}

const emitRecordingReady = (events: DomainEvents, payload: Record<string, unknown>) =>
  // recording.ready is not in DomainEventMap yet; the dispatcher listens for it by name.
  (events.emit as unknown as (name: string, payload: unknown) => void)('recording.ready', payload);

describe('Bitrix24 delivery', () => {
  it('registers at call start, finishes and attaches the recording with the CALL_ID register returned', async () => {
    raiseCall(harness.events, 'b24-a', '101');
    await waitFor('the finish', () => bitrix.requests.some((r) => r.path.endsWith('finish.json')));
    const [register] = callRequests((p) => p.PHONE_NUMBER === '+79161234567' && p.TYPE === 2);
    const callId = (await pg.db.selectFrom('webhook_crm_calls').select('crm_call_id').where('call_id', '=', 'b24-a').executeTakeFirstOrThrow()).crm_call_id;
    emitRecordingReady(harness.events, { callId: 'b24-a', url: 'https://records.example.com/b24-a.mp3', at: new Date().toISOString() });
    await waitFor('the recording', () => bitrix.requests.some((r) => r.path.endsWith('attachRecord.json')));

    expect(register!.params).toMatchObject({ USER_ID: 17, CRM_CREATE: 1, LINE_NUMBER: '+74951234567' });
    expect(callRequests((p) => p.CALL_ID === callId)).toEqual([
      { method: 'telephony.externalcall.finish', params: { CALL_ID: callId, USER_ID: 17, DURATION: 60, STATUS_CODE: '200' } },
      { method: 'telephony.externalcall.attachRecord', params: { CALL_ID: callId, FILENAME: 'b24-a.mp3', RECORD_URL: 'https://records.example.com/b24-a.mp3' } },
    ]);
    // call.answered is not a Bitrix24 event: no delivery was even logged for it.
    const events = await pg.db.selectFrom('webhook_deliveries').select(['event', 'status']).where('call_id', '=', 'b24-a').orderBy('seq').execute();
    expect(events).toEqual([
      { event: 'call.started', status: 'delivered' },
      { event: 'call.ended', status: 'delivered' },
      { event: 'recording.ready', status: 'delivered' },
    ]);
  });

  it('holds finish back until a retried register has answered its CALL_ID', async () => {
    failNextRegister = true;
    const before = bitrix.requests.length;
    raiseCall(harness.events, 'b24-b', '102');
    await waitFor('both delivered', async () =>
      (await pg.db.selectFrom('webhook_deliveries').select('status').where('call_id', '=', 'b24-b').execute()).filter((r) => r.status === 'delivered').length === 2);
    const methods = bitrix.requests.slice(before).map((r) => r.path.slice(BASE.length));
    expect(methods).toEqual(['telephony.externalcall.register.json', 'telephony.externalcall.register.json', 'telephony.externalcall.finish.json']);
    // Boris has no Bitrix24 user: the endpoint's default user takes his calls.
    expect(JSON.parse(bitrix.requests.at(-1)!.body)).toMatchObject({ CALL_ID: `externalCall.${registers}`, USER_ID: 1 });
  });
});
