import type { FastifyPluginAsync } from 'fastify';
import type { ClickToCallStarted } from '../../../services/click-to-call.js';
import { clientOf, forbidden, whoIs } from '../api-client.js';
import { authErrors, bearerSecurity } from '../schemas/api-route.js';
import { errorRef } from '../schemas/error-response.js';
import { extensionJsonSchema } from '../schemas/manager-json.js';

export interface ClickToCallPort {
  start(extension: string, target: string | { leadId: string }, asManager?: string): Promise<ClickToCallStarted>;
}

/** POST /api/calls: the CRM card's "call" button. */
export const clickToCallRoutes: FastifyPluginAsync<{ clickToCall: ClickToCallPort }> = async (app, { clickToCall }) => {
  app.post<{ Body: { manager: string; phone?: string; leadId?: string } }>(
    '/api/calls',
    {
      schema: {
        summary: 'Click-to-call: ring the manager, then connect him to the client',
        description:
          "The manager's phone rings first (with an auto-answer hint); when he answers, his phone is referred to the client and calls out through the trunk: " +
          'an ordinary outbound call, recorded and counted as a dial. 202 means the manager is being rung. A manager token may only call as himself, and by leadId only his own leads (another\'s is 404, as an unknown id is).',
        tags: ['calls'],
        security: bearerSecurity,
        body: {
          type: 'object',
          required: ['manager'],
          additionalProperties: false,
          // Exactly one of them: the number, or the CRM lead whose number it is.
          oneOf: [{ required: ['phone'] }, { required: ['leadId'] }],
          properties: {
            manager: extensionJsonSchema,
            phone: { type: 'string', minLength: 3, maxLength: 40, description: 'The client\'s number, any format ("8 (495) 123-45-67", "+74951234567")' },
            leadId: { type: 'string', minLength: 1, maxLength: 128, description: 'A lead the CRM sent (POST /api/leads): its number is called' },
          },
        },
        response: {
          202: {
            type: 'object',
            required: ['manager', 'phone', 'status'],
            properties: { manager: { type: 'string' }, phone: { type: 'string' }, status: { type: 'string', enum: ['ringing-manager'] } },
          },
          400: errorRef,
          404: errorRef,
          409: errorRef,
          503: errorRef,
          ...authErrors,
        },
      },
    },
    async (request, reply) => {
      const client = clientOf(request);
      if (client.role === 'manager' && client.extension !== request.body.manager) {
        throw forbidden(`${whoIs(client)} belongs to manager ${client.extension} and may place calls only as himself.`);
      }
      reply.code(202);
      const { manager, phone, leadId } = request.body;
      return clickToCall.start(manager, leadId !== undefined ? { leadId } : phone!, client.role === 'manager' ? client.extension : undefined);
    },
  );
};
