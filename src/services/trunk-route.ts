import type { Config } from '../config/config-schema.js';
import type { RouteTarget } from '../core/calls/routing-decision.js';

/** An external callee gets longer to pick up than a manager on shift. */
const OUTBOUND_RING_TIMEOUT_MS = 60_000;

/**
 * The route out through the trunk. A manager's own call shows the company's
 * caller ID; a forwarded inbound call keeps the client's. A registering trunk's
 * provider knows the PBX by its account: the From is the account, the caller ID
 * goes in P-Asserted-Identity, and the request goes to the provider's domain
 * (through its outbound proxy when it has one).
 */
export function trunkRoute(config: Config, number: string, withCompanyCallerId: boolean): RouteTarget {
  const trunk = config.trunks[0]!;
  const base = { ringTimeoutMs: OUTBOUND_RING_TIMEOUT_MS };
  const reg = trunk.register;
  if (!reg) {
    const uri = `sip:${number}@${trunk.address}:${trunk.port}`;
    return { uri, ...base, ...(withCompanyCallerId ? { fromUri: `sip:${trunk.callerId}@${config.sip.domain}` } : {}) };
  }
  return {
    uri: `sip:${number}@${reg.domain}`,
    ...base,
    ...(reg.outboundProxy ? { nextHop: `sip:${reg.outboundProxy}` } : {}),
    ...(withCompanyCallerId
      ? { fromUri: `sip:${reg.username}@${hostOf(reg.domain)}`, extraHeaders: `P-Asserted-Identity: <sip:${trunk.callerId}@${hostOf(reg.domain)}>\r\n` }
      : {}),
  };
}

function hostOf(hostPort: string): string {
  return hostPort.replace(/:\d+$/, '');
}
