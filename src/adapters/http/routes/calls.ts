import type { FastifyPluginAsync } from 'fastify';
import { DISPOSITIONS, type Direction, type Disposition } from '../../../core/calls/call-record.js';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, type CallStore } from '../../../core/calls/call-store.port.js';
import { AppError, NotFoundError } from '../../../core/errors/app-error.js';
import { clientOf, coversManager, forbidden, type ApiClient } from '../api-client.js';
import { authErrors, bearerSecurity } from '../schemas/api-route.js';
import { callRecordJsonSchema, callRecordRef, toCallRecordJson } from '../schemas/call-record-json.js';
import { errorRef } from '../schemas/error-response.js';
import { extensionJsonSchema } from '../schemas/manager-json.js';

export interface CallsRoutesOptions {
  callStore: CallStore;
}

interface ListQuery {
  manager?: string;
  from?: string;
  to?: string;
  direction?: Direction;
  disposition?: Disposition;
  limit: number;
  offset: number;
}

const listQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    manager: { ...extensionJsonSchema, description: 'Manager extension, e.g. 101; a manager token sees only its own' },
    from: { type: 'string', format: 'date-time', description: 'Calls started at or after this instant' },
    to: { type: 'string', format: 'date-time', description: 'Calls started before this instant' },
    direction: { type: 'string', enum: ['inbound', 'outbound', 'internal'] },
    disposition: { type: 'string', enum: [...DISPOSITIONS] },
    limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE_LIMIT, default: DEFAULT_PAGE_LIMIT },
    offset: { type: 'integer', minimum: 0, default: 0 },
  },
} as const;

const callListSchema = {
  type: 'object',
  required: ['items', 'total', 'limit', 'offset'],
  properties: {
    items: { type: 'array', items: callRecordRef },
    total: { type: 'integer', description: 'Calls matching the filter, over all pages' },
    limit: { type: 'integer' },
    offset: { type: 'integer' },
  },
} as const;

/**
 * Read-only call history: GET /api/calls (filtered, paged, newest first) and GET /api/calls/:id.
 * A manager token sees only the calls whose `manager` is its own manager.
 */
export const callsRoutes: FastifyPluginAsync<CallsRoutesOptions> = async (app, { callStore }) => {
  app.addSchema(callRecordJsonSchema);

  app.get<{ Querystring: ListQuery }>(
    '/api/calls',
    {
      schema: {
        summary: 'List finished calls, newest first',
        description: "A manager token lists only its own manager's calls; asking for another manager's is 403.",
        tags: ['calls'],
        security: bearerSecurity,
        querystring: listQuerySchema,
        response: { 200: callListSchema, 400: errorRef, 403: errorRef, ...authErrors },
      },
    },
    async (request) => {
      const q = request.query;
      const manager = managerFilter(clientOf(request), q.manager);
      const from = q.from === undefined ? undefined : new Date(q.from);
      const to = q.to === undefined ? undefined : new Date(q.to);
      if (from && to && from >= to) {
        throw new AppError('REQUEST.INVALID', 'querystring/from must be earlier than querystring/to', 400);
      }
      const page = await callStore.listCalls(
        { manager, from, to, direction: q.direction, disposition: q.disposition },
        { limit: q.limit, offset: q.offset },
      );
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

/**
 * A manager token is held to its own manager. Asking for another manager's calls is 403
 * rather than an empty page, so a client's mistake shows instead of looking like a quiet day.
 */
function managerFilter(client: ApiClient, asked: string | undefined): string | undefined {
  if (client.role !== 'manager') return asked;
  if (asked === undefined || asked === client.extension) return client.extension;
  throw forbidden(`Token "${client.name}" belongs to manager ${client.extension} and may list only his calls, not manager ${asked}'s.`);
}
