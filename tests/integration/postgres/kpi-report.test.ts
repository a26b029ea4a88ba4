import { sql } from 'kysely';
import type { Logger } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { MemoryKpiFacts } from '../../../src/adapters/memory/memory-kpi-facts.js';
import { PostgresDrawdownAlertStore } from '../../../src/adapters/postgres/drawdown-alert-store.js';
import { PostgresKpiFacts } from '../../../src/adapters/postgres/kpi-facts.js';
import { kpiSchema } from '../../../src/config/kpi-config-schema.js';
import { DomainEvents, type DomainEventMap } from '../../../src/services/domain-events.js';
import { DrawdownWatch } from '../../../src/services/drawdown-watch.js';
import { KpiReport } from '../../../src/services/kpi-report.js';
import { KPI_FACTS } from '../../helpers/kpi-fixture.js';
import { byManager, kpiFixtureInPostgres, viewsForDay } from '../../helpers/kpi-postgres.js';

const pg = kpiFixtureInPostgres();

/** The fixture's day is a UTC day (4 March 2026); a week of trailing days before it. */
const config = {
  routing: { timezone: 'UTC' },
  managers: [{ extension: '101', name: 'Anna' }, { extension: '102', name: 'Boris' }],
  kpi: kpiSchema.parse({}),
};

describe('KpiReport over PostgreSQL', () => {
  it('gives, for the fixture day, the rows of the SQL views', async () => {
    const report = new KpiReport({ facts: new PostgresKpiFacts(pg.db), config });
    const result = await report.report({ from: '2026-03-04', to: '2026-03-04' });
    const fromViews = byManager(await viewsForDay(pg.db, '2026-03-04'));
    const fromReport = byManager(result.rows.map((r) => r.kpi));
    expect(Object.fromEntries(fromReport)).toEqual(Object.fromEntries(fromViews));
    // Not two empty tables: the hand-computed figures of tests/unit/kpi/manager-kpi.test.ts are there.
    expect(fromReport.get('101')).toMatchObject({ inboundOffered: 3, inboundAnswered: 1, talkSeconds: 90.25, firstDialMedianSeconds: 530, callbacksOwed: 3 });
    expect([...fromReport.keys()]).toEqual(['101', '102', null]);
  });

  it('reads the same facts as the in-memory source, over the period and its trailing week', async () => {
    const now = Date.parse('2026-03-05T12:00:00Z');
    const fromPostgres = await new KpiReport({ facts: new PostgresKpiFacts(pg.db), config, clock: () => now }).report({ from: '2026-03-04' });
    const fromMemory = await new KpiReport({ facts: new MemoryKpiFacts(KPI_FACTS), config, clock: () => now }).report({ from: '2026-03-04' });
    expect(fromPostgres).toEqual(fromMemory);
    // The day before holds the early call, the early lead (dialled in 5 s) and the owed callback.
    const anna = fromPostgres.rows[0]!;
    expect(anna.trend.inboundAnswered).toEqual([0, 0, 0, 0, 0, 0, 1, 1]);
    expect(anna.trend.firstDialMedianSeconds).toEqual([null, null, null, null, null, null, 5, 530]);
  });
});

describe('DrawdownWatch over PostgreSQL', () => {
  it('raises the drawdown of the fixture day once, though two watches check at the same time', async () => {
    // Noon on 5 March: 4 March is the last completed day. 101's day against the week before:
    // first-dial median 530 s against 5 s, SLA share and answer rate 1/3 against 1.
    const now = Date.parse('2026-03-05T12:00:00Z');
    const report = new KpiReport({ facts: new PostgresKpiFacts(pg.db), config, clock: () => now });
    const instance = () => {
      const events = new DomainEvents();
      const raised: DomainEventMap['manager.kpi_drawdown'][] = [];
      events.on('manager.kpi_drawdown', (e) => raised.push(e));
      const log = { error: vi.fn(), warn: vi.fn(), info: vi.fn() };
      const watch = new DrawdownWatch({
        report, alerts: new PostgresDrawdownAlertStore(pg.db), events, config, log: log as unknown as Logger, clock: () => now,
      });
      return { watch, raised, log };
    };
    const a = instance();
    const b = instance();

    await Promise.all([a.watch.check(), b.watch.check()]);
    await Promise.all([a.watch.check(), b.watch.check()]);

    const raised = [...a.raised, ...b.raised];
    expect(raised).toEqual([
      {
        extension: '101',
        name: 'Anna',
        day: '2026-03-04',
        metrics: [
          { metric: 'firstDialMedianSeconds', current: 530, trailingAverage: 5, change: 105, threshold: 0.5 },
          { metric: 'shareDialledWithinSla', current: expect.closeTo(1 / 3, 12), trailingAverage: 1, change: expect.closeTo(-2 / 3, 12), threshold: 0.2 },
          { metric: 'answerRate', current: expect.closeTo(1 / 3, 12), trailingAverage: 1, change: expect.closeTo(-2 / 3, 12), threshold: 0.2 },
        ],
        at: '2026-03-05T12:00:00.000Z',
      },
    ]);
    // The loser's insert found the row and returned nothing: no error, no retry.
    expect(a.log.error).not.toHaveBeenCalled();
    expect(b.log.error).not.toHaveBeenCalled();

    const rows = await sql<{ manager: string; day: string; metrics: { metric: string }[]; raised_at: Date }>`
      select manager, day::text as day, metrics, raised_at from kpi_drawdown_alerts`.execute(pg.db);
    expect(rows.rows).toEqual([
      { manager: '101', day: '2026-03-04', metrics: raised[0]!.metrics, raised_at: new Date(now) },
    ]);
  });
});
