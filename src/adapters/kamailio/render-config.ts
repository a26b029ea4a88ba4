import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Config, TrunkConfig } from '../../config/config-schema.js';
import { webphoneOrigins } from '../../config/webphone-origins.js';
import { dialogDb } from './dialog-db.js';
import { sipTlsFiles } from './sip-tls-files.js';
import { registeringTrunks, registrationContactUser, registrationsDbDir } from './trunk-registrations.js';

const TEMPLATE_PATH = new URL('../../../config/kamailio.cfg.tpl', import.meta.url);

/**
 * Secrets Kamailio and the service share, derived from the configuration so that a
 * restarted service and a Kamailio running on its own (daemons.mode external) agree.
 */
export function kamailioSecrets(config: Config): { nonce: string; evapi: string; webphone: string } {
  const derive = (purpose: string) =>
    createHash('sha256').update(`leadline-${purpose}:${config.sip.domain}:${config.api.tokens[0]!.token}`).digest('hex').slice(0, 32);
  // Nonces are signed with the first; the service says the second in its evapi hello.
  // The third signs the browser phone's short-lived credentials (auth_ephemeral).
  return { nonce: derive('nonce'), evapi: derive('evapi'), webphone: derive('webphone') };
}

/**
 * Fills the Kamailio template from the validated configuration. The values are
 * already checked by the schema (IPs, ports, digits), so plain substitution is safe.
 */
export function renderKamailioConfig(config: Config, template = readFileSync(TEMPLATE_PATH, 'utf8')): string {
  const trunkEntries = config.trunks.map((t) => trunkEntry(config, t)).join('\n');
  const statusChecks = registeringTrunks(config)
    .map((t) => `\t$var(reg) = "${registrationContactUser(config, t)}"; route(TRUNK_STATUS_ONE);`)
    .join('\n');
  const secrets = kamailioSecrets(config);
  const { sip } = config;
  const tls = sipTlsFiles(config);
  const values: Record<string, string> = {
    SIP_DOMAIN: config.sip.domain,
    SIP_LISTEN: config.sip.listen,
    SIP_PORT: String(config.sip.port),
    SIP_ADVERTISE: config.sip.advertise ? ` advertise ${config.sip.advertise}:${config.sip.port}` : '',
    SIP_PUBLIC: config.sip.advertise ?? config.sip.listen,
    NAT_KEEPALIVE_S: String(config.sip.natKeepaliveSeconds),
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
    DIALOG_DB_URL: dialogDb(config).url,
    TRUNK_ENTRIES: trunkEntries,
    TRUNK_REG_DB: registrationsDbDir(config),
    // An empty route body is a syntax error in Kamailio's config.
    TRUNK_STATUS_CHECKS: statusChecks || '\treturn;',
    WEBPHONE_SWITCH: config.webphone.enabled ? '#!define WITH_WEBPHONE' : '# (off)',
    TRANSPORT_SWITCHES: transportSwitches(config),
    TLS_PORT: String(sip.tls.port),
    TLS_ADVERTISE: sip.advertise ? ` advertise ${sip.advertise}:${sip.tls.port}` : '',
    // Paths are checked by the schema (no quotes, spaces or `$`).
    TLS_CERTIFICATE: tls.certificate,
    TLS_PRIVATE_KEY: tls.privateKey,
    WS_LISTEN: config.webphone.listen,
    WS_PORT: String(config.webphone.port),
    WEBPHONE_SECRET: secrets.webphone,
    // Origins are checked by the schema (scheme://host[:port], no quotes or `$`).
    WS_ORIGIN_ENTRIES: webphoneOrigins(config).map((o) => `\t$var(origin) = "${o}"; $sht(ws_origins=>$var(origin)) = 1;`).join('\n'),
  };
  return template.replace(/\{\{([A-Z_]+)\}\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`kamailio.cfg.tpl uses {{${name}}}, which the renderer does not know`);
    return value;
  });
}

/** The template's switches for SIP over TCP, TLS, and TCP at all (the WebSocket is TCP too). */
function transportSwitches(config: Config): string {
  const tcp = config.sip.tcp;
  const tls = config.sip.tls.enabled;
  const lines = [
    tcp ? '#!define WITH_SIP_TCP' : '# (no SIP over TCP)',
    tls ? '#!define WITH_TLS' : '# (no TLS)',
  ];
  if (tcp || tls || config.webphone.enabled) lines.push('#!define WITH_TCP');
  return lines.join('\n');
}

/**
 * One trunk's htable entries. Names, addresses, numbers and domains are checked by the
 * schema (no quotes or `$`); passwords never go here, only into the registrations table.
 */
function trunkEntry(config: Config, t: TrunkConfig): string {
  const lines = [
    `\t$sht(trunk_limits=>${t.name}::cps) = ${t.maxCallsPerSecond};`,
    `\t$sht(trunk_limits=>${t.name}::calls) = ${t.maxConcurrentCalls};`,
  ];
  if (!t.register) {
    lines.push(`\t$sht(trunks=>${t.address}) = "${t.name}";`);
    return lines.join('\n');
  }
  const user = registrationContactUser(config, t);
  lines.push(
    `\t$sht(reg_trunks=>${user}::name) = "${t.name}";`,
    `\t$sht(reg_trunks=>${user}::number) = "${t.callerId}";`,
    `\t$sht(reg_trunk_domains=>${hostOf(t.register.domain)}) = "${user}";`,
    `\t$sht(reg_trunk_names=>${t.name}) = "${user}";`,
  );
  if (t.address) lines.push(`\t$sht(reg_trunks=>${user}::address) = "${t.address}";`);
  return lines.join('\n');
}

function hostOf(hostPort: string): string {
  return hostPort.replace(/:\d+$/, '');
}
