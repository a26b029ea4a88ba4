import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { LiveListen, Listener } from '../../../services/live-listen.js';
import { clientOf } from '../api-client.js';
import { authErrors, bearerSecurity } from '../schemas/api-route.js';
import { errorRef } from '../schemas/error-response.js';

const params = {
  type: 'object',
  required: ['callId'],
  properties: { callId: { type: 'string', minLength: 1, maxLength: 1024 }, listenId: { type: 'string', pattern: '^[0-9A-Za-z._-]{1,128}$' } },
} as const;
const sdpBody = { type: 'object', required: ['sdp'], additionalProperties: false, properties: { sdp: { type: 'string', minLength: 10, maxLength: 20_000 } } } as const;

function listenerOf(request: FastifyRequest): Listener {
  const client = clientOf(request);
  return { name: client.name, role: client.role, ip: request.ip, userAgent: request.headers['user-agent'] ?? null };
}

/**
 * Live listening (supervisors and admins): POST gives an SDP offer for a receive-only
 * WebRTC leg of the call's media, the browser answers it, DELETE ends it. Audited.
 */
export const liveListenRoutes: FastifyPluginAsync<{ listen: LiveListen }> = async (app, { listen }) => {
  app.post<{ Params: { callId: string } }>(
    '/api/calls/:callId/listen',
    {
      schema: {
        summary: 'Listen to a call in progress (supervisors and admins): an SDP offer for the browser',
        description: 'Both parties, one audio section each, receive-only, over ICE and DTLS-SRTP from rtpengine. Audited as live-listen; a manager is refused (403) and the attempt audited.',
        tags: ['calls'],
        security: bearerSecurity,
        params,
        response: {
          200: { type: 'object', required: ['sdp', 'listenId'], properties: { sdp: { type: 'string' }, listenId: { type: 'string' } } },
          403: errorRef,
          404: errorRef,
          ...authErrors,
        },
      },
    },
    async (request) => listen.start(request.params.callId, listenerOf(request)),
  );

  app.post<{ Params: { callId: string; listenId: string }; Body: { sdp: string } }>(
    '/api/calls/:callId/listen/:listenId/answer',
    {
      schema: {
        summary: "The listening browser's SDP answer",
        tags: ['calls'],
        security: bearerSecurity,
        params,
        body: sdpBody,
        response: { 204: { type: 'null' }, 400: errorRef, 403: errorRef, 404: errorRef, ...authErrors },
      },
    },
    async (request, reply) => {
      await listen.answer(request.params.callId, request.params.listenId, request.body.sdp, listenerOf(request));
      return reply.code(204).send();
    },
  );

  app.delete<{ Params: { callId: string; listenId: string } }>(
    '/api/calls/:callId/listen/:listenId',
    {
      schema: { summary: 'Stop listening', tags: ['calls'], security: bearerSecurity, params, response: { 204: { type: 'null' }, 403: errorRef, ...authErrors } },
    },
    async (request, reply) => {
      await listen.stop(request.params.callId, request.params.listenId, listenerOf(request));
      return reply.code(204).send();
    },
  );
};
