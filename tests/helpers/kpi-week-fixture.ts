import type { KpiCall, KpiFacts } from '../../src/core/kpi/manager-kpi.js';

/**
 * Four days of facts in Moscow (UTC+3, no DST; 07:00 UTC is 10:00 local), for a report
 * on Wednesday 4 March 2026 against the three days before (trailingPeriods 3), at noon
 * on 5 March (KPI_WEEK_NOW). The expected figures are worked out by hand in
 * tests/unit/kpi/kpi-report.test.ts: 101 dials 40 % less than usual on 4 March, 102 20 % less.
 */
export const KPI_WEEK_NOW = Date.parse('2026-03-05T09:00:00Z');

const outbound = (manager: string, startedAt: string, connected: boolean, n: number): KpiCall => ({
  callId: `${manager}-${startedAt}-${n}`, direction: 'outbound', manager, disposition: connected ? 'answered' : 'no-answer',
  talkSeconds: connected ? 30 : 0, startedAt: new Date(startedAt), attempts: [],
});

/** `count` outbound calls of a manager at 10:00 local on a day, the first `connected` of them answered (30 s each). */
const dayOfDialling = (manager: string, day: string, count: number, connected: number): KpiCall[] =>
  Array.from({ length: count }, (_, i) => outbound(manager, `${day}T07:${String(i).padStart(2, '0')}:00Z`, i < connected, i));

export const KPI_WEEK_FACTS: KpiFacts = {
  calls: [
    // The trailing days: 10 calls a day each, 4 connected.
    ...dayOfDialling('101', '2026-03-01', 10, 4), ...dayOfDialling('101', '2026-03-02', 10, 4),
    // On 3 March the tenth call is at 23:59 local (20:59 UTC): still 3 March.
    ...dayOfDialling('101', '2026-03-03', 9, 4), outbound('101', '2026-03-03T20:59:00Z', false, 9),
    ...dayOfDialling('102', '2026-03-01', 10, 4), ...dayOfDialling('102', '2026-03-02', 10, 4), ...dayOfDialling('102', '2026-03-03', 10, 4),
    // 4 March. 101: 5 calls at 10:00 and one at 01:30 local (22:30 UTC the day before): 6, 4 connected. 40 % down.
    ...dayOfDialling('101', '2026-03-04', 5, 4), outbound('101', '2026-03-03T22:30:00Z', false, 99),
    // 102: 8 calls, 3 connected: 20 % and 25 % down, under the 30 % thresholds.
    ...dayOfDialling('102', '2026-03-04', 8, 3),
    // 00:30 local on 5 March: not 4 March.
    outbound('101', '2026-03-04T21:30:00Z', true, 100),
    // Rang 101, answered by 102 after 100 s of talk.
    {
      callId: 'in1', direction: 'inbound', manager: '102', disposition: 'answered', talkSeconds: 100, startedAt: new Date('2026-03-04T07:30:00Z'),
      attempts: [{ manager: '101', result: 'no-answer' }, { manager: '102', result: 'answered' }],
    },
    // Manager to manager: never counted.
    { callId: 'int1', direction: 'internal', manager: '101', disposition: 'answered', talkSeconds: 500, startedAt: new Date('2026-03-04T08:00:00Z'), attempts: [] },
  ],
  leads: [
    // 101's lead at 09:00 local, dialled after 120 s (SLA 15 min).
    { ownerManager: '101', createdAt: new Date('2026-03-04T06:00:00Z'), slaMinutes: 15, firstDialSeconds: 120 },
    // Nobody's, never dialled, deadline long past at NOW: the unowned row.
    { ownerManager: null, createdAt: new Date('2026-03-04T06:00:00Z'), slaMinutes: 15, firstDialSeconds: null },
  ],
  // 102 called back after 10 minutes.
  callbackTasks: [{ manager: '102', createdAt: new Date('2026-03-04T08:00:00Z'), doneAt: new Date('2026-03-04T08:10:00Z') }],
};

