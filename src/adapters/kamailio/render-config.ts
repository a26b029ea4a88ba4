import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Config } from '../../config/config-schema.js';

const TEMPLATE_PATH = new URL('../../../config/kamailio.cfg.tpl', import.meta.url);

/**
 * Secrets Kamailio and the service share, derived from the configuration so that a
 * restarted service and a Kamailio running on its own (daemons.mode external) agree.
 */
export function kamailioSecrets(config: Config): { nonce: string; evapi: string } {
  const derive = (purpose: string) =>
    createHash('sha256').update(`leadline-${purpose}:${config.sip.domain}:${config.api.tokens[0]!.token}`).digest('hex').slice(0, 32);
  // Nonces are signed with the first; the service says the second in its evapi hello.
  return { nonce: derive('nonce'), evapi: derive('evapi') };
}

/**
 * Fills the Kamailio template from the validated configuration. The values are
 * already checked by the schema (IPs, ports, digits), so plain substitution is safe.
 */
export function renderKamailioConfig(config: Config, template = readFileSync(TEMPLATE_PATH, 'utf8')): string {
  const trunkEntries = config.trunks
    .map((t) => [
      `\t$sht(trunks=>${t.address}) = "${t.name.replace(/["\\$]/g, '')}";`,
      `\t$sht(trunk_limits=>${t.address}::cps) = ${t.maxCallsPerSecond};`,
      `\t$sht(trunk_limits=>${t.address}::calls) = ${t.maxConcurrentCalls};`,
    ].join('\n'))
    .join('\n');
  const secrets = kamailioSecrets(config);
  const values: Record<string, string> = {
    SIP_DOMAIN: config.sip.domain,
    SIP_LISTEN: config.sip.listen,
    SIP_PORT: String(config.sip.port),
    CHILDREN: String(config.kamailio.children),
    EVAPI_ADDR: `127.0.0.1:${config.kamailio.evapiPort}`,
    EVAPI_WORKERS: String(Math.max(2, Math.min(8, config.kamailio.children))),
    EVAPI_SECRET: secrets.evapi,
    RTPENGINE_SOCK: `udp:127.0.0.1:${config.rtpengine.ngPort}`,
    RING_TIMEOUT_MS: String(config.routing.ringTimeoutSeconds * 1000),
    ROUTING_WAIT_MS: String(config.routing.maxCallWaitSeconds * 1000),
    FIRST_DECISION_MS: String(config.sipSecurity.firstDecisionSeconds * 1000),
    MAX_AUTH_FAILURES: String(config.sipSecurity.maxAuthFailures),
    AUTH_FAILURE_WINDOW_S: String(config.sipSecurity.failureWindowSeconds),
    BAN_S: String(config.sipSecurity.banSeconds),
    MAX_CALLS_PER_SECOND: String(config.kamailio.maxCallsPerSecond),
    AUTH_SECRET: secrets.nonce,
    TRUNK_ENTRIES: trunkEntries,
  };
  return template.replace(/\{\{([A-Z_]+)\}\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`kamailio.cfg.tpl uses {{${name}}}, which the renderer does not know`);
    return value;
  });
}
