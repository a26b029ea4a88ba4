import type { FastifyPluginAsync } from 'fastify';
import type { CallBrowsing } from '../../../services/call-browser.js';
import { clientOf } from '../api-client.js';
import { callFilterOf, callListQuerySchema, type CallListQuery } from '../call-list-query.js';
import { reportRateLimit } from '../report-rate-limit.js';
import { pageJsonSchema } from '../schemas/page-json.js';
import { authErrors, bearerSecurity } from '../schemas/api-route.js';
import { browsedCallJsonSchema, browsedCallRef } from '../schemas/browsed-call-json.js';
import { errorRef } from '../schemas/error-response.js';

export interface CallBrowserRoutesOptions {
  browser: CallBrowsing;
  /** Per token or account (report-rate-limit.ts). */
  reportsPerMinute: number;
}

/**
 * GET /api/call-browser: the supervisor console's "Calls and recordings" page. The same
 * query and manager scoping as GET /api/calls (src/adapters/http/call-list-query.ts); each
 * call comes with its client's number, its recording's state and its client's CRM lead.
 */
export const callBrowserRoutes: FastifyPluginAsync<CallBrowserRoutesOptions> = async (app, { browser, reportsPerMinute }) => {
  app.addSchema(browsedCallJsonSchema);

  app.get<{ Querystring: CallListQuery }>(
    '/api/call-browser',
    {
      config: reportRateLimit(reportsPerMinute),
      schema: {
        summary: 'List finished calls with their recording and CRM lead, newest first',
        description: "A manager token lists only its own manager's calls; asking for another manager's is 403.",
        tags: ['calls'],
        security: bearerSecurity,
        querystring: callListQuerySchema,
        response: { 200: pageJsonSchema(browsedCallRef, 'Calls'), 400: errorRef, 403: errorRef, ...authErrors },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await browser.list(callFilterOf(clientOf(request), q), { limit: q.limit, offset: q.offset });
      return { items: page.items, total: page.total, limit: q.limit, offset: q.offset };
    },
  );
};
