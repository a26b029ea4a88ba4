import type { FastifyPluginAsync } from 'fastify';
import type { ApiRole } from '../../../config/config-schema.js';
import type { KpiDesk, KpiReportRequest } from '../../../services/kpi-report.js';
import { clientOf, coversManager, forbidden, listRoles, requireRole, type ApiClient, whoIs } from '../api-client.js';
import { reportRateLimit } from '../report-rate-limit.js';
import { authErrors, bearerSecurity } from '../schemas/api-route.js';
import { errorRef } from '../schemas/error-response.js';
import { kpiReportJsonSchema, kpiReportRef, managerKpiJsonSchema } from '../schemas/kpi-json.js';
import { extensionJsonSchema } from '../schemas/manager-json.js';

export interface KpiRoutesOptions {
  kpi: KpiDesk;
  /** Per token or account (report-rate-limit.ts). */
  reportsPerMinute: number;
}

/** Every role reads the table; a manager only his own row. */
const READERS: readonly ApiRole[] = ['admin', 'supervisor', 'manager'];

interface KpiQuery {
  from?: string;
  to?: string;
  manager?: string;
}

const querySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    from: { type: 'string', format: 'date', description: 'First local day (routing.timezone), YYYY-MM-DD; default: to, or today' },
    to: {
      type: 'string',
      format: 'date',
      description: 'Last local day, included; default: from, or today. At most 366 days, and the period times (kpi.trailingPeriods + 1) at most kpi.maxReadDays',
    },
    manager: { ...extensionJsonSchema, description: "One manager's row; a manager token gets only his own" },
  },
} as const;

const description =
  `Needs ${listRoles(READERS)} token; admin and supervisor see every manager, a manager only himself ` +
  "(asking for another's row is 403). Each figure is compared with the manager's own average over kpi.trailingPeriods " +
  'periods of as many days right before; a metric that worsened past its kpi.maxWorsening share is flagged. ' +
  'Definitions: docs/kpi.md.';

/** The supervisor console's KPI table: GET /api/kpi (JSON) and GET /api/kpi.csv (the same rows as a spreadsheet). */
export const kpiRoutes: FastifyPluginAsync<KpiRoutesOptions> = async (app, { kpi, reportsPerMinute }) => {
  app.addSchema(managerKpiJsonSchema);
  app.addSchema(kpiReportJsonSchema);

  app.get<{ Querystring: KpiQuery }>(
    '/api/kpi',
    {
      preHandler: requireRole(...READERS),
      config: reportRateLimit(reportsPerMinute),
      schema: {
        summary: 'KPI per manager for a period of local days, with the comparison against his trailing average and the trend',
        description,
        tags: ['kpi'],
        security: bearerSecurity,
        querystring: querySchema,
        response: { 200: kpiReportRef, 400: errorRef, 403: errorRef, ...authErrors },
      },
    },
    async (request) => kpi.report(requestOf(clientOf(request), request.query)),
  );

  app.get<{ Querystring: KpiQuery }>(
    '/api/kpi.csv',
    {
      preHandler: requireRole(...READERS),
      config: reportRateLimit(reportsPerMinute),
      schema: {
        summary: 'The KPI table as CSV: one line per manager, every metric (shares 0..1), then the flagged metrics',
        description,
        tags: ['kpi'],
        security: bearerSecurity,
        querystring: querySchema,
        response: {
          200: { description: 'UTF-8 with a BOM, CRLF line ends', content: { 'text/csv': { schema: { type: 'string' } } } },
          400: errorRef,
          403: errorRef,
          ...authErrors,
        },
      },
    },
    async (request, reply) => {
      const file = await kpi.csv(requestOf(clientOf(request), request.query));
      const period = file.from === file.to ? file.from : `${file.from}_${file.to}`;
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="leadline-kpi_${period}.csv"`)
        .header('cache-control', 'private, no-store')
        .send(file.text);
    },
  );
};

/** A manager token is held to his own row; asking for another's is 403, so the mistake shows. */
function requestOf(client: ApiClient, query: KpiQuery): KpiReportRequest {
  if (query.manager !== undefined && !coversManager(client, query.manager)) {
    throw forbidden(`${whoIs(client)} belongs to manager ${client.extension} and may read only his own KPI, not manager ${query.manager}'s.`);
  }
  return { from: query.from, to: query.to, manager: client.role === 'manager' ? client.extension : query.manager };
}
