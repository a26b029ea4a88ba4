import type { Config, TrunkConfig } from '../config/config-schema.js';
import type { RouteTarget } from '../core/calls/routing-decision.js';
import { chooseTrunks, type OutboundCallFacts, type TrunkChoice, type TrunkPlan } from '../core/trunks/choose-trunks.js';

/** An external callee gets longer to pick up than a manager on shift. */
const OUTBOUND_RING_TIMEOUT_MS = 60_000;

/** The configuration as trunk choice sees it. */
export function trunkPlanOf(config: Config): TrunkPlan {
  return { trunks: config.trunks, numbers: config.numbers, rules: config.outbound.rules };
}

/** The ordered routes of an outbound call, one per trunk, and the choice behind them. */
export function outboundRoutes(config: Config, number: string, facts: Omit<OutboundCallFacts, 'dialled'>): { choice: TrunkChoice; targets: RouteTarget[] } {
  const choice = chooseTrunks(trunkPlanOf(config), { dialled: number, ...facts });
  const targets = choice.attempts.map((a) => trunkTarget(config, trunkNamed(config, a.trunk), number, a.callerId));
  return { choice, targets };
}

/**
 * The routes of an inbound call forwarded out (a scenario's forward action): every trunk
 * in configuration order, the client's own number kept as the caller.
 */
export function forwardRoutes(config: Config, number: string): RouteTarget[] {
  return config.trunks.map((t) => trunkTarget(config, t, number, null));
}

/**
 * The route out through one trunk. A registering trunk's provider knows the PBX by its
 * account: the From is the account, the caller ID goes in P-Asserted-Identity, and the
 * request goes to the provider's domain (through its outbound proxy when it has one).
 * The next hop carries `;trunk=<name>`: Kamailio reads the trunk from it to count the
 * trunk's calls and to name it in its reports (the parameter never goes on the wire).
 */
export function trunkTarget(config: Config, trunk: TrunkConfig, number: string, callerId: string | null): RouteTarget {
  const base = { ringTimeoutMs: OUTBOUND_RING_TIMEOUT_MS, trunk: trunk.name };
  const reg = trunk.register;
  if (!reg) {
    const hostPort = `${trunk.address}:${trunk.port}`;
    return {
      uri: `sip:${number}@${hostPort}`,
      nextHop: `sip:${hostPort};trunk=${trunk.name}`,
      ...base,
      ...(callerId ? { fromUri: `sip:${callerId}@${config.sip.domain}` } : {}),
    };
  }
  return {
    uri: `sip:${number}@${reg.domain}`,
    nextHop: `sip:${reg.outboundProxy ?? reg.domain};trunk=${trunk.name}`,
    ...base,
    ...(callerId
      ? { fromUri: `sip:${reg.username}@${hostOf(reg.domain)}`, extraHeaders: `P-Asserted-Identity: <sip:${callerId}@${hostOf(reg.domain)}>\r\n` }
      : {}),
  };
}

function trunkNamed(config: Config, name: string): TrunkConfig {
  return config.trunks.find((t) => t.name === name)!;
}

function hostOf(hostPort: string): string {
  return hostPort.replace(/:\d+$/, '');
}
