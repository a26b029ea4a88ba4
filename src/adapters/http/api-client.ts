import type { FastifyRequest } from 'fastify';
import type { ApiRole } from '../../config/config-schema.js';
import { AppError } from '../../core/errors/app-error.js';

/**
 * Who is calling the API: the token's name and role. Only a manager token names a
 * manager, so code that scopes by `extension` cannot forget to check the role first.
 */
export type ApiClient = (
  | { name: string; role: 'admin' | 'supervisor'; extension: null }
  | { name: string; role: 'manager'; extension: string }
) & {
  /** An API token (machines) or a console account (a person signed in): replies name the right one. */
  credential: 'token' | 'account';
};

/** From an API token or a console account: both have a name, a role and, for a manager, his extension. */
export function apiClientOf(holder: { name: string; role: ApiRole; extension?: string }, credential: ApiClient['credential'] = 'token'): ApiClient {
  if (holder.role !== 'manager') return { name: holder.name, role: holder.role, extension: null, credential };
  // The config schema refuses a manager without an extension; this guards hand-built configs.
  if (holder.extension === undefined) throw new AppError('CONFIG.INVALID', `"${holder.name}" has the manager role but no extension`);
  return { name: holder.name, role: 'manager', extension: holder.extension, credential };
}

/** The client of a request under /api, where the api-auth hook has either set it or answered 401. */
export function clientOf(request: FastifyRequest): ApiClient {
  if (request.apiClient === null) {
    throw new AppError('INTERNAL', `${request.method} ${request.routeOptions.url} asks for an API client but is not under /api`);
  }
  return request.apiClient;
}

/**
 * Whose budget a request spends (rate limits, open streams): the token or console account,
 * not the address, so a team behind one office NAT does not share one budget.
 */
export function clientKeyOf(request: FastifyRequest): string {
  const client = request.apiClient;
  return client === null ? `ip:${request.ip}` : `${client.credential}:${client.name}`;
}

export function forbidden(sentence: string): AppError {
  return new AppError('AUTH.FORBIDDEN', sentence, 403);
}

/** A preHandler that lets only tokens of these roles through. */
export function requireRole(...roles: readonly ApiRole[]): (request: FastifyRequest) => Promise<void> {
  return async (request) => {
    const client = clientOf(request);
    if (roles.includes(client.role)) return;
    throw forbidden(
      `${request.method} ${request.routeOptions.url} needs ${listRoles(roles)} token; ${client.credential} "${client.name}" has the role ${client.role}.`,
    );
  };
}

/** Admin and supervisor tokens cover every manager; a manager token only its own manager. */
export function coversManager(client: ApiClient, extension: string | null): boolean {
  return client.role !== 'manager' || client.extension === extension;
}

/** "an admin or supervisor", for the sentences of 403 replies and the route descriptions. */
export function listRoles(roles: readonly ApiRole[]): string {
  const article = /^[aeiou]/.test(roles[0] ?? '') ? 'an' : 'a';
  return `${article} ${roles.join(' or ')}`;
}

/** "Token "crm"" or "Account "anna"", to start the sentence of a 403. */
export function whoIs(client: ApiClient): string {
  return `${client.credential === 'account' ? 'Account' : 'Token'} "${client.name}"`;
}
