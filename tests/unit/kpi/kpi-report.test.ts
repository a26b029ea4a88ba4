import { describe, expect, it } from 'vitest';
import { MemoryKpiFacts } from '../../../src/adapters/memory/memory-kpi-facts.js';
import { kpiSchema } from '../../../src/config/kpi-config-schema.js';
import { KpiReport } from '../../../src/services/kpi-report.js';
import { KPI_WEEK_FACTS, KPI_WEEK_NOW } from '../../helpers/kpi-week-fixture.js';

/** The report over the Moscow week of tests/helpers/kpi-week-fixture.ts; every figure below is worked out by hand. */
function report(managers = [{ extension: '101', name: 'Анна' }, { extension: '102', name: 'Boris' }], maxWorsening?: Record<string, number>) {
  const facts = new MemoryKpiFacts(KPI_WEEK_FACTS);
  const kpi = new KpiReport({
    facts,
    config: { routing: { timezone: 'Europe/Moscow' }, managers, kpi: kpiSchema.parse({ trailingPeriods: 3, maxWorsening }) },
    clock: () => KPI_WEEK_NOW,
  });
  return { kpi, facts };
}

describe('KpiReport', () => {
  it('gives each configured manager his figures for the day, cut at local midnight', async () => {
    const { kpi } = report();
    const result = await kpi.report({ from: '2026-03-04', to: '2026-03-04' });
    expect(result).toMatchObject({ from: '2026-03-04', to: '2026-03-04', timezone: 'Europe/Moscow', days: 1, trailingPeriods: 3 });
    expect(result.maxWorsening).toEqual(kpiSchema.parse({}).maxWorsening);
    expect(result.rows.map((r) => [r.manager, r.name])).toEqual([['101', 'Анна'], ['102', 'Boris'], [null, null]]);
    expect(result.rows.map((r) => r.kpi)).toEqual([
      {
        manager: '101',
        leadsReceived: 1, firstDialMedianSeconds: 120, shareDialledWithinSla: 1, shareLeadsCalled: 1,
        // Rung on in1, which 102 answered.
        inboundOffered: 1, inboundAnswered: 0, inboundMissed: 1, answerRate: 0,
        outboundCalls: 6, outboundConnected: 4, talkSeconds: 120, averageCallSeconds: 30,
        callbacksOwed: 0, callbackMedianSeconds: null,
      },
      {
        manager: '102',
        leadsReceived: 0, firstDialMedianSeconds: null, shareDialledWithinSla: null, shareLeadsCalled: null,
        inboundOffered: 1, inboundAnswered: 1, inboundMissed: 0, answerRate: 1,
        // 100 s inbound + 3 x 30 s outbound over 4 talks.
        outboundCalls: 8, outboundConnected: 3, talkSeconds: 190, averageCallSeconds: 47.5,
        callbacksOwed: 0, callbackMedianSeconds: 600,
      },
      {
        manager: null,
        leadsReceived: 1, firstDialMedianSeconds: null, shareDialledWithinSla: 0, shareLeadsCalled: 0,
        inboundOffered: 0, inboundAnswered: 0, inboundMissed: 0, answerRate: null,
        outboundCalls: 0, outboundConnected: 0, talkSeconds: 0, averageCallSeconds: null,
        callbacksOwed: 0, callbackMedianSeconds: null,
      },
    ]);
  });

  it('flags a 40 % fall of outbound calls against the trailing average and not a 20 % one', async () => {
    const { kpi } = report();
    const [anna, boris] = (await kpi.report({ from: '2026-03-04' })).rows;
    expect(anna!.comparisons.filter((c) => c.flagged)).toEqual([{ metric: 'outboundCalls', current: 6, trailingAverage: 10, change: -0.4, flagged: true }]);
    // Connected 4 against 4: no change. Answer rate 0 with no inbound call before: no average, no flag.
    expect(anna!.comparisons.find((c) => c.metric === 'outboundConnected')).toEqual({ metric: 'outboundConnected', current: 4, trailingAverage: 4, change: 0, flagged: false });
    expect(anna!.comparisons.find((c) => c.metric === 'answerRate')).toEqual({ metric: 'answerRate', current: 0, trailingAverage: null, change: null, flagged: false });
    expect(anna!.comparisons).toHaveLength(14);

    expect(boris!.comparisons.filter((c) => c.flagged)).toEqual([]);
    expect(boris!.comparisons.find((c) => c.metric === 'outboundCalls')).toEqual({ metric: 'outboundCalls', current: 8, trailingAverage: 10, change: -0.2, flagged: false });
    expect(boris!.comparisons.find((c) => c.metric === 'outboundConnected')).toEqual({ metric: 'outboundConnected', current: 3, trailingAverage: 4, change: -0.25, flagged: false });
  });

  it('gives every metric its trend: the trailing days oldest first, the day asked for last', async () => {
    const { kpi } = report();
    const [anna, boris] = (await kpi.report({ from: '2026-03-04', to: '2026-03-04' })).rows;
    expect(anna!.trend.outboundCalls).toEqual([10, 10, 10, 6]);
    expect(anna!.trend.talkSeconds).toEqual([120, 120, 120, 120]);
    expect(anna!.trend.answerRate).toEqual([null, null, null, 0]);
    expect(boris!.trend.outboundConnected).toEqual([4, 4, 4, 3]);
    expect(boris!.trend.callbackMedianSeconds).toEqual([null, null, null, 600]);
    expect(Object.keys(anna!.trend)).toHaveLength(14);
  });

  it('reads the facts once, from the first trailing day to the end of the period', async () => {
    const { kpi, facts } = report();
    await kpi.report({ from: '2026-03-04', to: '2026-03-04' });
    expect(facts.reads).toEqual([{ from: new Date('2026-02-28T21:00:00Z'), to: new Date('2026-03-04T21:00:00Z') }]);
  });

  it('compares a two-day period with the two-day periods before it', async () => {
    const { kpi } = report();
    const result = await kpi.report({ from: '2026-03-03', to: '2026-03-04' });
    expect(result).toMatchObject({ from: '2026-03-03', to: '2026-03-04', days: 2 });
    // 27-28 Feb, 1-2 Mar (20), 3-4 Mar (10 + 6).
    expect(result.rows[0]!.trend.outboundCalls).toEqual([0, 0, 20, 16]);
  });

  it('gives a manager filter only that row, without the unowned one', async () => {
    const { kpi } = report();
    const result = await kpi.report({ from: '2026-03-04', manager: '102' });
    expect(result.rows.map((r) => r.manager)).toEqual(['102']);
  });

  it('gives a configured manager a row of zeros on a quiet day, and leaves out an empty unowned row', async () => {
    const { kpi } = report([{ extension: '101', name: 'Анна' }, { extension: '103', name: 'Vera' }]);
    const result = await kpi.report({ from: '2026-02-20' });
    expect(result.rows.map((r) => [r.manager, r.kpi.outboundCalls, r.kpi.answerRate])).toEqual([['101', 0, null], ['103', 0, null]]);
  });

  it('leaves out a manager who is no longer configured', async () => {
    const { kpi } = report([{ extension: '101', name: 'Анна' }]);
    expect((await kpi.report({ from: '2026-03-04' })).rows.map((r) => r.manager)).toEqual(['101', null]);
  });

  it('defaults to today in routing.timezone', async () => {
    const { kpi, facts } = report();
    expect(await kpi.report({})).toMatchObject({ from: '2026-03-05', to: '2026-03-05' });
    expect(await kpi.report({ to: '2026-03-02' })).toMatchObject({ from: '2026-03-02', to: '2026-03-02' });
    expect(facts.reads[0]).toEqual({ from: new Date('2026-03-01T21:00:00Z'), to: new Date('2026-03-05T21:00:00Z') });
  });

  it('refuses an unknown manager and a bad period with 400 REQUEST.INVALID', async () => {
    const { kpi, facts } = report();
    await expect(kpi.report({ manager: '999' })).rejects.toMatchObject({
      code: 'REQUEST.INVALID', status: 400, message: 'manager 999 is not a configured manager (managers: 101, 102)',
    });
    await expect(kpi.report({ from: '2026-03-04', to: '2026-03-03' })).rejects.toMatchObject({ code: 'REQUEST.INVALID', status: 400 });
    expect(facts.reads).toEqual([]);
  });

  it('writes the same rows as CSV: shares as 0..1, null as an empty cell, the flagged metrics last', async () => {
    const { kpi } = report();
    expect(await kpi.csv({ from: '2026-03-04', to: '2026-03-04' })).toEqual({
      from: '2026-03-04',
      to: '2026-03-04',
      text:
        '\ufeffmanager,name,from,to,leadsReceived,firstDialMedianSeconds,shareDialledWithinSla,shareLeadsCalled,' +
        'inboundOffered,inboundAnswered,inboundMissed,answerRate,outboundCalls,outboundConnected,talkSeconds,' +
        'averageCallSeconds,callbacksOwed,callbackMedianSeconds,drawdowns\r\n' +
        '101,Анна,2026-03-04,2026-03-04,1,120,1,1,1,0,1,0,6,4,120,30,0,,outboundCalls\r\n' +
        '102,Boris,2026-03-04,2026-03-04,0,,,,1,1,0,1,8,3,190,47.5,0,600,\r\n' +
        ',,2026-03-04,2026-03-04,1,,0,0,0,0,0,,0,0,0,,0,,\r\n',
    });
  });

  it('joins several flagged metrics with spaces and quotes a name with a comma', async () => {
    // Thresholds of 10 %: 102's 20 % fall of calls and 25 % fall of connected calls are both flagged.
    const { kpi } = report([{ extension: '102', name: 'Boris, senior' }], { outboundCalls: 0.1, outboundConnected: 0.1 });
    const { text } = await kpi.csv({ from: '2026-03-04', manager: '102' });
    expect(text.split('\r\n')[1]).toBe('102,"Boris, senior",2026-03-04,2026-03-04,0,,,,1,1,0,1,8,3,190,47.5,0,600,outboundCalls outboundConnected');
  });
});
