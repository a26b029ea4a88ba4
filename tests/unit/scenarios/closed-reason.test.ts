import { describe, expect, it } from 'vitest';
import { openStateAt } from '../../../src/core/scenarios/business-hours.js';
import { closedReason, describeWeeklyHours } from '../../../src/core/scenarios/closed-reason.js';
import { emptyWeek } from '../../../src/core/scenarios/weekly-hours.js';

const range = (from: string, to: string) => {
  const m = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3));
  return { from: m(from), to: m(to) };
};

describe('describeWeeklyHours', () => {
  it('joins neighbouring days with the same hours and lists each day\'s ranges in order', () => {
    const week = emptyWeek();
    for (const d of ['mon', 'tue', 'wed', 'thu', 'fri'] as const) week[d] = [range('09:00', '19:00')];
    week.sat = [range('14:00', '16:00'), range('10:00', '13:00')];
    expect(describeWeeklyHours(week)).toBe('Mon-Fri 09:00-19:00; Sat 10:00-13:00, 14:00-16:00');
  });

  it('does not join days that are apart, and ends a day at 24:00', () => {
    const week = emptyWeek();
    week.mon = [range('00:00', '24:00')];
    week.wed = [range('00:00', '24:00')];
    expect(describeWeeklyHours(week)).toBe('Mon 00:00-24:00; Wed 00:00-24:00');
    expect(describeWeeklyHours(emptyWeek())).toBe('never');
  });
});

describe('closedReason', () => {
  const week = emptyWeek();
  for (const d of ['mon', 'tue', 'wed', 'thu', 'fri'] as const) week[d] = [range('09:00', '19:00')];
  const line = { timezone: 'Europe/Moscow', hours: week, holidays: ['01-07'] };

  it('says when the line is open and the caller\'s local time in the line\'s zone', () => {
    const at = new Date('2026-12-03T19:50:00Z'); // Thursday 22:50 in Moscow
    expect(closedReason(line, openStateAt(line, at))).toBe(
      'after hours: the line is open Mon-Fri 09:00-19:00 Europe/Moscow; the call came Thu 2026-12-03 22:50 Europe/Moscow',
    );
  });

  it('names the holiday by its local date', () => {
    const at = new Date('2027-01-06T21:30:00Z'); // already 7 January in Moscow
    expect(closedReason(line, openStateAt(line, at))).toBe('a holiday: the line is closed all day on 2027-01-07 (Europe/Moscow)');
  });
});
