import type { FastifyPluginAsync } from 'fastify';
import { requireRole } from '../api-client.js';
import { authErrors, bearerSecurity } from '../schemas/api-route.js';
import type { ReloadReport } from '../../../services/config-reloader.js';
import { AppError, ConfigError } from '../../../core/errors/app-error.js';
import { errorRef } from '../schemas/error-response.js';


/**
 * POST /api/admin/reload: read the configuration file again and apply managers, API tokens
 * and console accounts live (the CLI calls it after editing the file; SIGHUP does the same).
 * A file that does not validate: 422 with the file:line sentences, nothing changed.
 */
export const adminReloadRoutes: FastifyPluginAsync<{ reload: (trigger: string) => Promise<ReloadReport> }> = async (app, { reload }) => {
  app.post(
    '/api/admin/reload',
    {
      preHandler: requireRole('admin'),
      schema: {
        summary: 'Reload the configuration file: managers, API tokens and console accounts apply live',
        description: 'The answer lists what was applied and the settings that differ but need a restart. An invalid file: 422, the running configuration stays.',
        tags: ['admin'],
        security: bearerSecurity,
        response: {
          200: {
            type: 'object',
            required: ['applied', 'needsRestart', 'kamailioUpdated'],
            properties: {
              applied: { type: 'array', items: { type: 'string' } },
              needsRestart: { type: 'array', items: { type: 'string' } },
              kamailioUpdated: { type: 'boolean', description: 'false: Kamailio is disconnected; every credential is pushed again when it reconnects' },
            },
          },
          403: errorRef,
          422: errorRef,
          ...authErrors,
        },
      },
    },
    async (request) => {
      try {
        return await reload(`api:${request.apiClient?.name ?? '?'}`);
      } catch (err) {
        // The loader's sentences name the file and line: the admin who asked needs them (a 5xx would hide them).
        if (err instanceof ConfigError) throw new AppError('CONFIG.INVALID', `${err.message}\nThe running configuration stays.`, 422);
        throw err;
      }
    },
  );
};
