import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresRecordingIndex } from '../../../src/adapters/recordings/postgres-recording-index.js';
import type { ConversationAnalytics } from '../../../src/core/recordings/conversation-analytics.js';
import { createTestSchema, type TestSchema } from '../../helpers/postgres-schema.js';
import { PostgresConversationFacts } from '../../../src/adapters/postgres/conversation-facts.js';
import { ConversationReport } from '../../../src/services/conversation-report.js';
import { ANNA_TOKEN, SUPERVISOR_TOKEN, bearer, buildTestApp, testConfig } from '../../helpers/http-app.js';

/** Conversation analytics kept with the recording (migration 0022) and the managers' daily medians for BI tools. */
let pg: TestSchema;
let index: PostgresRecordingIndex;
beforeAll(async () => {
  pg = await createTestSchema();
  index = new PostgresRecordingIndex(pg.db);
});
afterAll(async () => {
  await pg?.drop();
});

const analytics = (talkRatio: number, monologue: number, byManager: number): ConversationAnalytics => ({
  durationSeconds: 60,
  clientTalkSeconds: 60 * (1 - talkRatio) * 0.8,
  managerTalkSeconds: 60 * talkRatio * 0.8,
  overlapSeconds: 1,
  talkRatio,
  longestManagerMonologueSeconds: monologue,
  interruptions: { byManager, byClient: 0 },
  silenceShare: 0.2,
  firstManagerWordSeconds: 1.5,
});

async function recorded(callId: string, manager: string, startedAt: string, a: ConversationAnalytics | null): Promise<void> {
  await index.insertPending({ callId, format: 'mp3', pcapPath: null, callerAddress: null, manager, callerNumber: '+79160000001', calleeNumber: '+74951234567', direction: 'inbound', startedAt: new Date(startedAt) });
  await index.saveConversion(callId, 60, 1000, a);
  await index.markStored(callId, { storageKey: `k/${callId}.mp3`, bytes: 1000, checksum: 'ab'.repeat(32), durationSeconds: 60 });
}

describe('conversation analytics in PostgreSQL', () => {
  it('keeps them with the recording, and reads them back with it', async () => {
    await recorded('a1@pbx', '101', '2026-12-01T09:00:00Z', analytics(0.5, 20, 1));
    await recorded('old@pbx', '101', '2026-12-01T09:30:00Z', null);
    const found = await index.loadMany(['a1@pbx', 'old@pbx']);
    expect(found.get('a1@pbx')!.analytics).toEqual(analytics(0.5, 20, 1));
    expect(found.get('old@pbx')!.analytics).toBeNull();
  });

  it("gives each manager's daily medians in conversation_manager_daily, leaving out calls without analytics", async () => {
    await recorded('a2@pbx', '101', '2026-12-01T10:00:00Z', analytics(0.7, 40, 3));
    await recorded('a3@pbx', '101', '2026-12-01T11:00:00Z', analytics(0.9, 90, 5));
    await recorded('b1@pbx', '102', '2026-12-01T10:00:00Z', analytics(0.4, 10, 0));
    await recorded('a4@pbx', '101', '2026-12-02T10:00:00Z', analytics(0.2, 5, 0));
    // Days in the session's zone, as a BI tool would set it.
    const rows = await pg.db.transaction().execute(async (trx) => {
      await sql`set local time zone 'UTC'`.execute(trx);
      return (await sql<Record<string, unknown>>`select manager, day::text as day, calls_measured, talk_ratio_median, longest_monologue_median_seconds, manager_interruptions_median from conversation_manager_daily order by manager, day`.execute(trx)).rows;
    });
    expect(rows[0]).toMatchObject({ manager: '101', day: '2026-12-01', calls_measured: 3, talk_ratio_median: '0.700', longest_monologue_median_seconds: '40.00', manager_interruptions_median: '3.0' });
    expect(rows.map((r) => [r.manager, r.calls_measured])).toEqual([['101', 3], ['101', 1], ['102', 1]]);
  });
});

describe('GET /api/conversations', () => {
  it("gives the same medians as the view, every configured manager a row, and a manager only his own", async () => {
    const config = testConfig();
    const { app } = await buildTestApp({
      config,
      conversations: new ConversationReport({ facts: new PostgresConversationFacts(pg.db), managers: config.managers, timezone: 'UTC' }),
    });
    try {
      const res = await app.inject({ url: '/api/conversations?from=2026-12-01&to=2026-12-01', headers: bearer(SUPERVISOR_TOKEN) });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.rows).toEqual([
        { manager: '101', name: 'Anna', reviewed: 0, reviewScoreAverage: null, calls: 3, talkRatioMedian: 0.7, longestMonologueMedianSeconds: 40, interruptionsMedian: 3, silenceShareMedian: 0.2, firstWordMedianSeconds: 1.5 },
        { manager: '102', name: 'Boris', reviewed: 0, reviewScoreAverage: null, calls: 1, talkRatioMedian: 0.4, longestMonologueMedianSeconds: 10, interruptionsMedian: 0, silenceShareMedian: 0.2, firstWordMedianSeconds: 1.5 },
      ]);
      // Two days: four of Anna's calls, an even count: the mean of the middle two, as percentile_cont.
      const two = (await app.inject({ url: '/api/conversations?from=2026-12-01&to=2026-12-02', headers: bearer(ANNA_TOKEN) })).json();
      expect(two.rows).toHaveLength(1);
      expect(two.rows[0]).toMatchObject({ manager: '101', calls: 4, talkRatioMedian: 0.6 });
      expect((await app.inject({ url: '/api/conversations?manager=102', headers: bearer(ANNA_TOKEN) })).statusCode).toBe(403);
      expect((await app.inject({ url: '/api/conversations?from=2026-13-01', headers: bearer(SUPERVISOR_TOKEN) })).statusCode).toBe(400);
    } finally {
      await app.close();
    }
  });
});
