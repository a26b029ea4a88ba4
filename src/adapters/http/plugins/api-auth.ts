import { createHash, timingSafeEqual } from 'node:crypto';
import cookie from '@fastify/cookie';
import jwt from '@fastify/jwt';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../../../config/config-schema.js';
import { AppError } from '../../../core/errors/app-error.js';
import { apiClientOf, type ApiClient } from '../api-client.js';
import type { AccessList } from '../access-list.js';
import type { SessionRevocations } from '../../../core/auth/session-revocations.port.js';
import { SESSION_COOKIE } from '../session/session-cookie.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling /api: a token with its role (config api.tokens[]) or a signed-in console user; null off /api. */
    apiClient: ApiClient | null;
    /** The console session the request came with (null with a token, or off /api): its streams end with it. */
    consoleSession: ConsoleSession | null;
  }
  interface FastifyContextConfig {
    /** An /api route anyone may call (signing in). */
    public?: boolean;
  }
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    /** sub: the login; sid: this session; gen: the login's generation when it was signed (session-revocations.port.ts). */
    payload: { sub: string; sid: string; gen: number };
    user: { sub: string; sid: string; gen: number; exp: number };
  }
}

export interface ConsoleSession {
  login: string;
  sid: string;
  gen: number;
  /** Epoch ms when the cookie expires. */
  expiresAt: number;
}

export interface ApiAuthOptions {
  /** The tokens and console accounts, read on every request: a reload changes them live. */
  access: AccessList;
  console: Config['console'];
  sessions: SessionRevocations;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every /api route needs a caller: `Authorization: Bearer <token>` for machines, or the
 * session cookie of a console user signed in at POST /api/session (a browser's <audio>
 * and EventSource cannot send headers). Tokens are compared as SHA-256 digests with
 * timingSafeEqual: the digests always have equal length, so neither the content nor the
 * length of a token leaks through response timing.
 */
export const apiAuthPlugin = fp<ApiAuthOptions>(
  async (app, { access, console: consoleConfig, sessions }) => {
    // Digests computed once per token list, again only when a reload replaced it.
    let known: { client: ApiClient; digest: Buffer }[] = [];
    let knownOf: AccessList['tokens'] | null = null;
    const currentTokens = () => {
      if (knownOf !== access.tokens) {
        knownOf = access.tokens;
        known = knownOf.map((t) => ({ client: apiClientOf(t), digest: digest(t.token) }));
      }
      return known;
    };

    await app.register(cookie);
    if (consoleConfig.sessionSecret !== undefined) {
      await app.register(jwt, {
        secret: consoleConfig.sessionSecret,
        cookie: { cookieName: SESSION_COOKIE, signed: false },
        sign: { expiresIn: Math.round(consoleConfig.sessionHours * 3600) },
      });
    }

    app.decorateRequest('apiClient', null);
    app.decorateRequest('consoleSession', null);

    app.addHook('onRequest', async (request) => {
      if (!isApiRequest(request) || request.routeOptions.config.public === true) return;
      const header = request.headers.authorization;
      if (header === undefined && request.cookies[SESSION_COOKIE] !== undefined && consoleConfig.sessionSecret !== undefined) {
        request.apiClient = await sessionClient(request);
        return;
      }
      const match = header ? /^Bearer[ ]+(\S+)[ ]*$/i.exec(header) : null;
      if (!match) {
        throw new AppError('AUTH.MISSING', 'This endpoint needs an "Authorization: Bearer <token>" header or a console session.', 401);
      }
      const presented = digest(match[1]!);
      // Compare against every token, without stopping early, so timing does not say which matched.
      let client: ApiClient | null = null;
      for (const t of currentTokens()) if (timingSafeEqual(presented, t.digest)) client = t.client;
      if (client === null) throw new AppError('AUTH.INVALID', 'The bearer token is not valid.', 401);
      request.apiClient = client;
    });

    /**
     * The cookie names the login; role and extension are read from the configuration on
     * every request, so a changed role or a removed account takes effect at the next reload.
     * A signed-out session is refused here, on every request, on every instance.
     */
    async function sessionClient(request: FastifyRequest): Promise<ApiClient> {
      const session = await verifiedSession(request);
      if (!session) throw new AppError('AUTH.SESSION_EXPIRED', 'The console session has expired or is not valid: sign in again.', 401);
      if (!(await sessions.isAlive(session))) throw new AppError('AUTH.SESSION_REVOKED', 'This console session was signed out: sign in again.', 401);
      const login = session.login;
      request.consoleSession = session;
      const user = access.user(login);
      if (!user) throw new AppError('AUTH.SESSION_EXPIRED', `The account "${login}" no longer exists: sign in again.`, 401);
      if (!SAFE_METHODS.has(request.method)) requireSameOrigin(request);
      return apiClientOf({ name: user.login, role: user.role, extension: user.extension }, 'account');
    }
  },
  { name: 'api-auth', fastify: '5.x', dependencies: ['error-handler'] },
);

/** The session in the request's cookie when its signature and expiry hold; null otherwise (revocation not checked). */
export async function verifiedSession(request: FastifyRequest): Promise<ConsoleSession | null> {
  try {
    const { sub, sid, gen, exp } = await request.jwtVerify<{ sub: string; sid?: string; gen?: number; exp: number }>({ onlyCookie: true });
    // A cookie signed before sessions had ids cannot be signed out: refused, the user signs in again.
    if (typeof sid !== 'string' || typeof gen !== 'number') return null;
    return { login: sub, sid, gen, expiresAt: exp * 1000 };
  } catch {
    return null;
  }
}

/**
 * A cookie is sent whoever's page makes the request. SameSite=Strict already keeps it off
 * other sites' requests; checking the browser's own Sec-Fetch-Site and Origin headers
 * refuses a forged change even from a browser that ignores SameSite.
 */
function requireSameOrigin(request: FastifyRequest): void {
  const site = request.headers['sec-fetch-site'];
  const origin = request.headers.origin;
  const sameSite = site === undefined || site === 'same-origin' || site === 'none';
  // Hosts, not schemes: behind a TLS-terminating proxy the page is https and the request here http.
  const sameOrigin = origin === undefined || isOriginOfHost(origin, request.host);
  if (!sameSite || !sameOrigin) {
    throw new AppError('AUTH.CROSS_SITE', `A console session cannot change anything from another site (origin ${origin ?? site}).`, 403);
  }
}

/** Compared as URLs under the origin's scheme, so a default port written or not is the same host. */
function isOriginOfHost(origin: string, host: string): boolean {
  try {
    const page = new URL(origin);
    return new URL(`${page.protocol}//${host}`).host === page.host;
  } catch {
    return false;
  }
}

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

/** /metrics needs a token as the API does: its figures describe the business. */
function isApiPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/') || path === '/metrics';
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
