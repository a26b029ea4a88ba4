import type { Logger } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryDrawdownAlertStore } from '../../../src/adapters/memory/memory-drawdown-alert-store.js';
import { MemoryKpiFacts } from '../../../src/adapters/memory/memory-kpi-facts.js';
import { kpiSchema } from '../../../src/config/kpi-config-schema.js';
import { DomainEvents, type DomainEventMap } from '../../../src/services/domain-events.js';
import { DrawdownWatch } from '../../../src/services/drawdown-watch.js';
import { KpiReport, type KpiDesk } from '../../../src/services/kpi-report.js';
import { KPI_WEEK_FACTS } from '../../helpers/kpi-week-fixture.js';

/** A watch over the Moscow week (tests/helpers/kpi-week-fixture.ts): on 4 March 101 dialled 40 % less than usual, 102 20 % less. */
function watchAt(isoNow: string, report?: Pick<KpiDesk, 'report'>) {
  const now = Date.parse(isoNow);
  const config = { routing: { timezone: 'Europe/Moscow' }, kpi: kpiSchema.parse({ trailingPeriods: 3 }) };
  const kpi = new KpiReport({
    facts: new MemoryKpiFacts(KPI_WEEK_FACTS),
    config: { ...config, managers: [{ extension: '101', name: 'Анна' }, { extension: '102', name: 'Boris' }] },
    clock: () => now,
  });
  const events = new DomainEvents();
  const raised: DomainEventMap['manager.kpi_drawdown'][] = [];
  events.on('manager.kpi_drawdown', (e) => raised.push(e));
  const log = { error: vi.fn(), warn: vi.fn(), info: vi.fn() };
  const alerts = new MemoryDrawdownAlertStore();
  const watch = new DrawdownWatch({ report: report ?? kpi, alerts, events, config, log: log as unknown as Logger, clock: () => now });
  return { watch, raised, alerts, log };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('DrawdownWatch', () => {
  it("raises manager.kpi_drawdown for yesterday's drawdown, once", async () => {
    const { watch, raised, alerts } = watchAt('2026-03-05T09:00:00Z');
    await watch.check();
    expect(raised).toEqual([
      {
        extension: '101',
        name: 'Анна',
        day: '2026-03-04',
        metrics: [{ metric: 'outboundCalls', current: 6, trailingAverage: 10, change: -0.4, threshold: 0.3 }],
        at: '2026-03-05T09:00:00.000Z',
      },
    ]);
    expect([...alerts.alerts.keys()]).toEqual(['101|2026-03-04']);
    expect(await watch.check()).toEqual([]);
    expect(raised).toHaveLength(1);
  });

  it('never judges the running day, nor a day whose last calls may still be ending', async () => {
    // 18:00 on 4 March: the day so far would read as a drawdown; 3 March is judged, and it was usual.
    const evening = watchAt('2026-03-04T15:00:00Z');
    expect(evening.watch.dayToJudge()).toBe('2026-03-03');
    expect(await evening.watch.check()).toEqual([]);
    // 00:30 on 5 March: 4 March ended half an hour ago; still 3 March. From 01:00, 4 March.
    expect(watchAt('2026-03-04T21:30:00Z').watch.dayToJudge()).toBe('2026-03-03');
    expect(watchAt('2026-03-04T22:00:00Z').watch.dayToJudge()).toBe('2026-03-04');
  });

  it('checks every kpi.alertCheckMinutes once started, and logs a failure instead of throwing it', async () => {
    vi.useFakeTimers();
    const failing = { report: vi.fn().mockRejectedValueOnce(new Error('database down')) };
    const { watch, raised, log } = watchAt('2026-03-05T09:00:00Z', failing);
    const { watch: healthy, raised: healthyRaised } = watchAt('2026-03-05T09:00:00Z');
    watch.start();
    healthy.start();
    await vi.advanceTimersByTimeAsync(9 * 60_000);
    expect(healthyRaised).toEqual([]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(healthyRaised.map((e) => e.extension)).toEqual(['101']);
    expect(failing.report).toHaveBeenCalledTimes(1);
    expect(log.error).toHaveBeenCalledWith({ err: expect.objectContaining({ message: 'database down' }) }, 'KPI drawdown check failed');
    expect(raised).toEqual([]);
    watch.stop();
    healthy.stop();
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(failing.report).toHaveBeenCalledTimes(1);
  });
});
