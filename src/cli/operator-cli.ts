import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ScenarioDirectory } from '../adapters/scenarios/scenario-directory.js';
import type { Config } from '../config/config-schema.js';
import { DEFAULT_CONFIG_PATH, loadConfig } from '../config/load-config.js';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../core/webhooks/webhook-admin.port.js';
import { CliError, LeadlineApi } from './leadline-api.js';
import { applyManagerChange, newSipPassword, type ManagerChange } from './manager-admin.js';

/**
 * `npm run cli -- <command>`: what an operator asks a running Leadline, through its
 * HTTP API with a token (so it works from any machine that reaches the API, and every
 * action passes the same checks as the console's).
 */
const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  managers                     every manager: status, since when, current call, calls today
  managers add <ext> --name NAME [--password P]
                               add a manager to the configuration file (a password is generated
                               and shown once unless given)
  managers passwd <ext> [--password P]
                               a new SIP password (generated unless given)
  managers disable <ext>       withdraw his credential and stop routing calls to him
  managers enable <ext>        undo disable
                               (these four edit --config, checked as the service checks it, then ask
                               the running service to reload it: no restart of the service or Kamailio)
  trunks                       each trunk and its state (trusted, registered, ...)
  recordings reconvert <call-id>
                               convert a failed or stuck recording again from its pcap
  online                       managers whose phone is registered, and the call each is on
  webhooks list [--status S] [--endpoint NAME] [--limit N]
                               webhook deliveries (default: failed and dead), newest first
  webhooks replay <id>         send a failed or dead delivery again
  config check [--config F]    validate the configuration and the dial plans without starting
  config reload                the running service reads its configuration again (managers, API
                               tokens and console accounts live; it names settings needing a restart)

Options:
  --url URL       the running service (default: LEADLINE_URL, else http.host:http.port of the config)
  --token TOKEN   an admin or supervisor API token (default: LEADLINE_TOKEN, the file named by
                  LEADLINE_TOKEN_FILE, else the first admin token of the config)
  --config FILE   the configuration (default: LEADLINE_CONFIG, else ${DEFAULT_CONFIG_PATH})`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: 'string' },
    token: { type: 'string' },
    config: { type: 'string' },
    status: { type: 'string' },
    endpoint: { type: 'string' },
    limit: { type: 'string' },
    name: { type: 'string' },
    password: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

const configPath = () => values.config ?? process.env.LEADLINE_CONFIG ?? DEFAULT_CONFIG_PATH;

function api(): LeadlineApi {
  let config: Config | undefined;
  const fromConfig = () => (config ??= loadConfig(configPath()));
  const url = values.url ?? process.env.LEADLINE_URL ?? `http://${fromConfig().http.host}:${fromConfig().http.port}`;
  const tokenFile = process.env.LEADLINE_TOKEN_FILE;
  const token =
    values.token ??
    process.env.LEADLINE_TOKEN ??
    (tokenFile ? readFileSync(tokenFile, 'utf8').trim() : undefined) ??
    fromConfig().api.tokens.find((t) => t.role === 'admin')?.token;
  if (!token) throw new CliError('No API token: pass --token, set LEADLINE_TOKEN, or add an admin token to api.tokens.');
  return new LeadlineApi(url, token);
}

/** Fixed-width columns, the way `kubectl get` prints. */
function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

const ago = (iso: string) => {
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  return s < 120 ? `${s}s` : s < 7200 ? `${Math.round(s / 60)}m` : `${Math.round(s / 3600)}h`;
};

async function managers(onlineOnly: boolean): Promise<string> {
  const list = (await api().managers()).filter((m) => !onlineOnly || m.status !== 'offline');
  if (list.length === 0) return onlineOnly ? 'Nobody is online.' : 'No managers are configured.';
  return table(
    ['EXT', 'NAME', 'STATUS', 'FOR', 'CALL', 'CALLS TODAY', 'TALK TODAY'],
    list.map((m) => [
      m.extension,
      m.name,
      m.status + (m.pauseReason ? ` (${m.pauseReason})` : ''),
      ago(m.since),
      m.callIds.join(',') || '-',
      String(m.callsToday),
      `${Math.round(m.talkSecondsToday / 60)}m`,
    ]),
  );
}

/** The service applies the edited file live; if it does not answer, it reads the file at its next start or SIGHUP. */
async function reloadService(): Promise<string> {
  try {
    return describeReload(await api().reload());
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    return `Not applied yet (${err.message})\nThe running service applies it on "npm run cli -- config reload", on SIGHUP (systemctl reload leadline), or at its next start.`;
  }
}

function describeReload(r: { applied: string[]; needsRestart: string[]; kamailioUpdated: boolean }): string {
  const lines = [r.applied.length > 0 ? `Applied live: ${r.applied.join('; ')}.` : 'Reloaded: nothing to apply live.'];
  if (!r.kamailioUpdated) lines.push('Kamailio is disconnected: the credentials are pushed when it reconnects.');
  if (r.needsRestart.length > 0) lines.push(`These settings differ but need a restart of the service: ${r.needsRestart.join(', ')}.`);
  return lines.join('\n');
}

/** managers add|passwd|disable|enable: the file edited and checked (manager-admin.ts). */
async function manageManagers(action: string, extension: string | undefined): Promise<string> {
  if (!extension) throw new CliError(`managers ${action} needs the extension, e.g. "managers ${action} 104".`);
  const password = values.password ?? newSipPassword();
  let change: ManagerChange;
  if (action === 'add') {
    if (!values.name) throw new CliError('managers add needs --name "First Last".');
    change = { kind: 'add', extension, name: values.name, password };
  } else if (action === 'passwd') {
    change = { kind: 'passwd', extension, password };
  } else if (action === 'disable' || action === 'enable') {
    change = { kind: action, extension };
  } else {
    throw new CliError(`managers ${action}: use "managers", "managers add", "managers passwd", "managers disable" or "managers enable".`);
  }
  const file = configPath();
  applyManagerChange(file, change, process.env);
  const shown = values.password === undefined && (change.kind === 'add' || change.kind === 'passwd') ? `\nSIP password (shown once, set it in the phone): ${password}` : '';
  const done = { add: 'added', passwd: 'has a new password', disable: 'is disabled', enable: 'is enabled again' }[change.kind];
  return `Manager ${extension} ${done} in ${file}.${shown}\n${await reloadService()}`;
}

async function trunks(): Promise<string> {
  const list = await api().trunks();
  if (list.length === 0) return 'No trunks are configured.';
  return table(
    ['NAME', 'KIND', 'STATE', 'SINCE'],
    list.map((t) => [t.name, t.kind, t.state, t.since === null ? '-' : `${ago(new Date(t.since).toISOString())} ago`]),
  );
}

async function recordings(action: string | undefined, callId: string | undefined): Promise<string> {
  if (action !== 'reconvert') throw new CliError('recordings: the command is "recordings reconvert <call-id>".');
  if (!callId) throw new CliError('recordings reconvert needs the Call-ID (the console shows it on the call; so does GET /api/calls).');
  const r = await api().reconvert(callId);
  return `The recording of ${r.callId} (was ${r.previousStatus}${r.previousError ? `: ${r.previousError}` : ''}) is queued for conversion again.`;
}

async function webhooks(action: string | undefined, id: string | undefined): Promise<string> {
  if (action === 'replay') {
    if (!id) throw new CliError('webhooks replay needs the delivery id (see webhooks list).');
    const d = await api().replay(id);
    return `Delivery ${d.id} (${d.event} to ${d.endpoint}) is ${d.status} again and queued.`;
  }
  if (action !== 'list') throw new CliError(`webhooks ${action ?? ''}: use "webhooks list" or "webhooks replay <id>".`);
  const status = values.status;
  if (status !== undefined && !DELIVERY_STATUSES.includes(status as DeliveryStatus)) {
    throw new CliError(`--status ${status}: use one of ${DELIVERY_STATUSES.join(', ')}.`);
  }
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= 500)) throw new CliError('--limit is a whole number from 1 to 500.');
  const items = await api().deliveries({ status: status as DeliveryStatus | undefined, endpoint: values.endpoint, limit });
  if (items.length === 0) return `No ${status ?? 'failed or dead'} deliveries.`;
  return table(
    ['ID', 'ENDPOINT', 'EVENT', 'CALL', 'STATUS', 'ATTEMPTS', 'LAST ERROR', 'CREATED'],
    items.map((d) => [
      d.id,
      d.endpoint,
      d.event,
      d.callId ?? '-',
      d.status,
      String(d.attempts),
      d.lastError ?? (d.lastStatusCode !== null ? `HTTP ${d.lastStatusCode}` : '-'),
      d.createdAt,
    ]),
  );
}

/** Errors throw (the loader's file:line sentences); a dial plan problem is listed and fails the check. */
async function configCheck(): Promise<{ text: string; ok: boolean }> {
  const path = configPath();
  const config = loadConfig(path);
  const { active, errors } = await new ScenarioDirectory(resolve(config.routing.dialplansDir)).reload();
  const lines = [
    `${path}: valid (${config.managers.length} managers, ${config.trunks.length} trunks, ${config.api.tokens.length} API tokens, ${config.crm.webhooks.length} webhook endpoints)`,
    `${config.routing.dialplansDir}: ${active.length} dial plans valid${active.length ? ` (${active.map((a) => a.scenario.name).join(', ')})` : ''}`,
    ...errors.map((e) => `${e.file}: ${e.message}`),
  ];
  return { text: lines.join('\n'), ok: errors.length === 0 && active.length > 0 };
}

async function main(): Promise<number> {
  const [command, sub, arg] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return command || values.help ? 0 : 2;
  }
  switch (command) {
    case 'managers':
      process.stdout.write(`${sub ? await manageManagers(sub, arg) : await managers(false)}\n`);
      return 0;
    case 'trunks':
      process.stdout.write(`${await trunks()}\n`);
      return 0;
    case 'recordings':
      process.stdout.write(`${await recordings(sub, arg)}\n`);
      return 0;
    case 'online':
      process.stdout.write(`${await managers(true)}\n`);
      return 0;
    case 'webhooks':
      process.stdout.write(`${await webhooks(sub, arg)}\n`);
      return 0;
    case 'config': {
      if (sub === 'reload') {
        process.stdout.write(`${describeReload(await api().reload())}\n`);
        return 0;
      }
      if (sub !== 'check') throw new CliError('config: the commands are "config check" and "config reload".');
      const { text, ok } = await configCheck();
      (ok ? process.stdout : process.stderr).write(`${text}\n`);
      return ok ? 0 : 1;
    }
    default:
      throw new CliError(`Unknown command "${command}".\n\n${USAGE}`);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    // CliError and ConfigError carry a sentence for the operator; anything else is a bug worth its stack.
    const sentence = err instanceof CliError || (err as { code?: unknown }).code !== undefined;
    process.stderr.write(`${sentence ? (err as Error).message : ((err as Error).stack ?? String(err))}\n`);
    process.exit(1);
  },
);
