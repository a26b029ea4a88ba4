import type { FastifyPluginAsync } from 'fastify';
import type { ApiRole } from '../../../config/config-schema.js';
import { DELIVERY_STATUSES, type DeliveryStatus, type WebhookAdmin } from '../../../core/webhooks/webhook-admin.port.js';
import { clientOf, listRoles, requireRole } from '../api-client.js';
import { authErrors, bearerSecurity } from '../schemas/api-route.js';
import { errorRef } from '../schemas/error-response.js';
import { deliveryViewJsonSchema, deliveryViewRef, endpointViewJsonSchema, endpointViewRef } from '../schemas/webhook-json.js';

export interface WebhooksRoutesOptions {
  webhooks: WebhookAdmin;
}

/** Deliveries carry clients' numbers and the CRM's endpoints; replays send data out: not for managers. */
const OPERATORS: readonly ApiRole[] = ['admin', 'supervisor'];
const note = `Needs ${listRoles(OPERATORS)} token.`;
const responsesOf = (ok: object) => ({ 200: ok, 403: errorRef, ...authErrors }) as const;

interface ListQuery {
  status?: DeliveryStatus;
  endpoint?: string;
  limit: number;
}

const nameParams = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1, maxLength: 63 } },
} as const;

/** The dead-letter list and replay, and the endpoints' state (a 410 disables one until it is enabled here). */
export const webhooksRoutes: FastifyPluginAsync<WebhooksRoutesOptions> = async (app, { webhooks }) => {
  app.addSchema(deliveryViewJsonSchema);
  app.addSchema(endpointViewJsonSchema);
  const preHandler = requireRole(...OPERATORS);

  app.get<{ Querystring: ListQuery }>(
    '/api/webhooks/deliveries',
    {
      preHandler,
      schema: {
        summary: 'Webhook deliveries by status, newest first (by default the failed and dead ones)',
        description: note,
        tags: ['webhooks'],
        security: bearerSecurity,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: { type: 'string', enum: DELIVERY_STATUSES, description: 'Without it: failed and dead' },
            endpoint: { type: 'string', minLength: 1, maxLength: 63 },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
          },
        },
        response: responsesOf({ type: 'object', required: ['items'], properties: { items: { type: 'array', items: deliveryViewRef } } }),
      },
    },
    async (request) => {
      const { status, endpoint, limit } = request.query;
      const statuses: DeliveryStatus[] = status ? [status] : ['failed', 'dead'];
      return { items: await webhooks.deliveries({ statuses, endpoint, limit }) };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/webhooks/deliveries/:id/replay',
    {
      preHandler,
      schema: {
        summary: 'Send a failed or dead delivery again, with the same webhook-id',
        description: `${note} The delivery goes back to pending with a fresh retry schedule; 409 when it is not failed or dead, or its endpoint is disabled.`,
        tags: ['webhooks'],
        security: bearerSecurity,
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 64 } } },
        response: { ...responsesOf(deliveryViewRef), 404: errorRef, 409: errorRef },
      },
    },
    async (request) => {
      const delivery = await webhooks.replay(request.params.id);
      request.log.info({ client: clientOf(request).name, delivery: delivery.id, endpoint: delivery.endpoint }, 'webhook delivery replayed');
      return delivery;
    },
  );

  app.get(
    '/api/webhooks/endpoints',
    {
      preHandler,
      schema: {
        summary: 'Configured webhook endpoints, whether a 410 disabled them, and their undelivered counts',
        description: note,
        tags: ['webhooks'],
        security: bearerSecurity,
        response: responsesOf({ type: 'object', required: ['endpoints'], properties: { endpoints: { type: 'array', items: endpointViewRef } } }),
      },
    },
    async () => ({ endpoints: await webhooks.endpoints() }),
  );

  app.post<{ Params: { name: string } }>(
    '/api/webhooks/endpoints/:name/enable',
    {
      preHandler,
      schema: {
        summary: 'Send to an endpoint again after a 410 disabled it',
        description: `${note} Deliveries that failed while it was disabled stay failed: replay the ones still wanted.`,
        tags: ['webhooks'],
        security: bearerSecurity,
        params: nameParams,
        response: { ...responsesOf(endpointViewRef), 404: errorRef },
      },
    },
    async (request) => {
      const endpoint = await webhooks.enable(request.params.name);
      request.log.info({ client: clientOf(request).name, endpoint: endpoint.name }, 'webhook endpoint enabled');
      return endpoint;
    },
  );
};
