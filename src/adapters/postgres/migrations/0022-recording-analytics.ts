import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Conversation analytics (src/core/recordings/conversation-analytics.ts) are measured
 * once, when the recording is converted, and kept with the recording as jsonb. The view
 * gives BI tools each manager's medians per day (session TimeZone, as the KPI views).
 * Numbered 0022 to stay clear of migrations other work adds meanwhile.
 */
const TZ = sql`current_setting('TimeZone')`;
const num = (field: string) => sql.raw(`(analytics->>'${field}')::float8`);

const COLUMNS: Record<string, string> = {
  manager: 'Manager extension of the recorded call.',
  day: 'Day the calls started on, in the session TimeZone.',
  calls_measured: 'Recorded calls with analytics that day.',
  talk_ratio_median: 'Median of manager talk / (manager + client talk), 0..1.',
  longest_monologue_median_seconds: 'Median of the longest stretch the manager talked without the client saying a word.',
  manager_interruptions_median: 'Median count of the manager starting to speak while the client was speaking.',
  silence_share_median: 'Median share of the call where neither side spoke, 0..1.',
  first_word_median_seconds: "Median seconds from the answer to the manager's first word.",
};

export const migration0022RecordingAnalytics: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('recordings').addColumn('analytics', 'jsonb').execute();
    await sql`create view conversation_manager_daily as
      select manager, (started_at at time zone ${TZ})::date as day,
        count(*)::int as calls_measured,
        round(percentile_cont(0.5) within group (order by ${num('talkRatio')})::numeric, 3) as talk_ratio_median,
        round(percentile_cont(0.5) within group (order by ${num('longestManagerMonologueSeconds')})::numeric, 2) as longest_monologue_median_seconds,
        round(percentile_cont(0.5) within group (order by (analytics->'interruptions'->>'byManager')::float8)::numeric, 1) as manager_interruptions_median,
        round(percentile_cont(0.5) within group (order by ${num('silenceShare')})::numeric, 3) as silence_share_median,
        round(percentile_cont(0.5) within group (order by ${num('firstManagerWordSeconds')})::numeric, 2) as first_word_median_seconds
      from recordings
      where analytics is not null and manager is not null and status <> 'deleted'
      group by 1, 2`.execute(db);
    await sql`comment on view conversation_manager_daily is ${sql.lit(
      'Per manager per day (session TimeZone) of call start: medians of the conversation analytics of his recorded calls (docs/conversation-analytics.md).',
    )}`.execute(db);
    for (const [column, text] of Object.entries(COLUMNS)) {
      await sql`comment on column ${sql.id('conversation_manager_daily', column)} is ${sql.lit(text)}`.execute(db);
    }
  },

  async down(db: Kysely<unknown>) {
    await sql`drop view conversation_manager_daily`.execute(db);
    await db.schema.alterTable('recordings').dropColumn('analytics').execute();
  },
};
