import type { FastifyPluginAsync } from 'fastify';
import type { TrunkView } from '../../../services/trunk-status.js';
import { authErrors, bearerSecurity } from '../schemas/api-route.js';

export interface TrunksRoutesOptions {
  trunks: { list(): TrunkView[] };
}

const trunkJsonSchema = {
  type: 'object',
  required: ['name', 'kind', 'state', 'since'],
  properties: {
    name: { type: 'string' },
    kind: { type: 'string', enum: ['address', 'registering'] },
    state: { type: 'string', enum: ['trusted', 'pending', 'registered', 'unregistered'], description: 'trusted: an address-trusted trunk; the others: a registering trunk\'s registration' },
    since: { type: ['integer', 'null'], description: 'Epoch ms of the last change of state' },
  },
} as const;

/** GET /api/trunks: each trunk and, for a registering one, whether its provider has us registered. */
export const trunksRoutes: FastifyPluginAsync<TrunksRoutesOptions> = async (app, { trunks }) => {
  app.get(
    '/api/trunks',
    {
      schema: {
        summary: 'The trunks and their registration state',
        tags: ['trunks'],
        security: bearerSecurity,
        response: { 200: { type: 'object', required: ['trunks'], properties: { trunks: { type: 'array', items: trunkJsonSchema } } }, ...authErrors },
      },
    },
    async () => ({ trunks: trunks.list() }),
  );
};
