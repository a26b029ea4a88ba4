import { describe, expect, it } from 'vitest';
import type { WallboardFacts } from '../../../src/core/wallboard/wallboard-facts.port.js';
import { Wallboard } from '../../../src/services/wallboard.js';

function setUp(failFirst = false) {
  let now = Date.parse('2026-12-03T10:00:00Z');
  let reads = 0;
  const facts: WallboardFacts = {
    inboundCalls: async () => {
      reads += 1;
      if (failFirst && reads === 1) throw new Error('connection refused');
      return [];
    },
    inboundByHour: async (days) => days.map((d) => ({ day: d.day, hours: [] })),
  };
  const routing = { managers: async () => [], waiting: async () => [], scenarios: () => ({ active: [], errors: [] }) };
  const wallboard = new Wallboard({ facts, routing, config: { timezone: 'Europe/Moscow', serviceLevelSeconds: 20, historyWeeks: 4 }, clock: () => now });
  return { wallboard, reads: () => reads, advance: (ms: number) => (now += ms) };
}

describe('the wallboard service', () => {
  it('shares one set of figures among the screens asking within 2 s, then reads again', async () => {
    const s = setUp();
    await Promise.all([s.wallboard.figures(), s.wallboard.figures(), s.wallboard.figures()]);
    expect(s.reads()).toBe(1);
    s.advance(1999);
    await s.wallboard.figures();
    expect(s.reads()).toBe(1);
    s.advance(1);
    const f = await s.wallboard.figures();
    expect(s.reads()).toBe(2);
    expect(f).toMatchObject({ date: '2026-12-03', timezone: 'Europe/Moscow', hourly: { daysAveraged: [] } });
  });

  it('does not keep a failed read', async () => {
    const s = setUp(true);
    await expect(s.wallboard.figures()).rejects.toThrow('connection refused');
    await expect(s.wallboard.figures()).resolves.toMatchObject({ team: { offered: 0 } });
    expect(s.reads()).toBe(2);
  });
});
