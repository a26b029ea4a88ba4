import { describe, expect, it } from 'vitest';
import { managerKpis, type ManagerKpi } from '../../../src/core/kpi/manager-kpi.js';
import { KPI_DAY, KPI_FACTS } from '../../helpers/kpi-fixture.js';
import { byManager, kpiFixtureInPostgres, viewsForDay } from '../../helpers/kpi-postgres.js';

const pg = kpiFixtureInPostgres();

describe('KPI views', () => {
  it('give, field by field, the figures the console computes for the same day', async () => {
    const now = new Date();
    const fromViews = byManager(await viewsForDay(pg.db, '2026-03-04'));
    const fromCore = byManager(managerKpis(KPI_FACTS, KPI_DAY, now));
    expect([...fromViews.keys()].sort()).toEqual([...fromCore.keys()].sort());
    for (const [manager, expected] of fromCore) {
      const actual = fromViews.get(manager)!;
      for (const field of Object.keys(expected) as (keyof ManagerKpi)[]) {
        expect({ manager, field, value: actual[field] }).toEqual({ manager, field, value: expected[field] });
      }
    }
    // Not a comparison of two empty tables: the hand-computed figures are there.
    expect(fromViews.get('101')).toMatchObject({ inboundOffered: 3, inboundAnswered: 1, talkSeconds: 90.25, firstDialMedianSeconds: 530, callbacksOwed: 3 });
  });

  it('agree for the day before too (the owed callback and the early call and lead)', async () => {
    const dayBefore = { from: new Date(KPI_DAY.from.getTime() - 86_400_000), to: KPI_DAY.from };
    const fromViews = byManager(await viewsForDay(pg.db, '2026-03-03'));
    const fromCore = byManager(managerKpis(KPI_FACTS, dayBefore, new Date()));
    expect(Object.fromEntries(fromViews)).toEqual(Object.fromEntries(fromCore));
  });
});
