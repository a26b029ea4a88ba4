import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../../../config/config-schema.js';
import { authErrors, bearerSecurity } from '../schemas/api-route.js';

export interface ConsoleSettings {
  timezone: string;
  defaultRegion: string;
  pauseReasons: string[];
  callbackSlaMinutes: number;
  serviceLevelSeconds: number;
  managers: { extension: string; name: string }[];
  /** console.leadUrlTemplate: the leads page links each lead to the CRM ({id} replaced); null: no links. */
  leadUrlTemplate: string | null;
}

export function consoleSettingsOf(config: Pick<Config, 'routing' | 'phone' | 'console' | 'managers'>): ConsoleSettings {
  return {
    timezone: config.routing.timezone,
    defaultRegion: config.phone.defaultRegion,
    pauseReasons: config.console.pauseReasons,
    callbackSlaMinutes: config.console.callbackSlaMinutes,
    serviceLevelSeconds: config.console.wallboard.serviceLevelSeconds,
    managers: config.managers.map((m) => ({ extension: m.extension, name: m.name })),
    leadUrlTemplate: config.console.leadUrlTemplate ?? null,
  };
}

const settingsJsonSchema = {
  type: 'object',
  required: ['timezone', 'defaultRegion', 'pauseReasons', 'callbackSlaMinutes', 'serviceLevelSeconds', 'managers', 'leadUrlTemplate'] satisfies (keyof ConsoleSettings)[],
  properties: {
    timezone: { type: 'string', description: 'routing.timezone: the zone the console writes times and cuts days in' },
    defaultRegion: { type: 'string', description: 'phone.defaultRegion: numbers are formatted as seen from this region' },
    pauseReasons: { type: 'array', items: { type: 'string' }, description: 'console.pauseReasons: offered on the pause button' },
    callbackSlaMinutes: { type: 'integer', description: 'console.callbackSlaMinutes' },
    serviceLevelSeconds: { type: 'integer', description: 'console.wallboard.serviceLevelSeconds' },
    managers: {
      type: 'array',
      items: { type: 'object', required: ['extension', 'name'], properties: { extension: { type: 'string' }, name: { type: 'string' } } },
      description: 'Every configured manager: the console shows names, with the extension as detail',
    },
    leadUrlTemplate: { type: ['string', 'null'], description: 'console.leadUrlTemplate' },
  },
} as const;

/** GET /api/console/settings: what the console's pages need of the configuration, for every role. */
export const consoleSettingsRoutes: FastifyPluginAsync<{ settings: ConsoleSettings }> = async (app, { settings }) => {
  app.get(
    '/api/console/settings',
    {
      schema: {
        summary: "The console's settings: time zone, phone region, pause reasons, SLAs and the managers' names",
        tags: ['console'],
        security: bearerSecurity,
        response: { 200: settingsJsonSchema, ...authErrors },
      },
    },
    async () => settings,
  );
};
