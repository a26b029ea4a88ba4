import { z } from 'zod';
import { apiRoles, type ApiRole } from './api-roles.js';
import { consoleSchema } from './console-config-schema.js';
import { crmSchema } from './crm-config-schema.js';
import { kpiSchema } from './kpi-config-schema.js';
import { sipSecuritySchema, trunkLimitsSchema } from './sip-security-config-schema.js';
import { checkSipTcpPorts, sipTlsSchema } from './sip-transport-config-schema.js';
import { webphoneSchema } from './webphone-config-schema.js';
import { checkLeaseFitsFirstDecision, failoverSchema } from './failover-config-schema.js';
import { isRegion } from '../core/phone/e164.js';

const port = z.number().int().min(1).max(65535);
const ipv4 = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}$/, 'must be an IPv4 address such as 127.0.0.1');
const cidr = z.string().regex(/^(\d{1,3}(\.\d{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*)(\/\d{1,3})?$/, 'must be an address or a CIDR such as 10.0.0.0/8');
const trustProxySchema = z.union(
  [
    z.literal(false),
    z.number().int().min(1).max(10),
    z.array(cidr).min(1),
  ],
  {
    error: 'http.trustProxy is false, the number of proxies in front (e.g. 1), or their addresses (e.g. [127.0.0.1, 10.0.0.0/8]); ' +
      'true would believe any client\'s X-Forwarded-For (its address in the audit, its own sign-in rate limit)',
  },
);
const digits = z.string().regex(/^\+?\d{2,20}$/, 'must be a phone number of digits, optionally starting with +');

export const managerSchema = z.object({
  extension: z.string().regex(/^\d{2,6}$/, 'an extension is 2 to 6 digits'),
  name: z.string().min(1),
  password: z.string().min(6, 'a SIP password needs at least 6 characters (12 outside the demo): generate one with `openssl rand -base64 12`'),
  /**
   * His company line (one of `numbers`): his outbound calls show its caller ID and leave
   * through its trunk first, unless the client has a line of his own (trunks.md).
   */
  line: digits.optional(),
  /** His user id in the CRM (Bitrix24 USER_ID, Kommo responsible_user_id); sent with his calls' events. */
  crmUserId: z.union([z.string().min(1), z.number().int()]).transform(String).optional(),
  /**
   * A manager who left or is on leave: his credential is withdrawn from Kamailio (his phone
   * can no longer register or dial) and no call is routed to him; his history stays.
   */
  disabled: z.boolean().optional(),
});

const hostPort = z.string().regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, 'must be a host name or IPv4 address, optionally with :port (e.g. sip.provider.example:5060)');

/**
 * A provider that hands out a SIP login: Kamailio registers to it (uac_reg) and answers
 * its digest challenges on outbound INVITEs (uac_auth). See docs/trunks.md.
 */
export const trunkRegistrationSchema = z.object({
  username: z.string({ error: 'a registering trunk needs the username the provider gave' }).min(1).regex(/^[^\s:@|]+$/, 'a SIP user name has no spaces, ":", "@" or "|"'),
  password: z.string({ error: 'a registering trunk needs the password the provider gave' }).min(1).regex(/^[^\n|]+$/, 'a password on one line, without "|"'),
  /** The provider's SIP domain: the From/To of the REGISTER and the host of outbound requests. */
  domain: hostPort,
  /** Where REGISTER and outbound INVITEs are sent when not to the domain itself. */
  outboundProxy: hostPort.optional(),
  /** The digest realm, when the provider's differs from its domain (empty: take the challenge's). */
  realm: z.string().regex(/^[^\s|"]*$/, 'a realm has no spaces, quotes or "|"').default(''),
  expires: z.number().int().min(60).max(86_400).default(600),
});

export const trunkSchema = z.object({
  name: z.string().min(1).regex(/^[A-Za-z0-9_.-]+$/, 'a trunk name is letters, digits, "_", "." or "-"'),
  /**
   * Address-trusted trunk: INVITEs from this address are accepted without digest auth.
   * Registering trunk: optional; when given, calls on the registration are accepted only from it.
   */
  address: ipv4.optional(),
  port: port.default(5060),
  /** Caller ID presented on outbound calls through this trunk. */
  callerId: digits,
  /** Present for a provider that expects the PBX to register with a login. */
  register: trunkRegistrationSchema.optional(),
  ...trunkLimitsSchema,
}).superRefine((trunk, ctx) => {
  if (!trunk.register && !trunk.address) {
    ctx.addIssue({
      code: 'custom',
      path: ['address'],
      message: 'a trunk needs either `address` (the provider\'s IPv4, trusted by source) or `register:` (username, password, domain) for a provider that expects a registration',
    });
  }
});

/** A company number: which trunk carries it, and the caller ID its outbound calls show. */
export const companyNumberSchema = z.object({
  number: digits,
  /** The name of the trunk (one of `trunks`) the provider delivers this number on. */
  trunk: z.string({ error: 'a company number names the trunk that carries it (trunk: <name of one of trunks>)' }).min(1),
  /** Shown on outbound calls of this line through its trunk; default: the number itself. */
  callerId: digits.optional(),
});

/** Outbound calls to numbers starting with `prefix` try these trunks, in this order. */
export const outboundRuleSchema = z.object({
  prefix: z.string().regex(/^\+?\d{1,20}$/, 'a prefix is digits, optionally starting with + (e.g. "+7495")'),
  trunks: z.array(z.string().min(1)).min(1, 'a rule names at least one trunk'),
});

export const outboundSchema = z.object({
  /** Longest matching prefix wins; without a match: the line's trunk, then the others in config order. */
  rules: z.array(outboundRuleSchema).default([]),
  /**
   * Try the next trunk of the list when one answers with one of these codes ("5xx" for the
   * class), or does not answer at all within 4 s. A timeout after the provider answered
   * anything (100, 180, 183) is the client not picking up: no other trunk is tried.
   */
  failoverOn: z.array(z.union([z.number().int().min(400).max(699), z.enum(['4xx', '5xx', '6xx'])])).default([408, '5xx']),
}).prefault({});

export { apiRoles, type ApiRole };

export const apiTokenSchema = z.object({
  name: z.string().min(1),
  token: z.string().min(16, 'an API token needs at least 16 characters (32 random ones outside the demo): generate one with `openssl rand -base64 32`'),
  /**
   * See api-roles.ts. Default admin: tokens written before roles existed keep the access they had.
   */
  role: z.enum(apiRoles).default('admin'),
  /** The manager a manager token belongs to (one of managers[].extension); checked in checkApiTokens. */
  extension: z.string({ error: 'an extension is text: quote it, e.g. "101"' }).optional(),
});

const recordingStorageSchema = z.discriminatedUnion('driver', [
  z.object({
    /** A folder on this machine: the default, nothing to set up. */
    driver: z.literal('local'),
    dir: z.string().min(1).default('var/recordings'),
    /** Key prefix inside the folder. */
    prefix: z.string().default(''),
  }),
  z.object({
    /** S3 or MinIO. */
    driver: z.literal('s3'),
    endPoint: z.string().min(1),
    port: port.default(9000),
    useSSL: z.boolean().default(false),
    accessKey: z.string().min(1),
    secretKey: z.string().min(1, "is empty: the S3/MinIO secret key (docker-compose.yml passes MINIO_ROOT_PASSWORD as LEADLINE_RECORDINGS__STORAGE__SECRET_KEY)"),
    bucket: z.string().min(3),
    prefix: z.string().default(''),
    region: z.string().optional(),
    /** Answer GET /api/recordings/:id/audio with a redirect to a presigned URL, so audio bypasses the service. */
    redirect: z.boolean().default(false),
  }),
]);

export const recordingsSchema = z.object({
  /** Off: pcaps stay in the spool and nothing is converted. */
  enabled: z.boolean().default(true),
  format: z.enum(['mp3', 'opus', 'wav']).default('mp3'),
  storage: recordingStorageSchema.default({ driver: 'local', dir: 'var/recordings', prefix: '' }),
  /** Recordings whose call started longer ago are deleted from storage and index. */
  retentionDays: z.number().int().min(1).max(36500).default(365),
  /** How often retention looks for old recordings. */
  retentionCheckMinutes: z.number().min(0.01).max(1440).default(60),
  retry: z.object({
    /** Waits between attempts, seconds; the last repeats. */
    scheduleSeconds: z.array(z.number().positive()).min(1).default([5, 30, 120, 600, 1800]),
    /** A storage outage is retried this long before the recording is marked failed. */
    storageRetryHours: z.number().positive().default(72),
    /** Attempts for a pcap the converter refuses. */
    conversionAttempts: z.number().int().min(1).max(20).default(3),
  }).prefault({}),
  /**
   * Recordings converted and uploaded at once by each worker process; `auto` is one per CPU
   * core (the workers run at idle priority, so they take only what routing leaves).
   */
  concurrency: z.union([z.literal('auto'), z.number().int().min(1).max(64)]).default('auto'),
  /** Lifetime of a presigned URL (S3). */
  presignSeconds: z.number().int().min(10).max(604800).default(300),
  /** How long to wait after the hang-up for rtpengine's pcap to appear and close. */
  pcapWaitSeconds: z.number().min(0).max(60).default(5),
  /** Base of the URL in recording.ready (what a CRM can fetch); default http://<http.host>:<http.port>. */
  publicBaseUrl: z.string().url().optional(),
  queueName: z.string().min(1).default('recordings'),
  /**
   * How long a worker's claim on a job lasts without renewal: a worker killed mid-job
   * (SIGKILL, out of memory) gives its job back to another worker after this.
   */
  claimSeconds: z.number().min(1).max(600).default(30),
  /** How often the spool is searched for pcaps that have no recording row (also once at start). */
  spoolSweepSeconds: z.number().min(0.1).max(86400).default(60),
  /**
   * A pcap with no recording row, no call record and no rtpengine metadata is taken as an
   * orphan once unchanged this long (a call in progress keeps writing its pcap).
   */
  orphanPcapMinutes: z.number().min(0.01).max(10080).default(360),
}).prefault({});

/**
 * Which process does what. The launcher answers Kamailio (routing, call events, HTTP) and
 * forks the background workers, so no conversion or delivery runs on the routing event loop.
 */
export const processesSchema = z.object({
  /**
   * forked: the launcher forks and supervises the workers (default);
   * in-process: one process does everything (small tests, development);
   * external: the workers run on their own (`node src/main.ts --role recordings|webhooks`).
   */
  workers: z.enum(['forked', 'in-process', 'external']).default('forked'),
  /** Recording worker processes (conversion and upload). */
  recordingWorkers: z.number().int().min(1).max(64).default(1),
  /** Webhook worker processes (CRM delivery). */
  webhookWorkers: z.number().int().min(1).max(64).default(1),
  /** Workers run at the lowest CPU priority (SCHED_IDLE, or nice 19 where that is refused), so a ringing phone always comes first. */
  lowPriority: z.boolean().default(true),
  /** A worker that dies is started again after this (doubling while it keeps dying, up to 30 s). */
  restartDelayMs: z.number().int().min(10).max(60_000).default(500),
}).prefault({});

export const configSchema = z.object({
  /**
   * The demo on one machine: its published tokens and passwords are accepted, so it may
   * only listen on loopback. Everywhere else secrets are checked at start-up (secret-policy.ts).
   */
  demo: z.boolean().default(false),
  sip: z.object({
    listen: ipv4.default('127.0.0.1'),
    port: port.default(5060),
    /** Digest realm and the domain phones register to. */
    domain: z.string().min(1).default('leadline.local'),
    /**
     * The public address of a host behind 1:1 NAT (a cloud VM whose interface has a private
     * address): Kamailio puts it in Via/Record-Route/Contact and rtpengine in SDP (docs/trunks.md).
     */
    advertise: ipv4.optional(),
    /** Phones behind NAT: OPTIONS sent to each this often keep its NAT binding open (docs/trunks.md). */
    natKeepaliveSeconds: z.number().int().min(5).max(600).default(30),
    /** SIP over TCP for phones, on sip.port beside UDP (docs/remote-phones.md). */
    tcp: z.boolean().default(false),
    /** SIP over TLS for phones, their media SRTP (sip-transport-config-schema.ts). */
    tls: sipTlsSchema,
  }).prefault({}),
  http: z.object({
    host: z.string().default('127.0.0.1'),
    port: port.default(8080),
    /**
     * Behind a reverse proxy: whose X-Forwarded-For/-Proto to believe (client address in
     * logs, audit and rate limits; Secure cookies over HTTPS). The proxies' addresses or
     * CIDRs (safest), or how many proxies stand in front; never "everyone" (true), which
     * lets any client write its own address.
     */
    trustProxy: trustProxySchema.default(false),
    /** Heavy reports (KPI table and CSV, call browser) per token or console account per minute. */
    reportsPerMinute: z.number().int().min(1).max(10_000).default(30),
    /** Live board streams open at once, all clients together (each holds a socket and a subscription); more get 503. */
    maxEventStreams: z.number().int().min(1).max(100_000).default(500),
    /** Live board streams one token or console account may hold open (a few tabs); more get 429. */
    maxEventStreamsPerClient: z.number().int().min(1).max(1000).default(5),
  }).prefault({}),
  api: z.object({
    tokens: z.array(apiTokenSchema).min(1),
  }),
  redis: z.object({
    url: z.string().default('redis://127.0.0.1:6379/0'),
    /** Every key starts with this, so several deployments or test runs share one Redis. */
    keyPrefix: z.string().default('leadline:'),
  }).prefault({}),
  postgres: z.object({
    url: z.string().default('postgres://leadline:leadline@127.0.0.1:5432/leadline'),
    schema: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('public'),
    /**
     * Replaces the password in url, so the URL can sit in the file and the password come
     * from a secret (LEADLINE_POSTGRES__PASSWORD_FILE) without URL-encoding it by hand.
     */
    password: z.string().min(1).optional(),
  }).prefault({}).transform((pg, ctx) => {
    if (pg.password === undefined) return pg;
    let url: URL;
    try {
      url = new URL(pg.url);
    } catch {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'is not a URL (postgres://user@host:port/database)' });
      return z.NEVER;
    }
    url.password = encodeURIComponent(pg.password);
    return { ...pg, url: url.toString() };
  }),
  voicemail: z.object({
    /** The mailbox user agent's UDP port on sip.listen (Kamailio routes calls to it); default sip.port + 2. */
    port: port.optional(),
  }).prefault({}),
  rtpengine: z.object({
    ngPort: port.default(2223),
    portMin: port.default(30000),
    portMax: port.default(40000),
    /** UDP port on 127.0.0.1 where rtpengine reports callers' DTMF keys (--dtmf-log-dest); default ngPort + 1. */
    dtmfPort: port.optional(),
  }).prefault({}),
  kamailio: z.object({
    evapiPort: port.default(8448),
    children: z.number().int().min(1).max(64).default(4),
    sharedMemoryMb: z.number().int().min(64).default(256),
    privateMemoryMb: z.number().int().min(4).default(8),
    /** New calls per second accepted; above it callers get 503 at once (measured capacity: see bench/). */
    maxCallsPerSecond: z.number().int().min(1).default(300),
  }).prefault({}),
  routing: z.object({
    /** Directory of scenario files (dialplans/*.yaml): how inbound calls are distributed. */
    dialplansDir: z.string().default('dialplans'),
    /** Ring time of a manager's call to a colleague (scenario steps set their own). */
    ringTimeoutSeconds: z.number().int().min(3).max(120).default(15),
    /** Unanswered offers in a row after which a manager is paused with reason "no-answer". */
    autoPauseAfterMisses: z.number().int().min(1).max(100).default(3),
    /**
     * Refusals in a row (486, 600, 603) from a phone Leadline believes free, within
     * dndWindowSeconds of the first, after which the manager is paused with reason
     * "dnd-on-phone" (do-not-disturb set on the phone). He comes back by himself when
     * his phone answers or places a call or registers anew, or when unpaused.
     */
    dndAfterRejections: z.number().int().min(1).max(100).default(3),
    dndWindowSeconds: z.number().int().min(1).max(86_400).default(120),
    /** Longest a caller is held (ringing and waiting in line, all steps together); Kamailio's timer for a suspended call. */
    maxCallWaitSeconds: z.number().int().min(30).max(3600).default(900),
    /** Wrap-up after a manager's own outbound or internal call. */
    wrapUpSeconds: z.number().int().min(0).max(3600).default(0),
    /** The managers' working day for "today" counters of calls outside any scenario. */
    timezone: z.string().default('UTC'),
  }).prefault({}),
  daemons: z.object({
    /**
     * embedded: the launcher runs Kamailio and rtpengine as its children (one machine, tests).
     * external: they run on their own (containers); the service renders Kamailio's config
     * to kamailioConfigOut and connects to them.
     */
    mode: z.enum(['embedded', 'external']).default('embedded'),
    kamailioConfigOut: z.string().optional(),
  }).prefault({}).refine((d) => d.mode === 'embedded' || d.kamailioConfigOut, {
    message: 'daemons.kamailioConfigOut is needed when daemons.mode is external (the Kamailio container reads its config there)',
  }),
  paths: z.object({
    /** Rendered configs, pid files, sockets. */
    runDir: z.string().default('var/run'),
    /** rtpengine writes one pcap per call here. */
    spoolDir: z.string().default('var/spool'),
    /** Sound files the dial plans name (WAV or MP3); default prompts are generated into sounds/default/. */
    soundsDir: z.string().default('sounds'),
  }).prefault({}),
  phone: z.object({
    /** Region of numbers written without a country code ("8 (495) 123-45-67" is Russian under RU). */
    defaultRegion: z.string().refine(isRegion, {
      message: 'must be a two-letter region code in capitals that libphonenumber knows, e.g. RU, KZ, US',
    }).default('RU'),
  }).prefault({}),
  leads: z.object({
    /**
     * Shared with the CRM to sign POST /crm/leads (X-Leadline-Signature). Without it that
     * endpoint does not exist, and the CRM posts to /api/leads with an admin or supervisor token.
     */
    secret: z.string().min(32, 'leads.secret needs at least 32 characters (e.g. openssl rand -hex 32)').optional(),
    /** How old a signed request may be (X-Leadline-Timestamp), either way: a replay window, and clock skew. */
    signatureToleranceSeconds: z.number().int().min(10).max(3600).default(300),
    /** Minutes a lead may wait for its first dial before lead.sla_breached is raised. */
    slaMinutes: z.number().int().min(1).max(10080).default(15),
    /** Per scenario name (the lead's `scenario` field); a lead's own slaMinutes wins over both. */
    slaMinutesByScenario: z.record(z.string(), z.number().int().min(1).max(10080)).default({}),
    /** How often leads are checked against their SLA: a breach is raised at most this late. */
    checkIntervalSeconds: z.number().int().min(1).max(3600).default(30),
    /** On a breach, give the lead to the registered manager with the fewest undialled leads. */
    reassignOnBreach: z.boolean().default(false),
  }).prefault({}),
  /** Call recordings: conversion of rtpengine's pcaps, storage, index, retention. */
  recordings: recordingsSchema,
  /** Process roles: where recording and webhook workers run (docs/processes.md). */
  processes: processesSchema,
  managers: z.array(managerSchema).min(1),
  trunks: z.array(trunkSchema).min(1),
  /** Company numbers: trunk and outbound caller ID of each (trunks.md). Default: each trunk's callerId, on that trunk. */
  numbers: z.array(companyNumberSchema).default([]),
  /** How outbound calls choose their trunks, and when they fail over (trunks.md). */
  outbound: outboundSchema,
  /** Webhook delivery to CRMs (see crm-config-schema.ts); none by default. */
  crm: crmSchema,
  /** The supervisor console: accounts that sign in to the web pages (console-config-schema.ts). */
  console: consoleSchema,
  /** The KPI table's trailing comparison and drawdown alerts (kpi-config-schema.ts). */
  kpi: kpiSchema,
  /** Brute-force bans and Kamailio's own answer when the service is silent (sip-security-config-schema.ts). */
  sipSecurity: sipSecuritySchema,
  /** The browser phone: SIP over WebSocket and its short-lived credentials (webphone-config-schema.ts). */
  webphone: webphoneSchema,
  /** Several service instances on one Kamailio: the router lease (failover-config-schema.ts). */
  failover: failoverSchema,
}).superRefine(checkApiTokens).superRefine(checkLeaseFitsFirstDecision).superRefine(checkConsoleUsers).superRefine(checkDemoOnLoopback).superRefine(checkTrunkNames).superRefine(checkSipTcpPorts);

/**
 * Cross-checks of api.tokens that need the rest of the configuration. Issues carry the
 * token's path so loadConfig can name the line.
 */
function checkApiTokens(
  config: { api: { tokens: z.infer<typeof apiTokenSchema>[] }; managers: { extension: string }[] },
  ctx: z.RefinementCtx,
): void {
  const extensions = config.managers.map((m) => m.extension);
  const seen = new Map<string, number>();
  config.api.tokens.forEach((t, i) => {
    const at = ['api', 'tokens', i];
    checkManagerBinding('token', t, at, extensions, ctx);
    // Two entries with one secret would give that secret two names and maybe two roles.
    // An empty or short token is reported once, as too short, not also as a duplicate.
    if (t.token.length < 16) return;
    const first = seen.get(t.token);
    if (first !== undefined) {
      ctx.addIssue({ code: 'custom', path: [...at, 'token'], message: `the same token as api.tokens.${first}: every token must be different` });
    } else {
      seen.set(t.token, i);
    }
  });
}

/**
 * Trunk names are unique, and every number, rule and manager line names what exists: a
 * typo would otherwise send calls nowhere at run time, so it stops the start here.
 */
function checkTrunkNames(
  config: {
    trunks: { name: string; address?: string; register?: unknown }[];
    numbers: { number: string; trunk: string }[];
    outbound: { rules: { trunks: string[] }[] };
    managers: { line?: string }[];
  },
  ctx: z.RefinementCtx,
): void {
  const names = config.trunks.map((t) => t.name);
  const known = `trunks: ${names.join(', ')}`;
  config.trunks.forEach((t, i) => {
    if (names.indexOf(t.name) !== i) ctx.addIssue({ code: 'custom', path: ['trunks', i, 'name'], message: `a second trunk named "${t.name}": every trunk needs its own name` });
    // Kamailio knows an address-trusted trunk's calls by their source address alone.
    const same = config.trunks.findIndex((o) => !o.register && !t.register && o.address === t.address);
    if (!t.register && same !== i) {
      ctx.addIssue({ code: 'custom', path: ['trunks', i, 'address'], message: `${t.address} is also trunks.${same}'s address: calls are told apart by their source address, so two address-trusted trunks need two addresses` });
    }
  });
  const numbers = new Map<string, number>();
  config.numbers.forEach((n, i) => {
    if (!names.includes(n.trunk)) ctx.addIssue({ code: 'custom', path: ['numbers', i, 'trunk'], message: `unknown trunk "${n.trunk}" for number ${n.number} (${known})` });
    const key = n.number.replace(/^\+/, '');
    const first = numbers.get(key);
    if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['numbers', i, 'number'], message: `${n.number} is listed twice (also numbers.${first}): a number is carried by one trunk` });
    else numbers.set(key, i);
  });
  config.outbound.rules.forEach((r, i) => r.trunks.forEach((name, j) => {
    if (!names.includes(name)) ctx.addIssue({ code: 'custom', path: ['outbound', 'rules', i, 'trunks', j], message: `unknown trunk "${name}" (${known})` });
  }));
  const lines = config.numbers.length > 0 ? config.numbers.map((n) => n.number) : [];
  config.managers.forEach((m, i) => {
    if (m.line === undefined) return;
    if (!numbers.has(m.line.replace(/^\+/, ''))) {
      ctx.addIssue({ code: 'custom', path: ['managers', i, 'line'], message: `${m.line} is not one of the company numbers (numbers: ${lines.join(', ') || 'none configured'})` });
    }
  });
}

export type Config = z.infer<typeof configSchema>;
export type ManagerConfig = z.infer<typeof managerSchema>;

/** The managers who may register, be rung and dial: every one not disabled. */
export function activeManagers(config: { managers: ManagerConfig[] }): ManagerConfig[] {
  return config.managers.filter((m) => !m.disabled);
}
export type TrunkConfig = z.infer<typeof trunkSchema>;
export type ApiTokenConfig = z.infer<typeof apiTokenSchema>;
export type RecordingsConfig = z.infer<typeof recordingsSchema>;
export type ProcessesConfig = z.infer<typeof processesSchema>;

/** The demo's secrets are public: reachable from this machine only. */
function checkDemoOnLoopback(config: { demo: boolean; http: { host: string }; sip: { listen: string } }, ctx: z.RefinementCtx): void {
  if (!config.demo) return;
  for (const [path, address] of [[['http', 'host'], config.http.host], [['sip', 'listen'], config.sip.listen]] as const) {
    if (!isLoopback(address)) {
      ctx.addIssue({ code: 'custom', path: ['demo'], message: `demo: true accepts published secrets, so it runs on loopback only, but ${path.join('.')} is ${address}: set it to 127.0.0.1, or remove demo and set real secrets` });
    }
  }
}

function isLoopback(address: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address) || address === '::1' || address === 'localhost';
}

/** A console account of a manager names an existing manager, as a manager token does. */
function checkConsoleUsers(
  config: { console: { users: { role: ApiRole; extension?: string }[] }; managers: { extension: string }[] },
  ctx: z.RefinementCtx,
): void {
  const extensions = config.managers.map((m) => m.extension);
  config.console.users.forEach((u, i) => checkManagerBinding('account', u, ['console', 'users', i], extensions, ctx));
}

/** Only a manager's credentials carry an extension, and it must be a configured manager's. */
function checkManagerBinding(
  what: 'token' | 'account',
  holder: { role: ApiRole; extension?: string },
  at: (string | number)[],
  extensions: string[],
  ctx: z.RefinementCtx,
): void {
  if (holder.role === 'manager') {
    if (holder.extension === undefined) {
      ctx.addIssue({ code: 'custom', path: at, message: `a manager ${what} needs the extension of its manager (one of ${extensions.join(', ')})` });
    } else if (!extensions.includes(holder.extension)) {
      ctx.addIssue({ code: 'custom', path: [...at, 'extension'], message: `${holder.extension} is not the extension of any manager (managers: ${extensions.join(', ')})` });
    }
  } else if (holder.extension !== undefined) {
    ctx.addIssue({ code: 'custom', path: [...at, 'extension'], message: `only a manager ${what} has an extension: remove it or set role: manager` });
  }
}
