import { describe, expect, it } from 'vitest';
import { firstDialStats, firstDialWait, percentile, slowestLeads, type StatsLead } from '../../../src/core/leads/first-dial-stats.js';
import { at } from '../../helpers/leads.js';

const lead = (ownerManager: string | null, firstDialSeconds: number | null, createdAtSeconds = 0, slaMinutes = 15): StatsLead => ({
  ownerManager,
  createdAt: at(createdAtSeconds),
  slaMinutes,
  firstDialSeconds,
});

describe('percentile (as percentile_cont)', () => {
  it('interpolates between the closest ranks', () => {
    // Ranks 0..3; p50 at 1.5 -> 20 + 0.5 * (30 - 20); p90 at 2.7 -> 30 + 0.7 * (100 - 30).
    expect(percentile([10, 20, 30, 100], 0.5)).toBe(25);
    expect(percentile([10, 20, 30, 100], 0.9)).toBe(79);
    expect(percentile([42], 0.9)).toBe(42);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9.1);
  });
});

describe('firstDialStats', () => {
  // Two hours after LEAD_T0: every 15-minute deadline below has passed unless said otherwise.
  const now = at(7200);

  it('gives each owner count, dialled, median, p90 and the share within the SLA; a never-dialled lead counts against it', () => {
    const stats = firstDialStats(
      [
        // Anna (101): 60, 120, 300 and 1200 s (late: SLA 900 s), one never dialled.
        lead('101', 60), lead('101', 120), lead('101', 300), lead('101', 1200), lead('101', null),
        // Boris (102): one dialled at 900 s, exactly the SLA.
        lead('102', 900),
      ],
      now,
    );
    expect(stats).toEqual([
      {
        manager: '101', leads: 5, dialled: 4, pending: 0, withinSla: 3,
        // Sorted 60, 120, 300, 1200: median (120 + 300) / 2; p90 at rank 2.7: 300 + 0.7 * 900.
        medianSeconds: 210, p90Seconds: 930, shareWithinSla: 3 / 5,
      },
      { manager: '102', leads: 1, dialled: 1, pending: 0, withinSla: 1, medianSeconds: 900, p90Seconds: 900, shareWithinSla: 1 },
    ]);
  });

  it('leaves undialled leads before their deadline out of the share, and puts unowned leads last', () => {
    const stats = firstDialStats(
      [
        lead(null, null),
        // Created 6,900 s in: 5 minutes old at `now`, SLA 15 minutes: pending.
        lead('103', null, 6900),
        lead('103', 30, 6000),
        // Created 6,000 s in with a 30-minute SLA, undialled: 20 minutes old, pending too.
        lead('103', null, 6000, 30),
      ],
      now,
    );
    expect(stats).toEqual([
      { manager: '103', leads: 3, dialled: 1, pending: 2, withinSla: 1, medianSeconds: 30, p90Seconds: 30, shareWithinSla: 1 },
      { manager: null, leads: 1, dialled: 0, pending: 0, withinSla: 0, medianSeconds: null, p90Seconds: null, shareWithinSla: 0 },
    ]);
  });

  it('has no share while every lead is still pending, and nothing for no leads', () => {
    expect(firstDialStats([lead('101', null, 7100)], now)[0]).toMatchObject({ pending: 1, shareWithinSla: null, medianSeconds: null });
    expect(firstDialStats([], now)).toEqual([]);
  });

  it('sorts extensions as numbers', () => {
    expect(firstDialStats([lead('1001', 1), lead('99', 1), lead('101', 1)], now).map((s) => s.manager)).toEqual(['99', '101', '1001']);
  });
});

describe('slowestLeads', () => {
  const now = at(3600);
  const waiting = (id: string, createdAtSeconds: number, firstDialSeconds: number | null) => ({ id, createdAt: at(createdAtSeconds), firstDialSeconds });

  it("ranks a dialled lead by its first dial and an undialled one by its wait so far", () => {
    expect(firstDialWait(waiting('a', 0, 61.25), now)).toBe(61.25);
    expect(firstDialWait(waiting('b', 600, null), now)).toBe(3000);
    // Created after `now` (a CRM clock ahead of ours): it has not waited yet, not a negative wait.
    expect(firstDialWait(waiting('c', 4000, null), now)).toBe(0);
    const leads = [waiting('quick', 0, 10), waiting('never', 1800, null), waiting('slow', 0, 1500), waiting('b-tie', 200, 500), waiting('a-tie', 200, 500), waiting('older-tie', 100, 500)];
    expect(slowestLeads(leads, now, 10).map((s) => [s.lead.id, s.waitSeconds])).toEqual([
      ['never', 1800], ['slow', 1500], ['older-tie', 500], ['a-tie', 500], ['b-tie', 500], ['quick', 10],
    ]);
  });

  it('keeps the limit, and gives nothing for no leads or a limit of 0', () => {
    const leads = Array.from({ length: 30 }, (_, i) => waiting(`l${i}`, 0, i));
    expect(slowestLeads(leads, now, 3).map((s) => s.waitSeconds)).toEqual([29, 28, 27]);
    expect(slowestLeads(leads, now, 0)).toEqual([]);
    expect(slowestLeads([], now, 10)).toEqual([]);
  });
});
