import type { FastifyRequest } from 'fastify';

/**
 * The route config of a heavy report (KPI table, call browser): each reads many rows, so
 * each caller gets its own small budget on top of the per-address limit. Keyed by the
 * token or console account, not the address: a team behind one office NAT does not share
 * one budget, and one client cannot spend everyone's. The api-auth hook has named the
 * client by the time this runs (route-level hooks follow the app's).
 */
export function reportRateLimit(perMinute: number) {
  return { rateLimit: { max: perMinute, timeWindow: '1 minute', keyGenerator: reportClientKey } };
}

function reportClientKey(request: FastifyRequest): string {
  const client = request.apiClient;
  return client === null ? `ip:${request.ip}` : `${client.credential}:${client.name}`;
}
