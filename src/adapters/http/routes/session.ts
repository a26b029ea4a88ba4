import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { ConsoleConfig } from '../../../config/console-config-schema.js';
import type { AccessList } from '../access-list.js';
import { AppError } from '../../../core/errors/app-error.js';
import { clientOf } from '../api-client.js';
import { authErrors, bearerSecurity } from '../schemas/api-route.js';
import { errorRef } from '../schemas/error-response.js';
import { DECOY_HASH, verifyPassword } from '../session/password-hash.js';
import { SESSION_COOKIE } from '../session/session-cookie.js';
import type { SessionRevocations } from '../../../core/auth/session-revocations.port.js';
import { verifiedSession } from '../plugins/api-auth.js';

/** Sign-in attempts per client address per minute: enough for typos, too few to guess. */
const SIGN_IN_ATTEMPTS_PER_MINUTE = 10;

const whoJsonSchema = {
  type: 'object',
  required: ['login', 'name', 'role', 'extension'],
  properties: {
    login: { type: 'string', description: 'Console login, or the API token name' },
    name: { type: 'string' },
    role: { type: 'string', enum: ['admin', 'supervisor', 'manager'] },
    extension: { type: ['string', 'null'], description: 'The manager an account of role manager belongs to' },
    language: { type: ['string', 'null'], enum: ['ru', 'en', null], description: "The account's console language (console.users[].language); null: the browser's" },
  },
} as const;

/**
 * Console sign-in: POST /api/session checks a login and password from console.users and
 * sets the session cookie; GET says who the caller is; DELETE signs out.
 */
export const sessionRoutes: FastifyPluginAsync<{ console: ConsoleConfig; access: AccessList; sessions: SessionRevocations }> = async (app, { console: consoleConfig, access, sessions }) => {
  // The accounts are read on every request: a reload adds or removes them live (access-list.ts).
  const users = { get: (login: string) => access.user(login) };
  const maxAgeSeconds = Math.round(consoleConfig.sessionHours * 3600);

  app.post<{ Body: { login: string; password: string } }>(
    '/api/session',
    {
      config: { public: true, rateLimit: { max: SIGN_IN_ATTEMPTS_PER_MINUTE, timeWindow: '1 minute' } },
      schema: {
        summary: 'Sign in to the console: sets an HttpOnly session cookie',
        tags: ['console'],
        body: {
          type: 'object',
          required: ['login', 'password'],
          additionalProperties: false,
          properties: { login: { type: 'string', minLength: 1, maxLength: 64 }, password: { type: 'string', minLength: 1, maxLength: 256 } },
        },
        response: { 200: whoJsonSchema, 400: errorRef, 401: errorRef, 404: errorRef, 429: errorRef, 500: errorRef },
      },
    },
    async (request, reply) => {
      if (consoleConfig.sessionSecret === undefined) {
        throw new AppError('CONSOLE.NO_ACCOUNTS', 'Console sign-in is off: set console.sessionSecret and console.users.', 404);
      }
      const { login, password } = request.body;
      const user = users.get(login);
      // An unknown login costs the same scrypt as a known one, so timing does not tell them apart.
      const valid = await verifyPassword(password, user?.passwordHash ?? DECOY_HASH);
      if (!user || !valid) {
        request.log.warn({ login, ip: request.ip }, 'console sign-in refused');
        throw new AppError('AUTH.SIGN_IN_FAILED', 'The login or the password is wrong.', 401);
      }
      const token = await reply.jwtSign({ sub: user.login, sid: randomUUID(), gen: await sessions.generation(user.login) });
      reply.setCookie(SESSION_COOKIE, token, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: request.protocol === 'https',
        maxAge: maxAgeSeconds,
      });
      request.log.info({ login, role: user.role, ip: request.ip }, 'console sign-in');
      return { login: user.login, name: user.name, role: user.role, extension: user.extension ?? null, language: user.language ?? null };
    },
  );

  app.get(
    '/api/session',
    {
      schema: { summary: 'Who is signed in (or whose token this is)', tags: ['console'], security: bearerSecurity, response: { 200: whoJsonSchema, ...authErrors } },
    },
    async (request) => {
      const client = clientOf(request);
      const user = users.get(client.name);
      return { login: client.name, name: user?.name ?? client.name, role: client.role, extension: client.extension, language: user?.language ?? null };
    },
  );

  app.delete<{ Querystring: { everywhere?: boolean } }>(
    '/api/session',
    {
      config: { public: true },
      schema: {
        summary: 'Sign out: this session is refused from now on (every instance), and its cookie is cleared',
        description: '?everywhere=true signs out every session of this login, on every browser (a lost laptop). That needs a live session.',
        tags: ['console'],
        querystring: { type: 'object', additionalProperties: false, properties: { everywhere: { type: 'boolean', default: false } } },
        response: { 204: { type: 'null' }, 400: errorRef, 401: errorRef },
      },
    },
    async (request, reply) => {
      const session = consoleConfig.sessionSecret === undefined || request.cookies[SESSION_COOKIE] === undefined ? null : await verifiedSession(request);
      if (request.query.everywhere) {
        if (!session || !(await sessions.isAlive(session))) throw new AppError('AUTH.SESSION_EXPIRED', 'Signing out everywhere needs a live console session: sign in first.', 401);
        await sessions.revokeAll(session.login);
        request.log.info({ login: session.login, ip: request.ip }, 'console signed out everywhere');
      } else if (session) {
        await sessions.revoke(session.sid, session.expiresAt);
        request.log.info({ login: session.login, ip: request.ip }, 'console sign-out');
      }
      return reply.clearCookie(SESSION_COOKIE, { path: '/' }).code(204).send();
    },
  );
};
