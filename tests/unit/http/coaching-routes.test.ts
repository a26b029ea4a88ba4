import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/adapters/http/app.js';
import { MemoryCoachSessions } from '../../../src/adapters/memory/memory-coach-sessions.js';
import { MemoryLeadStore } from '../../../src/adapters/memory/memory-lead-store.js';
import { InMemoryCallStore } from '../../../src/adapters/postgres/in-memory-call-store.js';
import type { NewAudit } from '../../../src/core/recordings/recording-store.port.js';
import { CallerCards } from '../../../src/services/caller-cards.js';
import { LiveCoaching } from '../../../src/services/live-coaching.js';
import { ANNA_TOKEN, BORIS_TOKEN, SUPERVISOR_TOKEN, bearer, testConfig } from '../../helpers/http-app.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n';

async function start() {
  const audits: NewAudit[] = [];
  const leads = new MemoryLeadStore();
  const at = new Date('2026-12-01T10:00:00Z');
  for (const [id, phone, owner] of [
    ['L-1', '+79161234567', '101'],
    ['L-2', '+79167654321', '102'],
    ['L-3', '+79260000000', null],
  ] as const) {
    await leads.upsert({ id, phone, phoneRaw: phone, createdAt: at, receivedAt: at, ownerManager: owner, scenario: null, slaMinutes: 15 });
  }
  const coaching = new LiveCoaching({
    media: {
      publish: async () => 'v=0 answer',
      subscribe: async () => ({ sdp: 'v=0 offer', tag: 't' }),
      answer: async () => {},
      end: async () => {},
    },
    sessions: new MemoryCoachSessions(),
    audit: { audit: async (a) => void audits.push(a) },
    calls: { managerOn: async (callId) => (callId === 'c1' ? { extension: '101', browserPhone: true } : null) },
    log: pino({ level: 'silent' }),
  });
  const base = testConfig();
  const config = { ...base, webphone: { ...base.webphone, enabled: true } };
  app = buildApp({
    config,
    callStore: new InMemoryCallStore(),
    health: [],
    webphoneSecret: 'webphone-secret-for-unit-tests',
    liveCoaching: coaching,
    callerCards: new CallerCards({ leads, defaultRegion: 'RU', leadUrlTemplate: 'https://crm.example.test/lead/{id}' }),
  });
  await app.ready();
  return { audits };
}

const coach = (token: string, body: unknown, callId = 'c1') => app!.inject({ method: 'POST', url: `/api/calls/${callId}/coach`, headers: bearer(token), payload: body as object });

describe('POST /api/calls/:callId/coach', () => {
  it('lets a supervisor whisper, hands the session to the manager on the call only, and refuses (and audits) a manager', async () => {
    const { audits } = await start();
    const refused = await coach(ANNA_TOKEN, { mode: 'whisper', sdp: SDP });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('AUTH.FORBIDDEN');

    const started = await coach(SUPERVISOR_TOKEN, { mode: 'whisper', sdp: SDP });
    expect(started.statusCode).toBe(200);
    expect(started.json()).toMatchObject({ sdp: 'v=0 answer', extension: '101' });
    const { coachId } = started.json();
    expect(audits.map((a) => `${a.action} ${a.who} ${a.role}`)).toEqual(['whisper-refused anna-phone manager', 'whisper floor supervisor']);

    const annaSees = await app!.inject({ url: '/api/phone/coaching', headers: bearer(ANNA_TOKEN) });
    expect(annaSees.headers['cache-control']).toBe('no-store');
    expect(annaSees.json()).toEqual({ sessions: [{ coachId, callId: 'c1', mode: 'whisper', supervisor: 'floor', sdp: 'v=0 offer' }] });
    expect((await app!.inject({ url: '/api/phone/coaching', headers: bearer(BORIS_TOKEN) })).json()).toEqual({ sessions: [] });
    // A supervisor has no browser phone to be coached on.
    expect((await app!.inject({ url: '/api/phone/coaching', headers: bearer(SUPERVISOR_TOKEN) })).statusCode).toBe(403);

    const answer = (token: string) => app!.inject({ method: 'POST', url: `/api/phone/coaching/${coachId}/answer`, headers: bearer(token), payload: { sdp: SDP } });
    expect((await answer(BORIS_TOKEN)).statusCode).toBe(404);
    expect((await answer(ANNA_TOKEN)).statusCode).toBe(204);

    // The manager cannot end it either; the supervisor can.
    expect((await app!.inject({ method: 'DELETE', url: `/api/calls/c1/coach/${coachId}`, headers: bearer(ANNA_TOKEN) })).statusCode).toBe(403);
    expect((await app!.inject({ method: 'DELETE', url: `/api/calls/c1/coach/${coachId}`, headers: bearer(SUPERVISOR_TOKEN) })).statusCode).toBe(204);
    expect((await app!.inject({ url: '/api/phone/coaching', headers: bearer(ANNA_TOKEN) })).json()).toEqual({ sessions: [] });
  });

  it('refuses an unknown mode, a missing SDP and a malformed coach id with 400, and a call nobody talks on with 404', async () => {
    await start();
    expect((await coach(SUPERVISOR_TOKEN, { mode: 'listen', sdp: SDP })).statusCode).toBe(400);
    expect((await coach(SUPERVISOR_TOKEN, { mode: 'barge' })).statusCode).toBe(400);
    expect((await app!.inject({ method: 'DELETE', url: '/api/calls/c1/coach/..%2F..', headers: bearer(SUPERVISOR_TOKEN) })).statusCode).toBe(400);
    const gone = await coach(SUPERVISOR_TOKEN, { mode: 'barge', sdp: SDP }, 'no-such-call');
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.code).toBe('COACH.NO_CALL');
  });
});

describe('GET /api/phone/caller', () => {
  const caller = (token: string, number: string) => app!.inject({ url: `/api/phone/caller?number=${encodeURIComponent(number)}`, headers: bearer(token) });

  it("shows the manager the number as people read it and his lead, or a lead nobody owns, but not a colleague's", async () => {
    await start();
    expect((await caller(ANNA_TOKEN, '79161234567')).json()).toEqual({
      number: '+7 916 123 45 67',
      e164: '+79161234567',
      lead: { id: 'L-1', url: 'https://crm.example.test/lead/L-1' },
    });
    expect((await caller(ANNA_TOKEN, '8 (926) 000-00-00')).json().lead).toEqual({ id: 'L-3', url: 'https://crm.example.test/lead/L-3' });
    expect((await caller(ANNA_TOKEN, '+79167654321')).json()).toMatchObject({ e164: '+79167654321', lead: null });
    expect((await caller(BORIS_TOKEN, '+79167654321')).json().lead?.id).toBe('L-2');
    // An extension is shown as it came, with no lead.
    expect((await caller(ANNA_TOKEN, '102')).json()).toEqual({ number: '102', e164: null, lead: null });
  });

  it('is for managers only, and refuses an overlong number', async () => {
    await start();
    expect((await caller(SUPERVISOR_TOKEN, '79161234567')).statusCode).toBe(403);
    expect((await caller(ANNA_TOKEN, '7'.repeat(65))).statusCode).toBe(400);
    expect((await app!.inject({ url: '/api/phone/caller?number=79161234567' })).statusCode).toBe(401);
  });
});
