import type { FastifyPluginAsync } from 'fastify';
import { derivePhoneCredentials } from '../../../core/auth/phone-credentials.js';
import { AppError } from '../../../core/errors/app-error.js';
import type { CallerCards } from '../../../services/caller-cards.js';
import { clientOf, whoIs } from '../api-client.js';
import { authErrors, bearerSecurity } from '../schemas/api-route.js';
import { errorRef } from '../schemas/error-response.js';

export interface PhoneRoutesOptions {
  /** Shared with Kamailio's auth_ephemeral (render-config.ts derives both). */
  secret: string;
  ttlSeconds: number;
  /** The WebSocket address the browser opens. */
  wsUrl: string;
  domain: string;
  /** Names shown as the caller on colleagues' phones, by extension. */
  names: ReadonlyMap<string, string>;
  /** The caller's number and lead (GET /api/phone/caller); without it the route does not exist. */
  callers?: CallerCards;
  now?: () => number;
}

/**
 * POST /api/phone/credentials: the signed-in manager's browser phone asks for
 * short-lived SIP credentials for his own extension. The console session (or a
 * manager token) is the proof; the SIP password never leaves the server.
 */
export const phoneRoutes: FastifyPluginAsync<PhoneRoutesOptions> = async (app, opts) => {
  const now = opts.now ?? Date.now;
  app.post(
    '/api/phone/credentials',
    {
      schema: {
        summary: "Short-lived SIP credentials for the caller's own extension (the browser phone)",
        description:
          'For a manager (console account or manager token): a user name "<expiry>:<extension>" and a password Kamailio checks with auth_ephemeral, ' +
          'valid for webphone.credentialTtlSeconds, and the WebSocket address to register at. Other roles have no extension: 403.',
        tags: ['phone'],
        security: bearerSecurity,
        response: {
          200: {
            type: 'object',
            required: ['wsUrl', 'uri', 'username', 'password', 'expiresAt', 'extension', 'displayName'],
            properties: {
              wsUrl: { type: 'string' },
              uri: { type: 'string', description: 'sip:<extension>@<domain>' },
              username: { type: 'string', description: 'The digest user name: <expiry, UNIX seconds>:<extension>' },
              password: { type: 'string' },
              expiresAt: { type: 'string', format: 'date-time' },
              extension: { type: 'string' },
              displayName: { type: 'string' },
            },
          },
          403: errorRef,
          ...authErrors,
        },
      },
    },
    async (request, reply) => {
      const client = clientOf(request);
      if (client.role !== 'manager') {
        throw new AppError('PHONE.NO_EXTENSION', `${whoIs(client)} has the role ${client.role} and no extension of its own: the browser phone is for managers.`, 403);
      }
      const credentials = derivePhoneCredentials(opts.secret, client.extension, now(), opts.ttlSeconds);
      request.log.info({ login: client.name, extension: client.extension, expiresAt: new Date(credentials.expiresAt).toISOString() }, 'browser phone credentials issued');
      reply.header('cache-control', 'no-store');
      return {
        wsUrl: opts.wsUrl,
        uri: `sip:${client.extension}@${opts.domain}`,
        username: credentials.username,
        password: credentials.password,
        expiresAt: new Date(credentials.expiresAt).toISOString(),
        extension: client.extension,
        displayName: opts.names.get(client.extension) ?? client.extension,
      };
    },
  );

  const { callers } = opts;
  if (callers) {
    app.get<{ Querystring: { number: string } }>(
      '/api/phone/caller',
      {
        schema: {
          summary: 'The other party of a call on the browser phone: the number as people read it, and his lead in the CRM',
          description: "For a manager: the newest lead with this number that is his or nobody's (a colleague's stays hidden, as in /api/leads/:id).",
          tags: ['phone'],
          security: bearerSecurity,
          querystring: { type: 'object', required: ['number'], additionalProperties: false, properties: { number: { type: 'string', minLength: 1, maxLength: 64 } } },
          response: {
            200: {
              type: 'object',
              required: ['number', 'e164', 'lead'],
              properties: {
                number: { type: 'string' },
                e164: { type: ['string', 'null'] },
                lead: { type: ['object', 'null'], required: ['id', 'url'], properties: { id: { type: 'string' }, url: { type: ['string', 'null'] } } },
              },
            },
            403: errorRef,
            ...authErrors,
          },
        },
      },
      async (request) => {
        const client = clientOf(request);
        if (client.role !== 'manager') throw new AppError('PHONE.NO_EXTENSION', `${whoIs(client)} has the role ${client.role} and no browser phone.`, 403);
        return callers.lookup(request.query.number, client.extension);
      },
    );
  }
};
