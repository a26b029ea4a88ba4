import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll } from 'vitest';
import type { ManagerKpi } from '../../src/core/kpi/manager-kpi.js';
import { KPI_CALLBACK_TASKS, KPI_CALLS, KPI_LEADS } from './kpi-fixture.js';
import { createTestSchema, type TestSchema } from './postgres-schema.js';

/** The shared KPI fixture (kpi-fixture.ts) in PostgreSQL, and the KPI views read back as the console's rows. */

/** The shared fixture as rows, written with plain inserts: the views read the tables, not the stores. */
async function insertKpiFixture(db: Kysely<any>): Promise<void> {
  for (const c of KPI_CALLS) {
    await sql`insert into calls (call_id, direction, caller_number, callee_number, manager, started_at, ended_at,
        ring_seconds, talk_seconds, disposition)
      values (${c.callId}, ${c.direction}, '79160000000', '74950000000', ${c.manager}, ${c.startedAt}, ${c.startedAt},
        0, ${c.talkSeconds}, ${c.disposition})`.execute(db);
    for (const [seq, a] of c.attempts.entries()) {
      await sql`insert into call_attempts (call_id, seq, manager, target, started_at, result)
        values (${c.callId}, ${seq}, ${a.manager}, ${`sip:${a.manager}@pbx`}, ${c.startedAt}, ${a.result})`.execute(db);
    }
  }
  for (const [i, l] of KPI_LEADS.entries()) {
    await sql`insert into leads (id, phone_e164, phone_raw, created_at, received_at, owner_manager, sla_minutes, first_dial_seconds)
      values (${`lead-${i}`}, '+79160000000', '8 916 000-00-00', ${l.createdAt}, ${l.createdAt}, ${l.ownerManager}, ${l.slaMinutes},
        ${l.firstDialSeconds})`.execute(db);
  }
  for (const [i, t] of KPI_CALLBACK_TASKS.entries()) {
    await sql`insert into callback_tasks (call_id, scenario, client_number, company_number, manager, reason, created_at, done_at)
      values (${`missed-${i}`}, 'sales', '79160000000', '74950000000', ${t.manager}, 'no-answer', ${t.createdAt}, ${t.doneAt})`.execute(db);
  }
}

/** The three views' rows for one day, merged into the console's rows (views give numeric as strings). */
export async function viewsForDay(db: Kysely<any>, day: string): Promise<ManagerKpi[]> {
  return db.transaction().execute(async (trx) => {
    // The fixture's day is a UTC day; a BI tool would set its own zone the same way.
    await sql`set local time zone 'UTC'`.execute(trx);
    const calls = await sql<Record<string, any>>`select * from kpi_manager_calls_daily where day = ${day}::date`.execute(trx);
    const leads = await sql<Record<string, any>>`select * from kpi_manager_leads_daily where day = ${day}::date`.execute(trx);
    const callbacks = await sql<Record<string, any>>`select * from kpi_manager_callbacks_daily where day = ${day}::date`.execute(trx);
    const managers = new Set<string | null>([...calls.rows, ...leads.rows, ...callbacks.rows].map((r) => r.manager as string | null));
    const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
    return [...managers].map((manager): ManagerKpi => {
      const c = calls.rows.find((r) => r.manager === manager);
      const l = leads.rows.find((r) => r.manager === manager);
      const b = callbacks.rows.find((r) => r.manager === manager);
      return {
        manager,
        leadsReceived: l?.leads ?? 0,
        firstDialMedianSeconds: num(l?.first_dial_median_seconds),
        shareDialledWithinSla: num(l?.share_within_sla),
        shareLeadsCalled: num(l?.share_called),
        inboundOffered: c?.inbound_offered ?? 0,
        inboundAnswered: c?.inbound_answered ?? 0,
        inboundMissed: c?.inbound_missed ?? 0,
        answerRate: num(c?.answer_rate),
        outboundCalls: c?.outbound_calls ?? 0,
        outboundConnected: c?.outbound_connected ?? 0,
        talkSeconds: num(c?.talk_seconds) ?? 0,
        averageCallSeconds: num(c?.average_call_seconds),
        callbacksOwed: b?.callbacks_owed ?? 0,
        callbackMedianSeconds: num(b?.callback_median_seconds),
      };
    });
  });
}

/**
 * Rows with figures only: the callbacks view has a row for every manager with tasks on
 * every day (callbacks owed is a running figure), the console only for managers with facts.
 */
export const byManager = (rows: ManagerKpi[]) =>
  new Map(rows.filter((r) => Object.entries(r).some(([k, v]) => k !== 'manager' && v !== null && v !== 0)).map((r) => [r.manager, r]));

/** A schema of its own holding the shared fixture for the test file (made before its tests, dropped after). */
export function kpiFixtureInPostgres(): { readonly db: TestSchema['db'] } {
  let pg: TestSchema | undefined;
  beforeAll(async () => {
    pg = await createTestSchema();
    await insertKpiFixture(pg.db);
  });
  afterAll(async () => {
    await pg?.drop();
  });
  return {
    get db() {
      if (!pg) throw new Error('the KPI fixture schema is made in beforeAll: use it inside a test');
      return pg.db;
    },
  };
}
