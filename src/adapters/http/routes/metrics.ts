import type { FastifyPluginAsync } from 'fastify';
import type { Registry } from 'prom-client';
import { requireRole } from '../api-client.js';
import { bearerSecurity } from '../schemas/api-route.js';

export interface MetricsRoutesOptions {
  registry: Registry;
}

/**
 * GET /metrics in Prometheus' text format. It needs an admin or supervisor API token
 * (api-auth guards /metrics as it guards /api): the figures say how busy the sales
 * floor is and which CRM endpoints fail. Not rate-limited: Prometheus scrapes on a clock.
 */
export const metricsRoutes: FastifyPluginAsync<MetricsRoutesOptions> = async (app, { registry }) => {
  app.get(
    '/metrics',
    {
      config: { rateLimit: false },
      preHandler: requireRole('admin', 'supervisor'),
      schema: { summary: 'Prometheus metrics (bearer token of an admin or supervisor)', tags: ['health'], security: bearerSecurity },
    },
    async (_request, reply) => {
      const body = await registry.metrics();
      return reply.type(registry.contentType).send(body);
    },
  );
};
