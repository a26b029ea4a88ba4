import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryKpiFacts } from '../../../src/adapters/memory/memory-kpi-facts.js';
import { kpiSchema } from '../../../src/config/kpi-config-schema.js';
import type { Config } from '../../../src/config/config-schema.js';
import { KpiReport } from '../../../src/services/kpi-report.js';
import { KPI_FACTS } from '../../helpers/kpi-fixture.js';
import { ANNA_TOKEN, bearer, buildTestApp, SUPERVISOR_TOKEN, testConfig } from '../../helpers/http-app.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** The KPI report over the fixture, counting how often it reads the facts. */
function countingReport(kpi = kpiSchema.parse({})) {
  const facts = new MemoryKpiFacts(KPI_FACTS);
  const reads: [Date, Date][] = [];
  const report = new KpiReport({
    facts: { read: async (from: Date, to: Date) => (reads.push([from, to]), facts.read(from, to)) },
    config: { routing: { timezone: 'UTC' }, managers: [{ extension: '101', name: 'Anna' }, { extension: '102', name: 'Boris' }], kpi },
    clock: () => Date.parse('2027-03-05T12:00:00Z'),
  });
  return { report, reads };
}

const withReportsPerMinute = (reportsPerMinute: number): Config => {
  const config = testConfig();
  return { ...config, http: { ...config.http, reportsPerMinute } };
};

describe('KPI read span', () => {
  it('refuses a year with seven trailing periods (2,928 days) with a 400 that says what fits, before reading a fact', async () => {
    const { report, reads } = countingReport();
    ({ app } = await buildTestApp({ kpi: report }));
    const res = await app.inject({ method: 'GET', url: '/api/kpi?from=2026-03-01&to=2027-03-01', headers: bearer(SUPERVISOR_TOKEN) });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toEqual({
      code: 'REQUEST.INVALID',
      message: '2026-03-01 to 2027-03-01 is 366 days; with its 7 trailing periods (kpi.trailingPeriods) the report would read 2928 days of calls, ' +
        'more than kpi.maxReadDays (400): ask for at most 50 days',
    });
    expect(reads).toEqual([]);
    // The largest period that fits is read, once.
    expect((await app.inject({ method: 'GET', url: '/api/kpi.csv?from=2027-01-01&to=2027-02-19', headers: bearer(SUPERVISOR_TOKEN) })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/kpi.csv?from=2027-01-01&to=2027-02-20', headers: bearer(SUPERVISOR_TOKEN) })).statusCode).toBe(400);
    expect(reads).toHaveLength(1);
  });

  it('a configuration whose maxReadDays cannot hold a one-day report is refused', () => {
    expect(() => kpiSchema.parse({ trailingPeriods: 30, maxReadDays: 30 })).toThrow(/kpi\.maxReadDays must cover at least a one-day report/);
  });
});

describe('heavy reports per client', () => {
  it('answer 429 past http.reportsPerMinute for one token, while another token from the same address goes on', async () => {
    ({ app } = await buildTestApp({ kpi: countingReport().report, config: withReportsPerMinute(3) }));
    const kpi = (token: string) => app!.inject({ method: 'GET', url: '/api/kpi?from=2027-03-04', headers: bearer(token), remoteAddress: '10.1.1.1' });
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await kpi(ANNA_TOKEN)).statusCode);
    expect(codes).toEqual([200, 200, 200, 429]);
    expect((await kpi(ANNA_TOKEN)).json().error.code).toBe('REQUEST.RATE_LIMITED');
    expect((await kpi(SUPERVISOR_TOKEN)).statusCode).toBe(200);
  });
});
