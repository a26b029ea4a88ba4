import { clientKeyOf } from './api-client.js';

/**
 * The route config of a heavy report (KPI table, call browser): each reads many rows, so
 * each caller gets its own small budget on top of the per-address limit, so one client
 * cannot spend everyone's. The api-auth hook has named the client by the time this runs
 * (route-level hooks follow the app's).
 */
export function reportRateLimit(perMinute: number) {
  return { rateLimit: { max: perMinute, timeWindow: '1 minute', keyGenerator: clientKeyOf } };
}
