import { describe, expect, it } from 'vitest';
import { isOpen, openStateAt } from '../../../src/core/scenarios/business-hours.js';
import { parseScenario } from '../../../src/core/scenarios/parse-scenario.js';

function calendar(timezone: string, extra = '') {
  return parseScenario(
    `name: t
numbers: ["+74951234567"]
timezone: ${timezone}
hours:
  mon-fri: "09:00-19:00"
  sat: ["10:00-13:00", "14:00-16:00"]
holidays: ["2026-01-07", "05-01"]
groups: { sales: ["101"] }
steps: [{ group: sales, strategy: round-robin }]
${extra}`,
    't.yaml',
  );
}

const moscow = calendar('Europe/Moscow'); // UTC+3 all year
const newYork = calendar('America/New_York'); // UTC-5 in winter, UTC-4 in summer

describe('business hours', () => {
  it('opens exactly at the opening minute and closes exactly at the closing minute', () => {
    // Monday 2026-03-02; 09:00 in Moscow is 06:00 UTC.
    expect(isOpen(moscow, new Date('2026-03-02T05:59:59Z'))).toBe(false);
    expect(isOpen(moscow, new Date('2026-03-02T06:00:00Z'))).toBe(true);
    expect(isOpen(moscow, new Date('2026-03-02T15:59:59Z'))).toBe(true);
    expect(isOpen(moscow, new Date('2026-03-02T16:00:00Z'))).toBe(false);
  });

  it('reads the day and hour in the scenario time zone, not the server one', () => {
    // Saturday 2026-03-07 02:00 UTC: still Friday 21:00 in New York (closed), Saturday 05:00 in Moscow (closed).
    const at = new Date('2026-03-07T02:00:00Z');
    expect(openStateAt(newYork, at)).toMatchObject({ open: false, weekday: 'fri', localTime: '21:00', reason: 'outside-hours' });
    expect(openStateAt(moscow, at)).toMatchObject({ open: false, weekday: 'sat', localTime: '05:00' });
    // Friday 2026-03-06 23:30 UTC is 18:30 in New York: open there, past midnight and Saturday in Moscow.
    expect(isOpen(newYork, new Date('2026-03-06T23:30:00Z'))).toBe(true);
    expect(isOpen(moscow, new Date('2026-03-06T23:30:00Z'))).toBe(false);
  });

  it('follows daylight saving time through the zone rules', () => {
    // New York: 09:00 is 14:00 UTC in winter, 13:00 UTC in summer.
    expect(isOpen(newYork, new Date('2026-01-12T13:30:00Z'))).toBe(false);
    expect(isOpen(newYork, new Date('2026-07-13T13:30:00Z'))).toBe(true);
  });

  it('keeps a split day closed over lunch and all Sunday', () => {
    expect(isOpen(moscow, new Date('2026-03-07T09:30:00Z'))).toBe(true); // sat 12:30
    expect(isOpen(moscow, new Date('2026-03-07T10:30:00Z'))).toBe(false); // sat 13:30
    expect(isOpen(moscow, new Date('2026-03-07T11:00:00Z'))).toBe(true); // sat 14:00
    expect(isOpen(moscow, new Date('2026-03-08T09:00:00Z'))).toBe(false); // sun 12:00
  });

  it('is closed on a dated holiday and on a yearly one, by the local date', () => {
    expect(openStateAt(moscow, new Date('2026-01-07T09:00:00Z'))).toMatchObject({ open: false, reason: 'holiday', localDate: '2026-01-07' });
    expect(isOpen(moscow, new Date('2027-05-01T09:00:00Z'))).toBe(false); // 05-01 every year, a Saturday
    expect(isOpen(moscow, new Date('2027-05-08T09:00:00Z'))).toBe(true); // the next Saturday
    // 2026-01-06 22:30 UTC is already 01:30 on the 7th in Moscow.
    expect(openStateAt(moscow, new Date('2026-01-06T22:30:00Z')).reason).toBe('holiday');
  });

  it('is always open without hours, except on holidays', () => {
    const always = { timezone: 'Asia/Tokyo', hours: null, holidays: ['2026-01-01'] };
    expect(openStateAt(always, new Date('2026-03-08T18:00:00Z'))).toMatchObject({ open: true, reason: 'always-open' });
    expect(isOpen(always, new Date('2025-12-31T15:00:00Z'))).toBe(false); // midnight on 1 January in Tokyo
  });
});
