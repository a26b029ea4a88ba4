import { describe, expect, it } from 'vitest';
import { callbackDue } from '../../../src/core/calls/callback-due.js';

describe('a callback task against its SLA', () => {
  const created = new Date('2026-12-03T09:00:00Z');
  it('is due SLA minutes after the missed call, and overdue strictly after', () => {
    expect(callbackDue(created, 60, new Date('2026-12-03T09:59:59Z'))).toMatchObject({ overdue: false, secondsLeft: 1, ageSeconds: 3599 });
    expect(callbackDue(created, 60, new Date('2026-12-03T10:00:00Z'))).toMatchObject({ overdue: false, secondsLeft: 0 });
    expect(callbackDue(created, 60, new Date('2026-12-03T10:00:01Z'))).toMatchObject({ overdue: true, secondsLeft: -1, dueAt: new Date('2026-12-03T10:00:00Z') });
  });
  it('never has a negative age when the writer clock ran ahead', () => {
    expect(callbackDue(created, 5, new Date('2026-12-03T08:59:00Z')).ageSeconds).toBe(0);
  });
});
