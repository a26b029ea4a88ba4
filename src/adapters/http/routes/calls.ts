import type { FastifyPluginAsync } from 'fastify';
import type { Direction, Disposition } from '../../../core/calls/call-record.js';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, type CallStore } from '../../../core/calls/call-store.port.js';
import { AppError, NotFoundError } from '../../../core/errors/app-error.js';
import { callRecordJsonSchema, callRecordRef, toCallRecordJson } from '../schemas/call-record-json.js';
import { errorRef } from '../schemas/error-response.js';

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
    manager: { type: 'string', minLength: 1, maxLength: 32, description: 'Manager extension, e.g. 101' },
    from: { type: 'string', format: 'date-time', description: 'Calls started at or after this instant' },
    to: { type: 'string', format: 'date-time', description: 'Calls started before this instant' },
    direction: { type: 'string', enum: ['inbound', 'outbound', 'internal'] },
    disposition: { type: 'string', enum: ['answered', 'busy', 'no-answer', 'failed', 'cancelled'] },
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

const authErrors = { 401: errorRef, 429: errorRef, 500: errorRef } as const;

/** Read-only call history: GET /api/calls (filtered, paged, newest first) and GET /api/calls/:id. */
export const callsRoutes: FastifyPluginAsync<CallsRoutesOptions> = async (app, { callStore }) => {
  app.addSchema(callRecordJsonSchema);

  app.get<{ Querystring: ListQuery }>(
    '/api/calls',
    {
      schema: {
        summary: 'List finished calls, newest first',
        tags: ['calls'],
        security: [{ bearerAuth: [] }],
        querystring: listQuerySchema,
        response: { 200: callListSchema, 400: errorRef, ...authErrors },
      },
    },
    async (request) => {
      const q = request.query;
      const from = q.from === undefined ? undefined : new Date(q.from);
      const to = q.to === undefined ? undefined : new Date(q.to);
      if (from && to && from >= to) {
        throw new AppError('REQUEST.INVALID', 'querystring/from must be earlier than querystring/to', 400);
      }
      const page = await callStore.listCalls(
        { manager: q.manager, from, to, direction: q.direction, disposition: q.disposition },
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
        tags: ['calls'],
        security: [{ bearerAuth: [] }],
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
      if (!call) throw new NotFoundError(`Call ${request.params.id}`);
      return toCallRecordJson(call);
    },
  );
};
