import type { FastifyPluginAsync } from 'fastify';
import type { CallStore } from '../../../core/calls/call-store.port.js';
import { NotFoundError } from '../../../core/errors/app-error.js';
import { clientOf, coversManager } from '../api-client.js';
import { callFilterOf, callListQuerySchema, type CallListQuery } from '../call-list-query.js';
import { pageJsonSchema } from '../schemas/page-json.js';
import { authErrors, bearerSecurity } from '../schemas/api-route.js';
import { callRecordJsonSchema, callRecordRef, toCallRecordJson } from '../schemas/call-record-json.js';
import { errorRef } from '../schemas/error-response.js';

export interface CallsRoutesOptions {
  callStore: CallStore;
}

const callListSchema = pageJsonSchema(callRecordRef, 'Calls');

/**
 * Read-only call history: GET /api/calls (filtered, paged, newest first) and GET /api/calls/:id.
 * A manager token sees only the calls whose `manager` is its own manager.
 */
export const callsRoutes: FastifyPluginAsync<CallsRoutesOptions> = async (app, { callStore }) => {
  app.addSchema(callRecordJsonSchema);

  app.get<{ Querystring: CallListQuery }>(
    '/api/calls',
    {
      schema: {
        summary: 'List finished calls, newest first',
        description: "A manager token lists only its own manager's calls; asking for another manager's is 403.",
        tags: ['calls'],
        security: bearerSecurity,
        querystring: callListQuerySchema,
        response: { 200: callListSchema, 400: errorRef, 403: errorRef, ...authErrors },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await callStore.listCalls(callFilterOf(clientOf(request), q), { limit: q.limit, offset: q.offset });
      return { items: page.items.map(toCallRecordJson), total: page.total, limit: q.limit, offset: q.offset };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/calls/:id',
    {
      schema: {
        summary: 'One call with its ring attempts',
        description: "A manager token gets 404 for another manager's call, as for an unknown one.",
        tags: ['calls'],
        security: bearerSecurity,
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', minLength: 1, maxLength: 256, description: 'SIP Call-ID' } },
        },
        response: { 200: callRecordRef, 404: errorRef, ...authErrors },
      },
    },
    async (request) => {
      const call = await callStore.getCall(request.params.id);
      // 404, not 403, for another manager's call: the reply must not differ from an unknown
      // Call-ID's, or a manager could learn which calls exist and when colleagues had them.
      if (!call || !coversManager(clientOf(request), call.manager)) throw new NotFoundError(`Call ${request.params.id}`);
      return toCallRecordJson(call);
    },
  );
};
