import type { FastifyPluginAsync } from 'fastify';
import type { ReviewQueue } from '../../../services/review-queue.js';
import { clientOf, requireRole } from '../api-client.js';
import { authErrors, bearerSecurity } from '../schemas/api-route.js';
import { errorRef } from '../schemas/error-response.js';

const itemJsonSchema = {
  type: 'object',
  required: ['callId', 'day', 'manager', 'weight', 'reasons', 'marks', 'score', 'note', 'reviewer', 'reviewedAt'],
  properties: {
    callId: { type: 'string' },
    day: { type: 'string', format: 'date' },
    manager: { type: 'string' },
    weight: { type: 'number', description: 'How strongly the call was drawn (1 ordinary; more for a short call or a long monologue)' },
    reasons: { type: 'array', items: { type: 'string', enum: ['weak-manager', 'short-call', 'long-monologue'] } },
    marks: { type: ['object', 'null'], additionalProperties: { type: 'boolean' } },
    score: { type: ['number', 'null'], description: 'Share of the checklist passed, 0..1' },
    note: { type: ['string', 'null'] },
    reviewer: { type: ['string', 'null'] },
    reviewedAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

/** The quality-control review queue: supervisors and admins only. */
export const reviewsRoutes: FastifyPluginAsync<{ queue: ReviewQueue }> = async (app, { queue }) => {
  app.get<{ Querystring: { day?: string } }>(
    '/api/reviews',
    {
      preHandler: requireRole('admin', 'supervisor'),
      schema: {
        summary: "A finished day's review queue: recorded calls picked for a supervisor to listen to and score",
        description: 'Drawn once per day, by whoever opens it first (audited); weak managers get twice the calls. Default day: yesterday (routing.timezone).',
        tags: ['kpi'],
        security: bearerSecurity,
        querystring: { type: 'object', additionalProperties: false, properties: { day: { type: 'string', format: 'date' } } },
        response: {
          200: { type: 'object', required: ['day', 'checklist', 'items'], properties: { day: { type: 'string' }, checklist: { type: 'array', items: { type: 'string' } }, items: { type: 'array', items: itemJsonSchema } } },
          400: errorRef,
          403: errorRef,
          ...authErrors,
        },
      },
    },
    async (request) => queue.queue(request.query.day, clientOf(request).name),
  );

  app.post<{ Params: { callId: string }; Body: { marks: Record<string, boolean>; note?: string } }>(
    '/api/reviews/:callId',
    {
      preHandler: requireRole('admin', 'supervisor'),
      schema: {
        summary: 'Score a picked call on the checklist (console.review.checklist), with a note',
        tags: ['kpi'],
        security: bearerSecurity,
        params: { type: 'object', required: ['callId'], properties: { callId: { type: 'string', minLength: 1, maxLength: 256 } } },
        body: {
          type: 'object',
          required: ['marks'],
          additionalProperties: false,
          properties: {
            marks: { type: 'object', maxProperties: 50, additionalProperties: { type: 'boolean' } },
            note: { type: 'string', maxLength: 2000 },
          },
        },
        response: { 200: itemJsonSchema, 400: errorRef, 403: errorRef, 404: errorRef, ...authErrors },
      },
    },
    async (request) => queue.score(request.params.callId, request.body.marks, request.body.note?.trim() || null, clientOf(request).name),
  );
};
