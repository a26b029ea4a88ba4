import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ApiRole } from '../../../config/config-schema.js';
import { AppError } from '../../../core/errors/app-error.js';
import type { RoutingConsole } from '../../../services/routing-console.js';
import { clientOf, coversManager, forbidden, listRoles, requireRole, whoIs } from '../api-client.js';
import { authErrors, bearerSecurity } from '../schemas/api-route.js';
import { errorRef } from '../schemas/error-response.js';
import { extensionJsonSchema, managerViewJsonSchema, managerViewRef } from '../schemas/manager-json.js';
import { scenarioListJsonSchema, waitingListJsonSchema } from '../schemas/routing-json.js';

export interface RoutingRoutesOptions {
  routing: RoutingConsole;
}

interface ManagerParams {
  Params: { extension: string };
}

/** The queues and the dial plans are for the people who run the floor, not for the managers on it. */
const SUPERVISION: readonly ApiRole[] = ['admin', 'supervisor'];

const managerParamsSchema = {
  type: 'object',
  required: ['extension'],
  properties: { extension: extensionJsonSchema },
} as const;

const pauseBodySchema = {
  type: 'object',
  required: ['reason'],
  additionalProperties: false,
  properties: { reason: { type: 'string', minLength: 1, maxLength: 100, description: 'Shown on the board, e.g. "lunch"' } },
} as const;

const managerChangeResponses = { 200: managerViewRef, 403: errorRef, 404: errorRef, ...authErrors } as const;
const supervisionResponses = { 403: errorRef, ...authErrors } as const;
const supervisionNote = `Needs ${listRoles(SUPERVISION)} token.`;

/** Live routing over the RoutingConsole: managers' states and pauses, waiting calls, loaded scenarios. */
export const routingRoutes: FastifyPluginAsync<RoutingRoutesOptions> = async (app, { routing }) => {
  app.addSchema(managerViewJsonSchema);

  app.get(
    '/api/managers',
    {
      schema: {
        summary: "Every manager's live state",
        description: "Open to every role: managers see their colleagues on the board, but only their own calls' Call-IDs.",
        tags: ['routing'],
        security: bearerSecurity,
        response: {
          200: { type: 'object', required: ['managers'], properties: { managers: { type: 'array', items: managerViewRef } } },
          ...authErrors,
        },
      },
    },
    async (request) => {
      const client = clientOf(request);
      const managers = await routing.managers();
      // A colleague's live Call-ID is enough to aim a forged INVITE or CANCEL at his call.
      return { managers: managers.map((m) => (coversManager(client, m.extension) ? m : { ...m, callIds: [] })) };
    },
  );

  app.post<ManagerParams & { Body: { reason: string } }>(
    '/api/managers/:extension/pause',
    {
      preHandler: ownManagerUnlessSupervising,
      schema: {
        summary: 'Pause a manager: no calls are offered to him until he is unpaused',
        description: 'A manager token may pause only its own manager; admin and supervisor tokens any manager.',
        tags: ['routing'],
        security: bearerSecurity,
        params: managerParamsSchema,
        body: pauseBodySchema,
        response: { 400: errorRef, ...managerChangeResponses },
      },
    },
    async (request) => {
      const reason = request.body.reason.trim();
      if (reason === '') throw new AppError('REQUEST.INVALID', 'body/reason must say why, not only spaces', 400);
      const view = await routing.pause(request.params.extension, reason);
      request.log.info({ client: clientOf(request).name, extension: request.params.extension, reason }, 'manager paused');
      return view;
    },
  );

  app.post<ManagerParams>(
    '/api/managers/:extension/unpause',
    {
      preHandler: ownManagerUnlessSupervising,
      schema: {
        summary: 'Unpause a manager: calls are offered to him again',
        description: 'A manager token may unpause only its own manager; admin and supervisor tokens any manager.',
        tags: ['routing'],
        security: bearerSecurity,
        params: managerParamsSchema,
        response: managerChangeResponses,
      },
    },
    async (request) => {
      const view = await routing.unpause(request.params.extension);
      request.log.info({ client: clientOf(request).name, extension: request.params.extension }, 'manager unpaused');
      return view;
    },
  );

  app.get(
    '/api/waiting',
    {
      preHandler: requireRole(...SUPERVISION),
      schema: {
        summary: 'Calls waiting for a manager, by scenario',
        description: supervisionNote,
        tags: ['routing'],
        security: bearerSecurity,
        response: { 200: waitingListJsonSchema, ...supervisionResponses },
      },
    },
    async () => ({ scenarios: await routing.waiting() }),
  );

  app.get(
    '/api/scenarios',
    {
      preHandler: requireRole(...SUPERVISION),
      schema: {
        summary: 'Loaded dial plan scenarios and the files that failed to load',
        description: supervisionNote,
        tags: ['routing'],
        security: bearerSecurity,
        response: { 200: scenarioListJsonSchema, ...supervisionResponses },
      },
    },
    async () => routing.scenarios(),
  );
};

/**
 * Checked before the console is asked, so a manager token gets 403 for any other
 * extension, known or not, and cannot probe which extensions exist.
 */
async function ownManagerUnlessSupervising(request: FastifyRequest<ManagerParams>): Promise<void> {
  const client = clientOf(request);
  const { extension } = request.params;
  if (coversManager(client, extension)) return;
  throw forbidden(
    `${whoIs(client)} belongs to manager ${client.extension} and may pause or unpause only him; ` +
      `changing manager ${extension} needs ${listRoles(SUPERVISION)} token.`,
  );
}
