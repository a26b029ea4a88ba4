// The full Leadline path as a bench target: Kamailio asks the service over evapi,
// the service routes with Redis, rtpengine anchors the media, call records go to
// PostgreSQL. 150 managers register for real (digest auth) from the address of one
// sipp UAS that then answers all their calls. Inbound calls to 2000 are distributed by
// one dial plan written to the run's work dir (routing.dialplansDir): every bench
// manager in one group, round-robin, no wrap-up, always open.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { spawn, type ChildProcess } from 'node:child_process';
import { stringify } from 'yaml';
import { configSchema, type Config } from '../src/config/config-schema.js';
import { createDatabase } from '../src/adapters/postgres/database.js';
import { createRedis } from '../src/adapters/redis/create-redis.js';
import { runSipp, startSipp, waitForPortFree, type SippRun } from '../tests/helpers/sipp.js';
import type { RunningTarget, Target } from './call-path.js';
import { processCpu } from './lib/proc-stat.js';
import { BENCH_CRM_WEBHOOK, benchCrmReceived, startBenchCrm, stopBenchCrm } from './lib/bench-crm.js';
import { dropSchema } from '../src/adapters/postgres/migrate.js';

// Enough that a free manager always exists at the rates measured (each call holds one until its BYE is processed).
const MANAGERS = 150;
export const SIP = { ip: '127.0.0.1', port: 26060 };
export const UAS = { ip: '127.0.0.6', port: 26580, media: 26700 };
/** The company number the bench caller dials (sipp -s). */
export const BENCH_NUMBER = '2000';

/** `recordings: false` is the same service with `recordings.enabled: false` (the default is on). */
/**
 * `greeting`: the line plays this sound (under sounds/) to every caller as early media (183)
 * before the first ring, as a scenario's `greeting` does; the target's delay is INVITE->183.
 */
export function leadline(
  caller: { localIp: string; localPort: number },
  opts: { ratedCps?: number; maxCallsPerSecond?: number; recordings?: boolean; greeting?: string } = {},
): Target {
  const recordings = opts.recordings !== false;
  return {
    name: opts.greeting ? 'leadline-greeting' : recordings ? 'leadline' : 'leadline-recordings-off',
    ratedCps: opts.ratedCps,
    earlyMedia: !!opts.greeting,
    // the greeting, then the first ring and the answer
    ...(opts.greeting ? { callSeconds: 0.6 } : {}),
    async start() {
      const work = mkdtempSync(join(tmpdir(), 'leadline-bench-'));
      const config = benchConfig({
        caller,
        work,
        managers: MANAGERS,
        kamailio: opts.maxCallsPerSecond ? { maxCallsPerSecond: opts.maxCallsPerSecond } : {},
        extra: {
          ...(recordings ? {} : { recordings: { enabled: false } }),
          // LEADLINE_BENCH_WORKERS=external: no worker runs, jobs only pile up (where does the time go?).
          ...(process.env.LEADLINE_BENCH_WORKERS ? { processes: { workers: process.env.LEADLINE_BENCH_WORKERS } } : {}),
        },
      });
      writeDialplan(config, 'bench-line', { max_concurrent: 1 }, opts.greeting ? { greeting: opts.greeting } : {});
      const pbx = await startService(config, work);
      let phone: SippRun | null = null;
      const stop = async () => {
        await phone?.stop();
        await cleanUp(pbx, config, work);
      };
      try {
        await registerManagers(config);
        phone = await startBenchUas({ rtpEcho: false, timeoutMs: 30 * 60 * 1000, label: '  [leadline] UAS' });
      } catch (err) {
        await stop();
        throw err;
      }
      const running: RunningTarget = { proxy: `${SIP.ip}:${SIP.port}`, callee: BENCH_NUMBER, stop };
      return running;
    },
  };
}

/** The managers' phones: one sipp answering every call at UAS (echoing RTP when asked), ready when this returns. */
export async function startBenchUas(o: { rtpEcho: boolean; timeoutMs: number; label: string }): Promise<SippRun> {
  await waitForPortFree(UAS.port, UAS.ip);
  const uas = startSipp({
    scenario: 'uas-answer-echo.xml',
    localIp: UAS.ip,
    localPort: UAS.port,
    mediaPort: UAS.media,
    rtpEcho: o.rtpEcho,
    extraArgs: ['-max_recv_loops', '10000', '-max_sched_loops', '10000'],
    timeoutMs: o.timeoutMs,
  });
  console.log(`${o.label}: ${uas.command}`);
  await new Promise((r) => setTimeout(r, 500));
  return uas;
}

/**
 * The service's configuration for a bench run: every port fixed in the 25000-27999
 * range, a schema and key prefix of its own, `managers` bench managers, the caller as
 * the trunk, and webhooks to the bench CRM. `kamailio` and `extra` override what a
 * bench needs otherwise.
 */
export function benchConfig(o: {
  caller: { localIp: string; localPort: number };
  work: string;
  managers: number;
  kamailio?: Record<string, unknown>;
  extra?: Record<string, unknown>;
}): Config {
  const run = randomBytes(3).toString('hex');
  return configSchema.parse({
    demo: true,
    sip: { listen: SIP.ip, port: SIP.port, domain: 'leadline.bench' },
    http: { host: '127.0.0.1', port: 26080 },
    api: { tokens: [{ name: 'bench', token: 'bench-token-0123456789' }] },
    redis: { keyPrefix: `bench:${run}:` },
    postgres: { url: process.env.LEADLINE_TEST_POSTGRES_URL ?? 'postgres://leadline:leadline@127.0.0.1:5432/leadline', schema: `bench_${run}` },
    rtpengine: { ngPort: 26023, portMin: 30000, portMax: 39999 },
    kamailio: { evapiPort: 26048, children: 4, sharedMemoryMb: 1024, ...o.kamailio },
    routing: { ringTimeoutSeconds: 15, dialplansDir: join(o.work, 'dialplans') },
    paths: { runDir: join(o.work, 'run'), spoolDir: join(o.work, 'spool') },
    managers: Array.from({ length: o.managers }, (_, i) => ({ extension: String(1000 + i), name: `M${i}`, password: `bench-pass-${i}` })),
    // The per-trunk limits (issue 11) would cap every target at the default 100 calls/s; the
    // bench measures what the machine carries, so only kamailio.maxCallsPerSecond (the rated
    // rate) limits it, as before.
    trunks: [{ name: 'bench-caller', address: o.caller.localIp, port: o.caller.localPort, callerId: '+74951234567', maxCallsPerSecond: 10_000, maxConcurrentCalls: 100_000 }],
    // Webhooks on, as a sales team runs it: every event to a local CRM (lib/bench-crm.ts, started with the
    // service). LEADLINE_BENCH_WEBHOOKS=off leaves them out, to measure what they cost.
    ...(process.env.LEADLINE_BENCH_WEBHOOKS === 'off' ? {} : { crm: { webhooks: [BENCH_CRM_WEBHOOK] } }),
    ...o.extra,
  });
}

/**
 * The scenario serving the number the bench caller dials (format: dialplans/README.md):
 * every bench manager in one round-robin group, no wrap-up, always open; `step` adds to the
 * step, `top` to the scenario (a greeting).
 */
export function writeDialplan(config: Config, name: string, step: Record<string, unknown>, top: Record<string, unknown> = {}): void {
  const scenario = {
    name,
    ...top,
    numbers: [BENCH_NUMBER],
    timezone: 'UTC', // no hours: always open
    groups: { bench: config.managers.map((m) => m.extension) },
    steps: [{ group: 'bench', strategy: 'round-robin', ring_timeout: 15, max_wait: 60, wrap_up: 0, ...step }],
  };
  mkdirSync(config.routing.dialplansDir, { recursive: true });
  // yaml quotes strings that would read as numbers ("2000", "1000"), as the dial plan format asks
  writeFileSync(join(config.routing.dialplansDir, `${name}.yaml`), stringify(scenario));
}

/** Every manager REGISTERs with digest auth, Contact = the UAS address (one sipp each: sipp 3.6 cannot inject credentials). */
export async function registerManagers(config: Config): Promise<void> {
  const started = Date.now();
  for (const m of config.managers) {
    await waitForPortFree(UAS.port, UAS.ip);
    const r = await runSipp({
      scenario: 'register.xml',
      remote: `${SIP.ip}:${SIP.port}`,
      localIp: UAS.ip,
      localPort: UAS.port,
      service: m.extension,
      authPassword: m.password,
      calls: 1,
      timeoutMs: 10_000,
    });
    rmSync(r.workDir, { recursive: true, force: true });
    if (r.exitCode !== 0) throw new Error(`manager ${m.extension} could not register (${r.command})`);
  }
  console.log(`  [leadline] ${config.managers.length} managers registered in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * The service in its own process, as `npm start` runs it: the bench's own work
 * (sipp output, parsing) must not share the service's event loop.
 */
export async function startService(config: Config, work: string, logFile = 'bench/results/leadline.log'): Promise<ChildProcess> {
  const file = join(work, 'leadline.yaml');
  writeFileSync(file, stringify(config));
  mkdirSync('bench/results', { recursive: true });
  console.log(`  [leadline] service log: ${logFile}`);
  const out = openSync(logFile, 'w');
  if (config.crm.webhooks.some((w) => w.url === BENCH_CRM_WEBHOOK.url)) await startBenchCrm();
  const profile = process.env.LEADLINE_BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=bench/results'] : [];
  const child = spawn('node', [...profile, '--import', 'tsx', 'src/main.ts'], { env: { ...process.env, LEADLINE_CONFIG: file }, stdio: ['ignore', out, out] });
  // Generous: on a shared machine under load, compiling and starting takes far longer than idle.
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the service exited during start-up (code ${child.exitCode}): see ${logFile}`);
    const ok = await fetch(`http://${config.http.host}:${config.http.port}/healthz`).then((r) => r.ok, () => false);
    if (ok) return child;
    if (Date.now() > deadline) {
      const said = await fetch(`http://${config.http.host}:${config.http.port}/healthz`).then((r) => r.text(), (err: Error) => err.message);
      // Stopped, or it would live on with its Kamailio and rtpengine after the bench exits.
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      throw new Error(`the service did not become healthy within 90 s (/healthz: ${said.slice(0, 300)}): see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function cleanUp(service: ChildProcess, config: Config, work: string): Promise<void> {
  const cpu = serviceCpu(service.pid);
  const exited = new Promise((r) => service.once('exit', r));
  service.kill('SIGTERM');
  await exited;
  const db = createDatabase(config.postgres);
  const rows = await sql<{ n: string }>`select count(*) as n from calls`.execute(db).catch(() => ({ rows: [{ n: '?' }] }));
  console.log(`  [leadline] call records written: ${rows.rows[0]?.n}; webhooks the CRM received: ${benchCrmReceived()}`);
  await stopBenchCrm();
  // CPU is what a loaded machine does not distort: the routing process's own, per call (its forked workers not included).
  const calls = Number(rows.rows[0]?.n);
  if (cpu !== null && calls > 0) {
    const perCall = (seconds: number) => ((seconds * 1000) / calls).toFixed(3);
    console.log(`  [leadline] routing process CPU: ${(cpu.user + cpu.system).toFixed(1)} s, ${perCall(cpu.user + cpu.system)} ms per call (user ${perCall(cpu.user)}, system ${perCall(cpu.system)})`);
  }
  await dropSchema(db, config.postgres.schema);
  await db.destroy();
  const redis = await createRedis(config.redis.url);
  const keys = await redis.keys(`${config.redis.keyPrefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  rmSync(work, { recursive: true, force: true });
}

/** utime and stime of a process so far, seconds (null when it is gone): system time is mostly its socket writes. */
function serviceCpu(pid: number | undefined): { user: number; system: number } | null {
  if (pid === undefined) return null;
  try {
    const { user, system } = processCpu(pid);
    return { user, system };
  } catch {
    return null;
  }
}
