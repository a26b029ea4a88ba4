import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { SESSION_COOKIE } from '../session/session-cookie.js';
import fp from 'fastify-plugin';

/**
 * OpenAPI document built from the route schemas, served at /docs (UI) and /docs/json.
 * Must be registered before the routes: it collects them through the onRoute hook.
 */
export const apiDocsPlugin = fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.0.3',
        info: {
          title: 'Leadline API',
          description: 'Call history, live routing and health of the Leadline virtual PBX.',
          version: '0.1.0',
        },
        components: {
          securitySchemes: {
            bearerAuth: { type: 'http', scheme: 'bearer' },
            sessionCookie: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          },
        },
      },
      // Shared schemas keep their $id (CallRecord, ManagerView ...) as their name in
      // components/schemas, rather than def-0, def-1, which say nothing to a client's code generator.
      refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
  },
  { name: 'api-docs', fastify: '5.x' },
);
