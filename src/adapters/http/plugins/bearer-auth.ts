import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../../../config/config-schema.js';
import { AppError } from '../../../core/errors/app-error.js';
import { apiClientOf, type ApiClient } from '../api-client.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The API token the request used, with its role (config api.tokens[]); null off /api. */
    apiClient: ApiClient | null;
  }
}

export interface BearerAuthOptions {
  tokens: Config['api']['tokens'];
}

/**
 * Every /api route needs `Authorization: Bearer <token>`. Tokens are compared as SHA-256
 * digests with timingSafeEqual: the digests always have equal length, so neither the
 * content nor the length of a token leaks through response timing.
 */
export const bearerAuthPlugin = fp<BearerAuthOptions>(
  async (app, { tokens }) => {
    const known = tokens.map((t) => ({ client: apiClientOf(t), digest: digest(t.token) }));

    app.decorateRequest('apiClient', null);

    app.addHook('onRequest', async (request) => {
      if (!isApiRequest(request)) return;
      const header = request.headers.authorization;
      const match = header ? /^Bearer[ ]+(\S+)[ ]*$/i.exec(header) : null;
      if (!match) {
        throw new AppError('AUTH.MISSING', 'This endpoint needs an "Authorization: Bearer <token>" header.', 401);
      }
      const presented = digest(match[1]!);
      // Compare against every token, without stopping early, so timing does not say which matched.
      let client: ApiClient | null = null;
      for (const t of known) if (timingSafeEqual(presented, t.digest)) client = t.client;
      if (client === null) throw new AppError('AUTH.INVALID', 'The bearer token is not valid.', 401);
      request.apiClient = client;
    });
  },
  { name: 'bearer-auth', fastify: '5.x', dependencies: ['error-handler'] },
);

/**
 * Checks both the matched route and the raw path: the route covers percent-encoded paths
 * the router decodes, the raw path covers /api URLs that match no route (401, not 404,
 * so unauthenticated callers cannot map the API).
 */
function isApiRequest(request: FastifyRequest): boolean {
  const path = request.url.split('?')[0]!.toLowerCase();
  const route = request.routeOptions.url ?? '';
  return isApiPath(path) || isApiPath(route);
}

function isApiPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/');
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
