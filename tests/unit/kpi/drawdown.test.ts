import { describe, expect, it } from 'vitest';
import { compareWithTrailing, drawdowns, type DrawdownRules } from '../../../src/core/kpi/drawdown.js';
import type { ManagerKpi } from '../../../src/core/kpi/manager-kpi.js';

const row = (figures: Partial<ManagerKpi>): ManagerKpi => ({
  manager: '101', leadsReceived: 0, firstDialMedianSeconds: null, shareDialledWithinSla: null, shareLeadsCalled: null,
  inboundOffered: 0, inboundAnswered: 0, inboundMissed: 0, answerRate: null, outboundCalls: 0, outboundConnected: 0,
  talkSeconds: 0, averageCallSeconds: null, callbacksOwed: 0, callbackMedianSeconds: null, ...figures,
});

const rules: DrawdownRules = {
  periods: 3,
  maxWorsening: { answerRate: 0.25, outboundCalls: 0.25, inboundAnswered: 0.25, firstDialMedianSeconds: 0.25 },
};

describe('drawdowns', () => {
  it('flags a 30 % fall at a 25 % threshold and leaves a 20 % one', () => {
    // Outbound 12, 10, 8 -> average 10; 7 is 30 % down. Answer rate 0.8 each day; 0.64 is 20 % down.
    const previous = [row({ outboundCalls: 12, answerRate: 0.8 }), row({ outboundCalls: 10, answerRate: 0.8 }), row({ outboundCalls: 8, answerRate: 0.8 })];
    const flagged = drawdowns(row({ outboundCalls: 7, answerRate: 0.64 }), previous, rules);
    expect(flagged.map((f) => f.metric)).toEqual(['outboundCalls']);
    expect(flagged[0]).toMatchObject({ current: 7, trailingAverage: 10 });
    expect(flagged[0]?.change).toBeCloseTo(-0.3, 12);
  });

  it('averages only the last N periods', () => {
    // periods 3: the 100 of four days ago is out; average of 10, 10, 10 is 10, so 9 is a 10 % fall.
    const previous = [row({ outboundCalls: 100 }), row({ outboundCalls: 10 }), row({ outboundCalls: 10 }), row({ outboundCalls: 10 })];
    expect(drawdowns(row({ outboundCalls: 9 }), previous, rules)).toEqual([]);
  });

  it('flags a rise of a lower-is-better figure: first-dial median 100 -> 130 s is 30 % worse', () => {
    const previous = [row({ firstDialMedianSeconds: 90 }), row({ firstDialMedianSeconds: 110 })];
    expect(drawdowns(row({ firstDialMedianSeconds: 130 }), previous, rules).map((f) => f.metric)).toEqual(['firstDialMedianSeconds']);
    // A 30 % faster first dial is an improvement, not a drawdown.
    expect(drawdowns(row({ firstDialMedianSeconds: 70 }), previous, rules)).toEqual([]);
  });

  it('does not flag without history, with a null cell, with a zero average or on an unwatched metric', () => {
    expect(drawdowns(row({ outboundCalls: 1 }), [], rules)).toEqual([]);
    // Answer rate null on the quiet days (nothing offered): no baseline. Inbound answered averaged 0: no share to fall by.
    expect(drawdowns(row({ answerRate: 0.1 }), [row({}), row({})], rules)).toEqual([]);
    // Talk seconds halved, but not watched.
    expect(drawdowns(row({ talkSeconds: 50 }), [row({ talkSeconds: 100 })], rules)).toEqual([]);
    // A null current cell: the history 0.9 -> nothing to compare.
    expect(drawdowns(row({}), [row({ answerRate: 0.9 })], rules)).toEqual([]);
  });

  it('skips null history cells in the average and reports every metric', () => {
    // Answer rate null, 0.6, 0.9 -> average (0.6 + 0.9) / 2 = 0.75; 0.5 is a third down.
    const comparisons = compareWithTrailing(row({ answerRate: 0.5 }), [row({}), row({ answerRate: 0.6 }), row({ answerRate: 0.9 })], rules);
    expect(comparisons).toHaveLength(14);
    const answerRate = comparisons.find((c) => c.metric === 'answerRate');
    expect(answerRate).toMatchObject({ current: 0.5, flagged: true });
    expect(answerRate?.trailingAverage).toBeCloseTo(0.75, 12);
    expect(answerRate?.change).toBeCloseTo(-1 / 3, 12);
  });
});
