import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The manager KPI table as SQL views, for BI tools. They give the same figures as
 * src/core/kpi/manager-kpi.ts for a day (tests/integration/postgres/kpi-views.test.ts
 * holds them to it), so a definition changed there must change here, in a new migration.
 *
 * Days are cut in the session's TimeZone: a BI tool sets it per connection
 * (`set time zone 'Europe/Moscow'`) and gets its own days. Views over the base tables,
 * not materialised: the figures must match the console to the call, not to the last refresh.
 */

const TZ = sql`current_setting('TimeZone')`;

export const migration0006KpiViews: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`create view kpi_manager_calls_daily as
      with offered as (
        -- A manager was offered an inbound call if it rang him (any attempt) or he answered it;
        -- union, so a manager rung twice on one call counts once.
        select a.call_id, a.manager from call_attempts a where a.manager is not null
        union
        select c.call_id, c.manager from calls c where c.disposition = 'answered' and c.manager is not null
      ),
      inbound as (
        select o.manager, (c.started_at at time zone ${TZ})::date as day,
          count(*)::int as offered,
          count(*) filter (where c.disposition = 'answered' and c.manager = o.manager)::int as answered
        from offered o join calls c on c.call_id = o.call_id
        where c.direction = 'inbound'
        group by 1, 2
      ),
      handled as (
        -- Calls he placed, and calls he talked on; internal calls are not sales work.
        select c.manager, (c.started_at at time zone ${TZ})::date as day,
          count(*) filter (where c.direction = 'outbound')::int as outbound_calls,
          count(*) filter (where c.direction = 'outbound' and c.disposition = 'answered')::int as outbound_connected,
          coalesce(sum(c.talk_seconds) filter (where c.disposition = 'answered'), 0) as talk_seconds,
          count(*) filter (where c.disposition = 'answered')::int as talks
        from calls c
        where c.manager is not null and (c.direction = 'outbound' or (c.direction = 'inbound' and c.disposition = 'answered'))
        group by 1, 2
      )
      select coalesce(i.manager, h.manager) as manager,
        coalesce(i.day, h.day) as day,
        coalesce(i.offered, 0) as inbound_offered,
        coalesce(i.answered, 0) as inbound_answered,
        coalesce(i.offered - i.answered, 0) as inbound_missed,
        i.answered::float8 / nullif(i.offered, 0) as answer_rate,
        coalesce(h.outbound_calls, 0) as outbound_calls,
        coalesce(h.outbound_connected, 0) as outbound_connected,
        coalesce(h.talk_seconds, 0)::numeric(14, 3) as talk_seconds,
        round(h.talk_seconds / nullif(h.talks, 0), 3) as average_call_seconds
      from inbound i full join handled h on h.manager = i.manager and h.day = i.day`.execute(db);

    await sql`create view kpi_manager_leads_daily as
      select owner_manager as manager,
        (created_at at time zone ${TZ})::date as day,
        count(*)::int as leads,
        count(first_dial_seconds)::int as dialled,
        count(*) filter (where first_dial_seconds is null and created_at + sla_minutes * interval '1 minute' > now())::int as pending,
        count(*) filter (where first_dial_seconds <= sla_minutes * 60)::int as within_sla,
        round(percentile_cont(0.5) within group (order by first_dial_seconds)::numeric, 3) as first_dial_median_seconds,
        count(*) filter (where first_dial_seconds <= sla_minutes * 60)::float8
          / nullif(count(*) filter (where not (first_dial_seconds is null and created_at + sla_minutes * interval '1 minute' > now())), 0)
          as share_within_sla,
        count(first_dial_seconds)::float8 / count(*) as share_called
      from leads
      group by 1, 2`.execute(db);

    await sql`create view kpi_manager_callbacks_daily as
      with days as (
        select d::date as day
        from generate_series(
          (select min((created_at at time zone ${TZ})::date) from callback_tasks),
          (now() at time zone ${TZ})::date,
          interval '1 day') d
      ),
      grid as (
        select m.manager, days.day, (days.day + 1)::timestamp at time zone ${TZ} as day_end
        from (select distinct manager from callback_tasks) m cross join days
      )
      select g.manager, g.day,
        count(t.call_id) filter (where (t.created_at at time zone ${TZ})::date = g.day)::int as callbacks_created,
        count(t.call_id) filter (where (t.created_at at time zone ${TZ})::date = g.day and t.done_at is not null)::int as callbacks_done,
        count(t.call_id) filter (where t.done_at is null or t.done_at >= g.day_end)::int as callbacks_owed,
        round((percentile_cont(0.5) within group (order by extract(epoch from t.done_at - t.created_at))
          filter (where (t.created_at at time zone ${TZ})::date = g.day and t.done_at is not null))::numeric, 3) as callback_median_seconds
      from grid g
      left join callback_tasks t on t.manager is not distinct from g.manager and t.created_at < g.day_end
      group by g.manager, g.day`.execute(db);

    await comment(db);
  },

  async down(db: Kysely<unknown>) {
    await sql`drop view kpi_manager_callbacks_daily`.execute(db);
    await sql`drop view kpi_manager_leads_daily`.execute(db);
    await sql`drop view kpi_manager_calls_daily`.execute(db);
  },
};

/** The definitions, where a BI tool shows them (docs/kpi.md says the same at more length). */
const COMMENTS: Record<string, { view: string; columns: Record<string, string> }> = {
  kpi_manager_calls_daily: {
    view: 'Per manager per day (session TimeZone) of call start: inbound and outbound work. Internal calls are left out. Same figures as the supervisor console.',
    columns: {
      manager: 'Manager extension.',
      day: 'Day the calls started on, in the session TimeZone.',
      inbound_offered: 'Inbound calls that rang the manager (any ring attempt) or that he answered; a call rung twice counts once.',
      inbound_answered: 'Of those, calls he answered.',
      inbound_missed: 'inbound_offered - inbound_answered: answered by a colleague or by nobody.',
      answer_rate: 'inbound_answered / inbound_offered; null when nothing was offered.',
      outbound_calls: 'Outbound calls he placed.',
      outbound_connected: 'Of those, calls the client answered.',
      talk_seconds: 'Talk seconds of his answered inbound and connected outbound calls.',
      average_call_seconds: 'talk_seconds / (inbound_answered + outbound_connected), 3 decimals; null when he talked on none.',
    },
  },
  kpi_manager_leads_daily: {
    view: 'Per lead owner per day (session TimeZone) of lead creation: first-dial speed. A row with a null manager holds unowned leads. Same figures as the supervisor console.',
    columns: {
      manager: 'Owner extension; null for unowned leads.',
      day: 'Day the leads were created on, in the session TimeZone.',
      leads: 'Leads created that day.',
      dialled: 'Of those, leads dialled by now, by anyone.',
      pending: 'Not dialled, SLA deadline still ahead: left out of share_within_sla.',
      within_sla: 'Dialled within their SLA (first_dial_seconds <= sla_minutes * 60).',
      first_dial_median_seconds: 'percentile_cont(0.5) of first_dial_seconds over the dialled leads, 3 decimals.',
      share_within_sla: 'within_sla / (leads - pending); a lead never dialled by its deadline counts against it.',
      share_called: 'dialled / leads.',
    },
  },
  kpi_manager_callbacks_daily: {
    view: 'Per manager per day (session TimeZone), from the first callback task to today: callbacks owed for missed calls and time to callback. Same figures as the supervisor console.',
    columns: {
      manager: 'Manager the callback task is assigned to; null for unassigned tasks.',
      day: 'Day, in the session TimeZone.',
      callbacks_created: 'Callback tasks created that day (one per missed call).',
      callbacks_done: 'Of those, tasks done by now.',
      callbacks_owed: 'Tasks created before the end of the day and not done by it.',
      callback_median_seconds: 'percentile_cont(0.5) of done_at - created_at over the tasks created that day and done, 3 decimals.',
    },
  },
};

async function comment(db: Kysely<unknown>): Promise<void> {
  for (const [view, { view: text, columns }] of Object.entries(COMMENTS)) {
    await sql`comment on view ${sql.id(view)} is ${sql.lit(text)}`.execute(db);
    for (const [column, columnText] of Object.entries(columns)) {
      await sql`comment on column ${sql.id(view, column)} is ${sql.lit(columnText)}`.execute(db);
    }
  }
}
