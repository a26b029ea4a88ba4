import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import pino from 'pino';
import { stringify } from 'yaml';
import { configSchema, type Config } from '../../src/config/config-schema.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { CallRecord } from '../../src/core/calls/call-record.js';
import { startLeadline, type RunningLeadline } from '../../src/launcher/start-leadline.js';
import { TEST_POSTGRES_URL } from './postgres-schema.js';
import { dropSchema } from '../../src/adapters/postgres/migrate.js';

export const TRUNK_IP = '127.0.0.2';
export const COMPANY_NUMBER = '+74951234567';
export const SIP_DOMAIN = 'leadline.test';
export const API_TOKEN = 'e2e-test-token-0123456789';

/**
 * Port plan of one test file: everything lives in [base, base + 1000), so files
 * that run in parallel never collide. Phones listen on 127.0.0.1, the trunk on 127.0.0.2.
 * Bases lie in 11000-49999, which `npm test` reserves from Linux's ephemeral range
 * (net.ipv4.ip_local_reserved_ports): otherwise an outgoing connection (Redis,
 * PostgreSQL, BullMQ) could hold a test's port for a moment.
 */
export function portPlan(base: number) {
  return {
    sip: base + 60,
    ws: base + 62,
    // SIP over TLS (TCP), beside sip's UDP (and TCP) port.
    tls: base + 61,
    http: base + 80,
    evapi: base + 48,
    ng: base + 23,
    rtpMin: base + 100,
    rtpMax: base + 399,
    trunk: base + 600,
    phone: (i: number) => base + 500 + i * 4,
    media: (i: number) => base + 700 + i * 10,
  };
}

export interface TestPbxOptions {
  basePort: number;
  managers?: number;
  /** Extensions configured with `disabled: true`. */
  disabledManagers?: string[];
  ringTimeoutSeconds?: number;
  maxCallsPerSecond?: number;
  autoPauseAfterMisses?: number;
  /** The `crm` section (webhook endpoints), as in the YAML. */
  crm?: unknown;
  /** The `console` section (accounts that sign in to the web pages). */
  console?: Record<string, unknown>;
  /**
   * The `recordings` section. Off unless given: most tests read the call's pcap in
   * the spool, which the recording pipeline removes once the recording is stored.
   */
  recordings?: Record<string, unknown>;
  /** The `sipSecurity` section (bans, the first-decision timer). */
  sipSecurity?: Record<string, unknown>;
  /** The `webphone` section (the browser phone's WebSocket); its port defaults to the plan's. */
  webphone?: Record<string, unknown>;
  /** Extra fields of the test trunk (its limits). */
  trunk?: Record<string, unknown>;
  /** The `processes` section (where the recording and webhook workers run); default: forked, as in production. */
  processes?: Record<string, unknown>;
  /** The whole `trunks` section instead of the one address-trusted test trunk. */
  trunks?: Record<string, unknown>[];
  /** More of the `sip` section (its address, port and domain are the test's). */
  sip?: Record<string, unknown>;
  /** The `numbers` section (company numbers and their trunks). */
  numbers?: Record<string, unknown>[];
  /** The `outbound` section (trunk rules, failover codes). */
  outbound?: Record<string, unknown>;
  /** Company line of each manager, by extension. */
  lines?: Record<string, string>;
  /** Dial plan files (name -> YAML); default: one line ringing every manager top-down. */
  dialplans?: Record<string, string>;
  /** A Redis of the test's own (one it restarts); the host's by default. */
  redisUrl?: string;
  /** A PostgreSQL of the test's own (one it stops); the host's by default. */
  postgresUrl?: string;
  /** Sound files of the test's own sounds/ (name -> bytes); the default prompts are shared with the repository's. */
  sounds?: Record<string, Buffer>;
  name: string;
  /** More API tokens after the test's admin token. */
  extraTokens?: { name: string; token: string; role?: string }[];
  /**
   * The configuration written to a file (TestPbx.configFile) that the service reloads on
   * reload() (SIGHUP, POST /api/admin/reload), as `npm start` does.
   */
  configFile?: boolean;
}

/** The default test line: every manager, top-down, no wrap-up, so tests are deterministic. */
export function defaultDialplan(extensions: string[], ringTimeoutSeconds: number): string {
  return [
    'name: test-line',
    `numbers: ["${COMPANY_NUMBER}"]`,
    'timezone: UTC',
    `groups: { sales: [${extensions.map((e) => `"${e}"`).join(', ')}] }`,
    'steps:',
    `  - { group: sales, strategy: sequential, ring_timeout: ${ringTimeoutSeconds}, max_wait: 120, wrap_up: 0 }`,
    '',
  ].join('\n');
}

export interface TestPbx extends RunningLeadline {
  ports: ReturnType<typeof portPlan>;
  extensions: string[];
  passwordOf(extension: string): string;
  api(path: string, init?: RequestInit): Promise<Response>;
  /** Polls the API until the call's record is written (records are batched). */
  waitForRecord(callId: string, timeoutMs?: number): Promise<CallRecord & Record<string, unknown>>;
  spoolDir: string;
  dialplansDir: string;
  /** The configuration file (written only with the configFile option). */
  configFile: string;
  logFile: string;
  /** What the log holds so far (a mark for logSince: the file keeps earlier runs' lines). */
  logMark(): number;
  /** The log written since the mark. */
  logSince(mark: number): string;
  /** Stops everything and removes this run's Redis keys, schema and files. */
  destroy(): Promise<void>;
}

export function testConfig(opts: TestPbxOptions, workDir: string): Config {
  return configSchema.parse(testConfigInput(opts, workDir));
}

/** The test configuration as written in a file (before validation and defaults). */
function testConfigInput(opts: TestPbxOptions, workDir: string): Record<string, unknown> {
  const ports = portPlan(opts.basePort);
  const managers = Array.from({ length: opts.managers ?? 3 }, (_, i) => ({
    extension: String(101 + i),
    name: `Manager ${101 + i}`,
    password: `pass-${101 + i}-secret`,
    ...(opts.disabledManagers?.includes(String(101 + i)) ? { disabled: true } : {}),
    ...(opts.lines?.[String(101 + i)] ? { line: opts.lines[String(101 + i)] } : {}),
  }));
  const run = randomBytes(4).toString('hex');
  return {
    // Loopback only, with test secrets: as the demo.
    demo: true,
    sip: { ...opts.sip, listen: '127.0.0.1', port: ports.sip, domain: SIP_DOMAIN },
    http: { host: '127.0.0.1', port: ports.http },
    api: { tokens: [{ name: 'e2e', token: API_TOKEN }, ...(opts.extraTokens ?? [])] },
    redis: { keyPrefix: `e2e:${opts.name}:${run}:`, ...(opts.redisUrl ? { url: opts.redisUrl } : {}) },
    postgres: { url: opts.postgresUrl ?? TEST_POSTGRES_URL, schema: `e2e_${opts.name.replace(/\W/g, '_')}_${run}` },
    rtpengine: { ngPort: ports.ng, portMin: ports.rtpMin, portMax: ports.rtpMax },
    kamailio: { evapiPort: ports.evapi, children: 4, sharedMemoryMb: 128, maxCallsPerSecond: opts.maxCallsPerSecond ?? 400 },
    routing: {
      ringTimeoutSeconds: opts.ringTimeoutSeconds ?? 15,
      dialplansDir: join(workDir, 'dialplans'),
      ...(opts.autoPauseAfterMisses ? { autoPauseAfterMisses: opts.autoPauseAfterMisses } : {}),
    },
    paths: { runDir: join(workDir, 'run'), spoolDir: join(workDir, 'spool'), ...(opts.sounds ? { soundsDir: join(workDir, 'sounds') } : {}) },
    managers,
    trunks: opts.trunks ?? [{ name: 'test-trunk', address: TRUNK_IP, port: ports.trunk, callerId: COMPANY_NUMBER, ...opts.trunk }],
    ...(opts.numbers ? { numbers: opts.numbers } : {}),
    ...(opts.outbound ? { outbound: opts.outbound } : {}),
    ...(opts.sipSecurity ? { sipSecurity: opts.sipSecurity } : {}),
    ...(opts.crm ? { crm: opts.crm } : {}),
    ...(opts.console ? { console: opts.console } : {}),
    ...(opts.webphone ? { webphone: { port: ports.ws, ...opts.webphone } } : {}),
    ...(opts.processes ? { processes: opts.processes } : {}),
    recordings: opts.recordings ? { storage: { driver: 'local', dir: join(workDir, 'recordings') }, ...opts.recordings } : { enabled: false },
  };
}

/** Writes the dial plan files a test config points to (the default test line when none are given). */
export function writeDialplans(config: Config, dialplans?: Record<string, string>): void {
  const files = dialplans ?? { 'test-line.yaml': defaultDialplan(config.managers.map((m) => m.extension), config.routing.ringTimeoutSeconds) };
  mkdirSync(config.routing.dialplansDir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(config.routing.dialplansDir, name), text);
}

export async function startTestPbx(opts: TestPbxOptions): Promise<TestPbx> {
  const workDir = mkdtempSync(join(tmpdir(), `leadline-${opts.name}-`));
  const input = testConfigInput(opts, workDir);
  const config = configSchema.parse(input);
  const configFile = join(workDir, 'leadline.yaml');
  if (opts.configFile) writeFileSync(configFile, stringify(input), { mode: 0o600 });
  writeDialplans(config, opts.dialplans);
  if (opts.sounds) {
    // The generated defaults are made once, in the repository's sounds/default.
    mkdirSync(resolve('sounds/default'), { recursive: true });
    mkdirSync(config.paths.soundsDir, { recursive: true });
    symlinkSync(resolve('sounds/default'), join(config.paths.soundsDir, 'default'));
    for (const [name, bytes] of Object.entries(opts.sounds)) {
      mkdirSync(dirname(join(config.paths.soundsDir, name)), { recursive: true });
      writeFileSync(join(config.paths.soundsDir, name), bytes);
    }
  }
  mkdirSync('tests/artifacts', { recursive: true });
  const logFile = `tests/artifacts/${opts.name}.log`;
  const log = pino({ level: 'debug' }, pino.destination({ dest: logFile, sync: true }));
  const running = await startLeadline(config, log, 'launcher', opts.configFile ? () => loadConfig(configFile, {}) : undefined);
  const base = running.httpUrl;
  const api = (path: string, init?: RequestInit) =>
    fetch(`${base}${path}`, { ...init, headers: { authorization: `Bearer ${API_TOKEN}`, ...init?.headers } });
  return {
    ...running,
    ports: portPlan(opts.basePort),
    extensions: config.managers.map((m) => m.extension),
    passwordOf: (ext) => config.managers.find((m) => m.extension === ext)!.password,
    api,
    spoolDir: config.paths.spoolDir,
    dialplansDir: config.routing.dialplansDir,
    configFile,
    logFile,
    logMark: () => statSync(logFile).size,
    logSince: (mark) => readFileSync(logFile).subarray(mark).toString(),
    async waitForRecord(callId, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const res = await api(`/api/calls/${encodeURIComponent(callId)}`);
        if (res.status === 200) return (await res.json()) as CallRecord & Record<string, unknown>;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`no call record for ${callId} within ${timeoutMs} ms (see ${logFile})`);
    },
    async destroy() {
      await running.stop();
      const { createRedis } = await import('../../src/adapters/redis/create-redis.js');
      const { createDatabase } = await import('../../src/adapters/postgres/database.js');
      const redis = await createRedis(config.redis.url);
      const keys = await redis.keys(`${config.redis.keyPrefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
      const db = createDatabase(config.postgres);
      await dropSchema(db, config.postgres.schema);
      await db.destroy();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}
