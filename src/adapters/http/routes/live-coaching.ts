import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { COACH_MODES, type CoachMode } from '../../../core/calls/coaching.js';
import { AppError } from '../../../core/errors/app-error.js';
import type { LiveCoaching } from '../../../services/live-coaching.js';
import type { Listener } from '../../../services/live-listen.js';
import { clientOf, whoIs } from '../api-client.js';
import { authErrors, bearerSecurity } from '../schemas/api-route.js';
import { errorRef } from '../schemas/error-response.js';

const COACH_ID = '^[0-9a-f]{24}$';
const params = {
  type: 'object',
  required: ['callId'],
  properties: { callId: { type: 'string', minLength: 1, maxLength: 1024 }, coachId: { type: 'string', pattern: COACH_ID } },
} as const;
const sdp = { type: 'string', minLength: 10, maxLength: 20_000 } as const;

function listenerOf(request: FastifyRequest): Listener {
  const client = clientOf(request);
  return { name: client.name, role: client.role, ip: request.ip, userAgent: request.headers['user-agent'] ?? null };
}

/** The manager's own extension: only a manager has a browser phone to coach. */
function extensionOf(request: FastifyRequest): string {
  const client = clientOf(request);
  if (client.role !== 'manager') throw new AppError('PHONE.NO_EXTENSION', `${whoIs(client)} has the role ${client.role} and no browser phone.`, 403);
  return client.extension;
}

/**
 * Whisper and barge (supervisors and admins): the supervisor's browser posts its
 * send-only offer and gets rtpengine's answer; the manager's browser phone polls for the
 * sessions of its call and answers each. Audited; a manager is refused (403, audited).
 */
export const liveCoachingRoutes: FastifyPluginAsync<{ coaching: LiveCoaching }> = async (app, { coaching }) => {
  app.post<{ Params: { callId: string }; Body: { mode: CoachMode; sdp: string } }>(
    '/api/calls/:callId/coach',
    {
      schema: {
        summary: 'Whisper to the manager, or barge into a call in progress (supervisors and admins)',
        description:
          "The body carries the supervisor's browser's send-only SDP offer; the reply rtpengine's answer. whisper: the manager hears him, the client does not; " +
          "barge: both do (the manager's browser phone mixes him into the call). Needs the manager on the browser phone (409 otherwise). " +
          'Audited as whisper or barge; a manager is refused (403) and the attempt audited.',
        tags: ['calls'],
        security: bearerSecurity,
        params,
        body: { type: 'object', required: ['mode', 'sdp'], additionalProperties: false, properties: { mode: { type: 'string', enum: [...COACH_MODES] }, sdp } },
        response: {
          200: { type: 'object', required: ['coachId', 'sdp', 'extension'], properties: { coachId: { type: 'string' }, sdp: { type: 'string' }, extension: { type: 'string' } } },
          400: errorRef,
          403: errorRef,
          404: errorRef,
          409: errorRef,
          ...authErrors,
        },
      },
    },
    async (request) => coaching.start(request.params.callId, request.body.mode, request.body.sdp, listenerOf(request)),
  );

  app.delete<{ Params: { callId: string; coachId: string } }>(
    '/api/calls/:callId/coach/:coachId',
    {
      schema: { summary: 'Stop whispering or barging', tags: ['calls'], security: bearerSecurity, params, response: { 204: { type: 'null' }, 403: errorRef, 404: errorRef, ...authErrors } },
    },
    async (request, reply) => {
      await coaching.stop(request.params.callId, request.params.coachId, listenerOf(request));
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/phone/coaching',
    {
      schema: {
        summary: "The supervisors coaching the signed-in manager's call now (his browser phone asks every few seconds while talking)",
        tags: ['phone'],
        security: bearerSecurity,
        response: {
          200: {
            type: 'object',
            required: ['sessions'],
            properties: {
              sessions: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['coachId', 'callId', 'mode', 'supervisor', 'sdp'],
                  properties: { coachId: { type: 'string' }, callId: { type: 'string' }, mode: { type: 'string', enum: [...COACH_MODES] }, supervisor: { type: 'string' }, sdp: { type: 'string' } },
                },
              },
            },
          },
          403: errorRef,
          ...authErrors,
        },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return { sessions: await coaching.forManager(extensionOf(request)) };
    },
  );

  app.post<{ Params: { coachId: string }; Body: { sdp: string } }>(
    '/api/phone/coaching/:coachId/answer',
    {
      schema: {
        summary: "The manager's browser phone answers a coaching session's offer",
        tags: ['phone'],
        security: bearerSecurity,
        params: { type: 'object', required: ['coachId'], properties: { coachId: { type: 'string', pattern: COACH_ID } } },
        body: { type: 'object', required: ['sdp'], additionalProperties: false, properties: { sdp } },
        response: { 204: { type: 'null' }, 400: errorRef, 403: errorRef, 404: errorRef, ...authErrors },
      },
    },
    async (request, reply) => {
      await coaching.managerAnswer(extensionOf(request), request.params.coachId, request.body.sdp);
      return reply.code(204).send();
    },
  );
};
