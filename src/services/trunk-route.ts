import type { Config } from '../config/config-schema.js';
import type { RouteTarget } from '../core/calls/routing-decision.js';

/** An external callee gets longer to pick up than a manager on shift. */
const OUTBOUND_RING_TIMEOUT_MS = 60_000;

/**
 * The route out through the trunk. A manager's own call shows the company's
 * caller ID; a forwarded inbound call keeps the client's.
 */
export function trunkRoute(config: Config, number: string, withCompanyCallerId: boolean): RouteTarget {
  const trunk = config.trunks[0]!;
  const uri = `sip:${number}@${trunk.address}:${trunk.port}`;
  return { uri, ringTimeoutMs: OUTBOUND_RING_TIMEOUT_MS, ...(withCompanyCallerId ? { fromUri: `sip:${trunk.callerId}@${config.sip.domain}` } : {}) };
}
