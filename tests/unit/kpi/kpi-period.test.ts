import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors/app-error.js';
import { addDays, localPeriod, previousPeriods, startOfLocalDay, todayIn } from '../../../src/core/kpi/kpi-period.js';

const hours = (p: { from: Date; to: Date }) => (p.to.getTime() - p.from.getTime()) / 3_600_000;

describe('localPeriod', () => {
  it('cuts a day at local midnight: Moscow is UTC+3 all year', () => {
    const p = localPeriod('Europe/Moscow', '2026-03-04', '2026-03-04');
    expect(p).toEqual({
      firstDay: '2026-03-04', lastDay: '2026-03-04', days: 1,
      from: new Date('2026-03-03T21:00:00Z'), to: new Date('2026-03-04T21:00:00Z'),
    });
  });

  it('gives the spring DST day in Berlin 23 hours and the autumn one 25', () => {
    const spring = localPeriod('Europe/Berlin', '2026-03-29', '2026-03-29');
    // Midnight is still CET (+1), the next midnight already CEST (+2).
    expect(spring.from).toEqual(new Date('2026-03-28T23:00:00Z'));
    expect(spring.to).toEqual(new Date('2026-03-29T22:00:00Z'));
    expect(hours(spring)).toBe(23);
    expect(hours(localPeriod('Europe/Berlin', '2026-10-25', '2026-10-25'))).toBe(25);
    // A week over the spring change is 7 x 24 - 1 hours.
    expect(hours(localPeriod('Europe/Berlin', '2026-03-26', '2026-04-01'))).toBe(167);
  });

  it('starts a day that skips midnight at the change (Santiago: 00:00 becomes 01:00)', () => {
    // Before the change Chile is -4, so the day's first instant is 04:00 UTC, shown as 01:00 -03.
    expect(startOfLocalDay('America/Santiago', '2026-09-06')).toEqual(new Date('2026-09-06T04:00:00Z'));
    expect(hours(localPeriod('America/Santiago', '2026-09-06', '2026-09-06'))).toBe(23);
  });

  it('takes both days as included and counts them', () => {
    const p = localPeriod('UTC', '2026-02-27', '2026-03-02');
    expect(p).toMatchObject({ days: 4, from: new Date('2026-02-27T00:00:00Z'), to: new Date('2026-03-03T00:00:00Z') });
  });

  it.each([
    ['a date that does not exist', '2026-02-30', '2026-03-01', 'from "2026-02-30" is not a date: write it as YYYY-MM-DD, e.g. 2026-03-04'],
    ['no date at all', '2026-03-01', 'yesterday', 'to "yesterday" is not a date: write it as YYYY-MM-DD, e.g. 2026-03-04'],
    ['a date with a time', '2026-03-01T00:00:00Z', '2026-03-01', 'from "2026-03-01T00:00:00Z" is not a date: write it as YYYY-MM-DD, e.g. 2026-03-04'],
    ['from after to', '2026-03-05', '2026-03-04', 'from (2026-03-05) is after to (2026-03-04): a period runs from its first day to its last, both included'],
    ['more than 366 days', '2025-01-01', '2026-01-02', '2025-01-01 to 2026-01-02 is 367 days: a report covers at most 366'],
  ])('refuses %s with 400 REQUEST.INVALID', (_, from, to, message) => {
    let error: unknown;
    try {
      localPeriod('Europe/Moscow', from, to);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'REQUEST.INVALID', status: 400, message });
  });

  it('takes exactly 366 days (a leap year)', () => {
    expect(localPeriod('UTC', '2028-01-01', '2028-12-31').days).toBe(366);
  });
});

describe('previousPeriods', () => {
  it('gives the periods of as many days right before, oldest first, each cut in the zone', () => {
    const week = localPeriod('Europe/Berlin', '2026-04-02', '2026-04-08');
    const [older, before] = previousPeriods('Europe/Berlin', week, 2);
    expect(before).toMatchObject({ firstDay: '2026-03-26', lastDay: '2026-04-01', days: 7, to: week.from });
    // The week with the spring change is an hour short; the one before it is whole.
    expect(hours(before!)).toBe(167);
    expect(older).toMatchObject({ firstDay: '2026-03-19', lastDay: '2026-03-25', to: before!.from });
    expect(hours(older!)).toBe(168);
    expect(previousPeriods('Europe/Berlin', week, 0)).toEqual([]);
  });
});

describe('todayIn and addDays', () => {
  it('read the local date, which is not the UTC one late in the evening', () => {
    const lateEvening = new Date('2026-03-04T22:30:00Z');
    expect(todayIn('Europe/Moscow', lateEvening)).toBe('2026-03-05');
    expect(todayIn('America/New_York', lateEvening)).toBe('2026-03-04');
  });

  it('move across months and years', () => {
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});
