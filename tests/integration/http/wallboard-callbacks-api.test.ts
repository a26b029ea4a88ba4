import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresCallStore } from '../../../src/adapters/postgres/call-store.js';
import { PostgresCallbackTaskStore } from '../../../src/adapters/postgres/callback-task-store.js';
import { PostgresWallboardFacts } from '../../../src/adapters/postgres/wallboard-facts.js';
import type { CallRecord } from '../../../src/core/calls/call-record.js';
import { CallbackDesk } from '../../../src/services/callback-desk.js';
import type { RoutingConsole } from '../../../src/services/routing-console.js';
import { Wallboard } from '../../../src/services/wallboard.js';
import { makeCall } from '../../helpers/call-records.js';
import { CONSOLE_ACCOUNTS } from '../../helpers/console-accounts.js';
import { ANNA_TOKEN, BORIS_TOKEN, SUPERVISOR_TOKEN, TEST_TOKEN, bearer, buildTestApp, testConfig } from '../../helpers/http-app.js';
import { createTestSchema, type TestSchema } from '../../helpers/postgres-schema.js';

/**
 * GET /api/wallboard and /api/callbacks over the real PostgreSQL adapters: the figures
 * against calls written by the real call store in a Moscow working day, and who may see
 * and reassign which callback task.
 */

// 13:00 in Moscow on a Thursday.
const NOW = Date.parse('2026-12-03T10:00:00Z');
const TZ = 'Europe/Moscow';
const SALES = '+74951234567';
const SERVICE = '+74957654321';

let pg: TestSchema;
let app: FastifyInstance;

const routing: Pick<RoutingConsole, 'managers' | 'waiting' | 'scenarios'> = {
  managers: async () =>
    (['available', 'on-call', 'paused'] as const).map((status, i) => ({
      extension: String(101 + i), name: `m${i}`, status, since: new Date(NOW).toISOString(), pauseReason: null, callIds: [], consecutiveMisses: 0, callsToday: 0, talkSecondsToday: 0, answerScore: 1,
    })),
  waiting: async () => [
    { scenario: 'sales', calls: [{ callId: 'w1', callerNumber: '79160000009', companyNumber: SALES, step: 0, priority: false, waitingSeconds: 0, since: new Date(NOW - 95_000).toISOString() }] },
  ],
  scenarios: () => ({ active: [{ file: 'sales.yaml', name: 'sales', numbers: [SALES], open: true }, { file: 'service.yaml', name: 'service', numbers: [SERVICE], open: true }], errors: [] }),
};

/** An inbound call at a Moscow local time that waited `wait` s. */
function inbound(local: string, line: string, wait: number, disposition: CallRecord['disposition']): CallRecord {
  const startedAt = new Date(`${local}+03:00`);
  const answered = disposition === 'answered';
  return makeCall({
    companyNumber: line,
    calleeNumber: line,
    startedAt,
    answeredAt: answered ? new Date(startedAt.getTime() + wait * 1000) : null,
    endedAt: new Date(startedAt.getTime() + wait * 1000 + (answered ? 30_000 : 0)),
    ringSeconds: wait,
    talkSeconds: answered ? 30 : 0,
    disposition,
    manager: answered ? '101' : null,
    attempts: [],
  });
}

beforeAll(async () => {
  pg = await createTestSchema();
  const config = testConfig();
  config.routing.timezone = TZ;
  config.console.wallboard.serviceLevelSeconds = 15;
  config.console.callbackSlaMinutes = 30;
  const store = new PostgresCallStore(pg.db);
  await store.saveCalls([
    inbound('2026-12-03T09:10:00', SALES, 5, 'answered'),
    inbound('2026-12-03T09:20:00', SALES, 15, 'answered'),
    inbound('2026-12-03T09:30:00', SALES, 40, 'answered'),
    inbound('2026-12-03T10:05:00', SALES, 25, 'cancelled'),
    inbound('2026-12-03T11:00:00', SERVICE, 60, 'missed'),
    inbound('2026-12-03T12:59:00', '+74990000000', 2, 'answered'),
    // Yesterday late evening in Moscow (but 2026-12-03 in UTC+0 is not today here): not counted.
    inbound('2026-12-02T23:59:00', SALES, 1, 'answered'),
    // Outbound: never on the wallboard.
    { ...inbound('2026-12-03T09:15:00', SALES, 3, 'answered'), direction: 'outbound' },
    // Same weekday last week (3 calls at 9 h, 1 at 10 h) and two weeks ago (1 at 9 h).
    inbound('2026-11-26T09:01:00', SALES, 1, 'answered'),
    inbound('2026-11-26T09:02:00', SALES, 1, 'answered'),
    inbound('2026-11-26T09:03:00', SALES, 1, 'missed'),
    inbound('2026-11-26T10:03:00', SALES, 1, 'answered'),
    inbound('2026-11-19T09:30:00', SALES, 1, 'answered'),
  ]);
  const tasks = new PostgresCallbackTaskStore(pg.db);
  const task = (callId: string, manager: string | null, minutesAgo: number, client: string) =>
    tasks.add({ callId, scenario: 'sales', clientNumber: client, companyNumber: SALES, manager, reason: 'no manager answered', createdAt: new Date(NOW - minutesAgo * 60_000) });
  await task('missed-a1', '101', 45, '+79161110001');
  await task('missed-a2', '101', 10, '+79161110002');
  await task('missed-b1', '102', 20, '+79161110003');
  await task('missed-none', null, 5, '+79161110004');
  await task('missed-done', '101', 50, '+79161110005');
  await tasks.closeFor('+79161110005', 'callback-x', new Date(NOW - 40 * 60_000));

  const clock = () => NOW;
  ({ app } = await buildTestApp({
    config,
    wallboard: new Wallboard({ facts: new PostgresWallboardFacts(pg.db), routing, config: { timezone: TZ, ...config.console.wallboard }, clock }),
    callbacks: new CallbackDesk({ tasks, managers: config.managers, slaMinutes: config.console.callbackSlaMinutes, clock }),
  }));
});

afterAll(async () => {
  await app?.close();
  await pg?.drop();
});

describe('GET /api/wallboard', () => {
  it("gives today's figures per line and for the team, in routing.timezone's day, with the configured service level", async () => {
    const res = await app.inject({ url: '/api/wallboard', headers: bearer(BORIS_TOKEN) });
    expect(res.statusCode).toBe(200);
    const board = res.json();
    expect(board).toMatchObject({ date: '2026-12-03', timezone: TZ, serviceLevelSeconds: 15 });
    expect(board.team).toEqual({
      offered: 6,
      answered: 4,
      answeredWithinSl: 3,
      serviceLevel: 0.5,
      missed: 1,
      abandoned: 1,
      abandonRate: 1 / 6,
      averageWaitSeconds: (5 + 15 + 40 + 2) / 4,
      // The caller waiting now for 95 s waited longer than any finished call (60 s).
      longestWaitSeconds: 95,
      waitingNow: 1,
      longestWaitingNowSeconds: 95,
    });
    const byName = Object.fromEntries(board.lines.map((l: { name: string | null }) => [String(l.name), l]));
    expect(byName.sales).toMatchObject({ numbers: [SALES], offered: 4, answered: 3, answeredWithinSl: 2, abandoned: 1, missed: 0, waitingNow: 1 });
    expect(byName.service).toMatchObject({ offered: 1, missed: 1, answered: 0, serviceLevel: 0, longestWaitSeconds: 60 });
    expect(byName.null).toMatchObject({ numbers: ['+74990000000'], offered: 1, answered: 1 });
    expect(board.managers).toEqual({ available: 1, ringing: 0, 'on-call': 1, 'wrap-up': 0, paused: 1, offline: 0 });
  });

  it('charts today by local hour against the average of the same weekday of the previous weeks that had calls', async () => {
    const { hourly } = (await app.inject({ url: '/api/wallboard', headers: bearer(SUPERVISOR_TOKEN) })).json();
    expect(hourly.today.slice(9, 13)).toEqual([3, 1, 1, 1]);
    expect(hourly.sameWeekdayAverage[9]).toBe(2);
    expect(hourly.sameWeekdayAverage[10]).toBe(0.5);
    expect(hourly.daysAveraged).toEqual(['2026-11-19', '2026-11-26']);
  });

  it('needs a caller', async () => {
    expect((await app.inject({ url: '/api/wallboard' })).statusCode).toBe(401);
  });
});

const ids = (body: { items: { callId: string }[] }) => body.items.map((t) => t.callId);

describe('GET /api/callbacks', () => {
  it('lists every open task, oldest first, with owner name, age and SLA, to a supervisor', async () => {
    const res = await app.inject({ url: '/api/callbacks', headers: bearer(SUPERVISOR_TOKEN) });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.slaMinutes).toBe(30);
    expect(ids(body)).toEqual(['missed-a1', 'missed-b1', 'missed-a2', 'missed-none']);
    expect(body.items[0]).toMatchObject({ manager: '101', managerName: 'Anna', ageSeconds: 45 * 60, overdue: true, dueAt: new Date(NOW - 15 * 60_000).toISOString(), clientNumber: '79161110001' });
    expect(body.items[1]).toMatchObject({ manager: '102', managerName: 'Boris', overdue: false });
    expect(body.items[3]).toMatchObject({ manager: null, managerName: null });
  });

  it("shows a manager only his own tasks, whatever manager he asks for", async () => {
    expect(ids((await app.inject({ url: '/api/callbacks', headers: bearer(ANNA_TOKEN) })).json())).toEqual(['missed-a1', 'missed-a2']);
    expect(ids((await app.inject({ url: '/api/callbacks?manager=102', headers: bearer(ANNA_TOKEN) })).json())).toEqual(['missed-a1', 'missed-a2']);
    expect(ids((await app.inject({ url: '/api/callbacks?manager=102', headers: bearer(SUPERVISOR_TOKEN) })).json())).toEqual(['missed-b1']);
  });

  it('refuses a hostile manager filter fast', async () => {
    const res = await app.inject({ url: `/api/callbacks?manager=${'9'.repeat(5000)}`, headers: bearer(SUPERVISOR_TOKEN) });
    expect(res.statusCode).toBe(400);
  });
});

describe('POST /api/callbacks/:callId/assign', () => {
  const assign = (callId: string, manager: unknown, headers: Record<string, string>) =>
    app.inject({ method: 'POST', url: `/api/callbacks/${encodeURIComponent(callId)}/assign`, headers, payload: { manager } });

  it('lets a supervisor give a task to another manager, remembering from whom and by whom', async () => {
    const res = await assign('missed-a2', '102', bearer(SUPERVISOR_TOKEN));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ callId: 'missed-a2', manager: '102', managerName: 'Boris', reassignedFrom: '101', reassignedBy: 'floor', reassignedAt: new Date(NOW).toISOString() });
    expect(ids((await app.inject({ url: '/api/callbacks', headers: bearer(BORIS_TOKEN) })).json())).toEqual(['missed-b1', 'missed-a2']);
    expect(ids((await app.inject({ url: '/api/callbacks', headers: bearer(ANNA_TOKEN) })).json())).toEqual(['missed-a1']);
    // An admin may too; an unowned task gets an owner.
    expect((await assign('missed-none', '101', bearer(TEST_TOKEN))).json()).toMatchObject({ manager: '101', reassignedFrom: null, reassignedBy: 'crm' });
  });

  it('refuses a manager, even for his own task', async () => {
    const res = await assign('missed-a1', '102', bearer(ANNA_TOKEN));
    expect(res.statusCode).toBe(403);
    const stored = await pg.db.selectFrom('callback_tasks').select('manager').where('call_id', '=', 'missed-a1').executeTakeFirstOrThrow();
    expect(stored.manager).toBe('101');
  });

  it('refuses an unknown manager (400), an unknown task (404) and a task already called back (409)', async () => {
    expect((await assign('missed-a1', '999', bearer(SUPERVISOR_TOKEN))).statusCode).toBe(400);
    expect((await assign('missed-a1', 7, bearer(SUPERVISOR_TOKEN))).statusCode).toBe(400);
    expect((await assign("nope' or 1=1 --", '102', bearer(SUPERVISOR_TOKEN))).statusCode).toBe(404);
    const closed = await assign('missed-done', '102', bearer(SUPERVISOR_TOKEN));
    expect(closed.statusCode).toBe(409);
    expect(closed.json().error.code).toBe('CALLBACK.CLOSED');
    const row = await sql<{ manager: string; done_at: Date | null }>`select manager, done_at from callback_tasks where call_id = 'missed-done'`.execute(pg.db);
    expect(row.rows[0]).toMatchObject({ manager: '101' });
    expect(row.rows[0]!.done_at).not.toBeNull();
  });
});

describe('GET /api/console/settings and the account language', () => {
  it("gives every role the time zone, pause reasons, SLAs and managers' names", async () => {
    const res = await app.inject({ url: '/api/console/settings', headers: bearer(ANNA_TOKEN) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      timezone: TZ,
      defaultRegion: 'RU',
      pauseReasons: ['break', 'lunch', 'training', 'meeting', 'paperwork'],
      callbackSlaMinutes: 30,
      serviceLevelSeconds: 15,
      managers: [{ extension: '101', name: 'Anna' }, { extension: '102', name: 'Boris' }],
      leadUrlTemplate: null,
    });
  });

  it("says an account's language at sign-in (null: the browser's)", async () => {
    const res = await app.inject({ method: 'POST', url: '/api/session', payload: { login: 'anna', password: CONSOLE_ACCOUNTS.anna.password } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ login: 'anna', language: null });
  });
});
