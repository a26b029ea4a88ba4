import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { AttemptResult } from '../../core/calls/call-record.js';
import type { KpiFactSource } from '../../core/kpi/kpi-facts.port.js';
import type { KpiCall, KpiCallbackTask, KpiFacts } from '../../core/kpi/manager-kpi.js';
import type { Database } from './database.js';
import { PostgresLeadStore } from './lead-store.js';

/**
 * The KPI report's facts from the base tables, for a whole range at once (the report's
 * period and its trailing periods); the core slices them. Read in one repeatable-read
 * transaction, so a call written between two reads cannot show in one and not the other.
 * Memory grows with the range: a day with seven trailing days is eight days of calls.
 */
export class PostgresKpiFacts implements KpiFactSource {
  constructor(private readonly db: Database) {}

  async read(from: Date, to: Date): Promise<KpiFacts> {
    return this.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute(async (trx) => {
        const calls = await trx
          .selectFrom('calls as c')
          .select(['c.call_id', 'c.direction', 'c.manager', 'c.disposition', 'c.talk_seconds', 'c.started_at'])
          // The attempts as one JSON array per call, in the same query: no query per call.
          .select((eb) =>
            jsonArrayFrom(eb.selectFrom('call_attempts as a').select(['a.manager', 'a.result']).whereRef('a.call_id', '=', 'c.call_id').orderBy('a.seq')).as(
              'attempts',
            ),
          )
          .where('c.started_at', '>=', from)
          .where('c.started_at', '<', to)
          // Manager to manager calls are not sales work; the core would skip them anyway.
          .where('c.direction', '<>', 'internal')
          .execute();
        const leads = await new PostgresLeadStore(trx).statsLeads(from, to);
        const tasks = await trx
          .selectFrom('callback_tasks')
          .select(['manager', 'created_at', 'done_at'])
          .where('created_at', '<', to)
          .where((eb) => eb.or([eb('done_at', 'is', null), eb('done_at', '>=', from)]))
          .execute();
        return {
          calls: calls.map(
            (r): KpiCall => ({
              callId: r.call_id,
              direction: r.direction,
              manager: r.manager,
              disposition: r.disposition,
              talkSeconds: Number(r.talk_seconds),
              startedAt: r.started_at,
              attempts: r.attempts.map((a) => ({ manager: a.manager, result: a.result as AttemptResult })),
            }),
          ),
          leads,
          callbackTasks: tasks.map((t): KpiCallbackTask => ({ manager: t.manager, createdAt: t.created_at, doneAt: t.done_at })),
        };
      });
  }
}
