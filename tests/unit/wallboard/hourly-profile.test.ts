import { describe, expect, it } from 'vitest';
import { countByHour, hourlyProfile } from '../../../src/core/wallboard/hourly-profile.js';

describe('the hourly chart: today against the same weekday', () => {
  it('averages the past same weekdays that had calls, hour by hour', () => {
    const p = hourlyProfile(
      [{ hour: 9, count: 4 }, { hour: 10, count: 1 }],
      [
        { day: '2026-11-26', hours: [{ hour: 9, count: 6 }, { hour: 14, count: 2 }] },
        { day: '2026-11-19', hours: [{ hour: 9, count: 2 }] },
        // Before the PBX went live: left out, not averaged in as a zero.
        { day: '2026-11-12', hours: [] },
      ],
    );
    expect(p.today.slice(8, 11)).toEqual([0, 4, 1]);
    expect(p.today).toHaveLength(24);
    expect(p.sameWeekdayAverage[9]).toBe(4);
    expect(p.sameWeekdayAverage[14]).toBe(1);
    expect(p.sameWeekdayAverage[3]).toBe(0);
    expect(p.daysAveraged).toEqual(['2026-11-19', '2026-11-26']);
  });

  it('has no average at all without history', () => {
    const p = hourlyProfile([], []);
    expect(p.sameWeekdayAverage.every((v) => v === null)).toBe(true);
    expect(p.today.every((v) => v === 0)).toBe(true);
  });

  it('ignores an hour outside 0..23 instead of growing the chart', () => {
    expect(hourlyProfile([{ hour: 24, count: 3 }, { hour: -1, count: 1 }], []).today).toHaveLength(24);
  });

  it('buckets by the local hour of the zone, across a DST change', () => {
    const moscow = countByHour([new Date('2026-12-03T06:30:00Z'), new Date('2026-12-03T06:59:59Z'), new Date('2026-12-03T07:00:00Z')], 'Europe/Moscow');
    expect(moscow).toEqual([{ hour: 9, count: 2 }, { hour: 10, count: 1 }]);
    // New York's 2026-11-01: 01:00-02:00 happens twice; both fall in hour 1.
    const ny = countByHour([new Date('2026-11-01T05:30:00Z'), new Date('2026-11-01T06:30:00Z')], 'America/New_York');
    expect(ny).toEqual([{ hour: 1, count: 2 }]);
  });
});
