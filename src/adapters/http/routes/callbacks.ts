import type { FastifyPluginAsync } from 'fastify';
import type { CallbackDesk, CallbackView } from '../../../services/callback-desk.js';
import { clientOf, requireRole, type ApiClient } from '../api-client.js';
import { authErrors, bearerSecurity } from '../schemas/api-route.js';
import { errorRef } from '../schemas/error-response.js';
import { extensionJsonSchema } from '../schemas/manager-json.js';

const callbackJsonSchema = {
  type: 'object',
  required: ['callId', 'scenario', 'clientNumber', 'companyNumber', 'manager', 'managerName', 'reason', 'createdAt', 'ageSeconds', 'dueAt', 'overdue', 'reassignedFrom', 'reassignedBy', 'reassignedAt'] satisfies (keyof CallbackView)[],
  properties: {
    callId: { type: 'string', description: 'The missed call the task is for' },
    scenario: { type: 'string' },
    clientNumber: { type: 'string', description: 'Digits of the number to call back' },
    companyNumber: { type: 'string' },
    manager: { type: ['string', 'null'], description: 'Who owes the callback; null: nobody was free to take it' },
    managerName: { type: ['string', 'null'] },
    reason: { type: 'string', description: 'Why the call was missed' },
    createdAt: { type: 'string', format: 'date-time' },
    ageSeconds: { type: 'number' },
    dueAt: { type: 'string', format: 'date-time', description: 'createdAt + console.callbackSlaMinutes' },
    overdue: { type: 'boolean' },
    reassignedFrom: { type: ['string', 'null'] },
    reassignedBy: { type: ['string', 'null'], description: 'The account or token that last reassigned it' },
    reassignedAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

const viewerOf = (client: ApiClient) => ({ role: client.role, extension: client.extension, name: client.name });

/** The callbacks page's API: open callback tasks, and their reassignment by a supervisor. */
export const callbacksRoutes: FastifyPluginAsync<{ desk: CallbackDesk }> = async (app, { desk }) => {
  app.get<{ Querystring: { manager?: string } }>(
    '/api/callbacks',
    {
      schema: {
        summary: 'Open callback tasks (missed calls to call back), oldest first, with their age against the callback SLA',
        description: 'A manager sees only his own tasks (his `manager` filter is ignored); supervisors and admins all, or one manager\'s.',
        tags: ['console'],
        security: bearerSecurity,
        querystring: { type: 'object', additionalProperties: false, properties: { manager: extensionJsonSchema } },
        response: {
          200: { type: 'object', required: ['items', 'slaMinutes'], properties: { items: { type: 'array', items: callbackJsonSchema }, slaMinutes: { type: 'integer' } } },
          400: errorRef,
          ...authErrors,
        },
      },
    },
    async (request) => desk.list(viewerOf(clientOf(request)), request.query.manager),
  );

  app.post<{ Params: { callId: string }; Body: { manager: string } }>(
    '/api/callbacks/:callId/assign',
    {
      preHandler: requireRole('admin', 'supervisor'),
      schema: {
        summary: 'Give an open callback task to another manager',
        description: 'Supervisors and admins only. 409 when the task is already done (the client was called back), 404 for no such task.',
        tags: ['console'],
        security: bearerSecurity,
        params: { type: 'object', required: ['callId'], properties: { callId: { type: 'string', minLength: 1, maxLength: 256 } } },
        body: { type: 'object', required: ['manager'], additionalProperties: false, properties: { manager: extensionJsonSchema } },
        response: { 200: callbackJsonSchema, 400: errorRef, 403: errorRef, 404: errorRef, 409: errorRef, ...authErrors },
      },
    },
    async (request) => {
      const client = clientOf(request);
      const task = await desk.reassign(viewerOf(client), request.params.callId, request.body.manager);
      request.log.info({ callId: task.callId, from: task.reassignedFrom, to: task.manager, by: client.name }, 'callback task reassigned');
      return task;
    },
  );
};
