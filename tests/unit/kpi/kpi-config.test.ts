import { describe, expect, it } from 'vitest';
import { kpiSchema } from '../../../src/config/kpi-config-schema.js';

describe('kpi config', () => {
  it('defaults to a day against the week before, six watched metrics and a check every 10 minutes', () => {
    expect(kpiSchema.parse(undefined)).toEqual({
      trailingPeriods: 7,
      maxWorsening: {
        answerRate: 0.2, inboundAnswered: 0.3, outboundCalls: 0.3, outboundConnected: 0.3, firstDialMedianSeconds: 0.5, shareDialledWithinSla: 0.2,
      },
      maxReadDays: 400,
      alertCheckMinutes: 10,
    });
  });

  it('takes a record of thresholds as the whole list of watched metrics', () => {
    expect(kpiSchema.parse({ maxWorsening: { callbacksOwed: 1 } }).maxWorsening).toEqual({ callbacksOwed: 1 });
  });

  it('refuses an unknown metric with a sentence that lists the metrics', () => {
    const result = kpiSchema.safeParse({ maxWorsening: { answerRate: 0.2, outboundCall: 0.3 } });
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([
      expect.objectContaining({
        path: ['maxWorsening', 'outboundCall'],
        message: expect.stringMatching(/^"outboundCall" is not a KPI metric; the metrics are leadsReceived, .*outboundCalls, .*callbackMedianSeconds$/),
      }),
    ]);
  });

  it.each([
    ['a negative share', { maxWorsening: { answerRate: -0.1 } }, ['maxWorsening', 'answerRate']],
    ['a share over 10', { maxWorsening: { answerRate: 11 } }, ['maxWorsening', 'answerRate']],
    ['no trailing period', { trailingPeriods: 0 }, ['trailingPeriods']],
    ['91 trailing periods', { trailingPeriods: 91 }, ['trailingPeriods']],
    ['a fractional trailing period', { trailingPeriods: 1.5 }, ['trailingPeriods']],
  ])('refuses %s', (_, input, path) => {
    const result = kpiSchema.safeParse(input);
    expect(result.error?.issues.map((i) => i.path)).toEqual([path]);
  });
});
