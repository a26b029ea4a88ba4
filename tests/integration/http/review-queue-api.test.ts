import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresCallStore } from '../../../src/adapters/postgres/call-store.js';
import { PostgresCallbackTaskStore } from '../../../src/adapters/postgres/callback-task-store.js';
import { PostgresConversationFacts } from '../../../src/adapters/postgres/conversation-facts.js';
import { PostgresKpiFacts } from '../../../src/adapters/postgres/kpi-facts.js';
import { PostgresReviewStore } from '../../../src/adapters/postgres/review-store.js';
import { PostgresRecordingIndex } from '../../../src/adapters/recordings/postgres-recording-index.js';
import { ConversationReport } from '../../../src/services/conversation-report.js';
import { KpiReport } from '../../../src/services/kpi-report.js';
import { ReviewQueue } from '../../../src/services/review-queue.js';
import { makeCall } from '../../helpers/call-records.js';
import { ANNA_TOKEN, SUPERVISOR_TOKEN, TEST_TOKEN as TEST_TOKEN_ADMIN, bearer, buildTestApp, testConfig } from '../../helpers/http-app.js';
import { createTestSchema, type TestSchema } from '../../helpers/postgres-schema.js';

/** The review queue over PostgreSQL: drawn once per finished day, weak managers twice, scored on the checklist, audited. */
const NOW = Date.parse('2026-12-03T10:00:00Z');
const DAY = '2026-12-02';
const CHECKLIST = ['greeting', 'needs found out', 'next step agreed'];

let pg: TestSchema;
let app: FastifyInstance;

beforeAll(async () => {
  pg = await createTestSchema();
  const config = testConfig();
  const calls = new PostgresCallStore(pg.db);
  const recordings = new PostgresRecordingIndex(pg.db);
  for (const manager of ['101', '102']) {
    for (let i = 0; i < 10; i++) {
      const startedAt = new Date(`${DAY}T${String(9 + i).padStart(2, '0')}:00:00Z`);
      const call = makeCall({ callId: `${manager}-${i}@pbx`, manager, startedAt, talkSeconds: i === 0 ? 5 : 120, attempts: [] });
      await calls.saveCalls([call]);
      await recordings.insertPending({ callId: call.callId, format: 'mp3', pcapPath: null, callerAddress: null, manager, callerNumber: call.callerNumber, calleeNumber: call.calleeNumber, direction: 'inbound', startedAt });
      await recordings.markStored(call.callId, { storageKey: `k/${call.callId}`, bytes: 1, checksum: 'ab'.repeat(32), durationSeconds: 60 });
    }
  }
  // Boris still owes a callback at the day's end: weak that day.
  await new PostgresCallbackTaskStore(pg.db).add({ callId: 'missed@pbx', scenario: 's', clientNumber: '79160000001', companyNumber: '74951234567', manager: '102', reason: 'x', createdAt: new Date(`${DAY}T08:00:00Z`) });
  const clock = () => NOW;
  const store = new PostgresReviewStore(pg.db);
  ({ app } = await buildTestApp({
    config,
    reviews: new ReviewQueue({ store, kpi: new KpiReport({ facts: new PostgresKpiFacts(pg.db), config, clock }), timezone: 'UTC', perManager: 3, checklist: CHECKLIST, clock }),
    conversations: new ConversationReport({ facts: new PostgresConversationFacts(pg.db), reviews: store, managers: config.managers, timezone: 'UTC', clock }),
  }));
});

afterAll(async () => {
  await app?.close();
  await pg?.drop();
});

describe('GET /api/reviews', () => {
  it("draws a finished day's queue once: the weak manager twice the calls, each reason named, and audits the draw", async () => {
    const first = await app.inject({ url: `/api/reviews?day=${DAY}`, headers: bearer(SUPERVISOR_TOKEN) });
    expect(first.statusCode).toBe(200);
    const body = first.json();
    expect(body.checklist).toEqual(CHECKLIST);
    const by = (m: string) => body.items.filter((i: { manager: string }) => i.manager === m);
    expect(by('101')).toHaveLength(3);
    expect(by('102')).toHaveLength(6);
    expect(by('102').every((i: { reasons: string[] }) => i.reasons.includes('weak-manager'))).toBe(true);
    expect(body.items.find((i: { callId: string }) => i.callId === '101-0@pbx')?.reasons ?? ['short-call']).toContain('short-call');

    const again = (await app.inject({ url: `/api/reviews?day=${DAY}`, headers: bearer(TEST_TOKEN_ADMIN) })).json();
    expect(again.items).toEqual(body.items);
    const audit = await sql<{ action: string; who: string }>`select action, who from review_audit`.execute(pg.db);
    expect(audit.rows).toEqual([{ action: 'pick', who: 'floor' }]);
  });

  it('refuses a manager, and a day that is not over', async () => {
    expect((await app.inject({ url: `/api/reviews?day=${DAY}`, headers: bearer(ANNA_TOKEN) })).statusCode).toBe(403);
    const today = await app.inject({ url: '/api/reviews?day=2026-12-03', headers: bearer(SUPERVISOR_TOKEN) });
    expect(today.statusCode).toBe(400);
    expect(today.json().error.message).toMatch(/not over yet/);
  });
});

describe('POST /api/reviews/:callId', () => {
  const score = (callId: string, body: unknown, token = SUPERVISOR_TOKEN) =>
    app.inject({ method: 'POST', url: `/api/reviews/${encodeURIComponent(callId)}`, headers: bearer(token), payload: body as object });

  it('scores a picked call on the checklist with a note, audited, and the score reaches the manager\'s row', async () => {
    const picked = (await app.inject({ url: `/api/reviews?day=${DAY}`, headers: bearer(SUPERVISOR_TOKEN) })).json().items.find((i: { manager: string }) => i.manager === '101');
    const res = await score(picked.callId, { marks: { greeting: true, 'needs found out': false, 'next step agreed': true }, note: ' no budget asked ' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ callId: picked.callId, score: 2 / 3, note: 'no budget asked', reviewer: 'floor', reviewedAt: new Date(NOW).toISOString() });
    const audit = await sql<{ action: string; call_id: string }>`select action, call_id from review_audit where action = 'score'`.execute(pg.db);
    expect(audit.rows).toEqual([{ action: 'score', call_id: picked.callId }]);
    const rows = (await app.inject({ url: `/api/conversations?from=${DAY}&to=${DAY}`, headers: bearer(SUPERVISOR_TOKEN) })).json().rows;
    expect(rows.find((r: { manager: string }) => r.manager === '101')).toMatchObject({ reviewed: 1 });
    expect(rows.find((r: { manager: string }) => r.manager === '101').reviewScoreAverage).toBeCloseTo(2 / 3, 6);
  });

  it('refuses marks that miss or add checklist items (400), an unpicked call (404) and a manager (403)', async () => {
    const missing = await score('101-1@pbx', { marks: { greeting: true } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.message).toMatch(/missing: needs found out, next step agreed/);
    expect((await score('101-1@pbx', { marks: { greeting: true, 'needs found out': true, 'next step agreed': true, extra: true } })).statusCode).toBe(400);
    expect((await score('101-1@pbx', { marks: { greeting: 'yes' } })).statusCode).toBe(400);
    const all = { greeting: true, 'needs found out': true, 'next step agreed': true };
    expect((await score('not-picked@pbx', { marks: all })).statusCode).toBe(404);
    expect((await score('101-1@pbx', { marks: all }, ANNA_TOKEN)).statusCode).toBe(403);
  });
});
