// Fault bench: steady trunk traffic through the full Leadline path (service in its own
// process, Kamailio, rtpengine, recordings on), one fault in the middle, and what came of
// every call the trunk offered.
//
// Faults: `service` (SIGKILL of the service, started again at once: it adopts Kamailio and
// rtpengine and reconciles), `kamailio` (SIGKILL of Kamailio's process group: the launcher
// starts it again and the service gives it back the registrations), `service-standby`
// (SIGKILL of the routing instance while a second instance stands by on the same Kamailio;
// nobody starts the killed one again: the standby takes the router lease over).
//
// Per fault it prints: calls offered (sipp created), routed (a call record exists: the
// service decided), refused (no record and sipp saw a final error: Kamailio's 503 while
// no service was connected), lost (offered - routed - refused: must be 0), records
// written (and how many were answered), recordings stored, and the routing gap: the longest time between two
// consecutive routed calls' start, against the traffic's own spacing (1/rate). For
// `service-standby` the callers who came during the takeover were held and routed, so
// their starts keep the traffic's spacing: its gap is the time from the kill until the
// standby held the lease (polled every 50 ms), when their routing resumed.
//
// Run: npx tsx bench/faults.ts [--rate 4] [--seconds 20] [--hold 3] [--managers 12] [--fault-at 6] [--fault service|kamailio|service-standby]
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { sql } from 'kysely';
import { createDatabase } from '../src/adapters/postgres/database.js';
import { createRedis } from '../src/adapters/redis/create-redis.js';
import { RedisKeys } from '../src/adapters/redis/redis-keys.js';
import type { Config } from '../src/config/config-schema.js';
import { startSipp } from '../tests/helpers/sipp.js';
import { BENCH_NUMBER, SIP, benchConfig, cleanUp, registerManagers, startBenchUas, startService, writeDialplan } from './leadline-target.js';
import { numberArg } from './lib/args.js';

const RATE = numberArg('--rate', 4);
const SECONDS = numberArg('--seconds', 20);
const HOLD_S = numberArg('--hold', 3);
const MANAGERS = numberArg('--managers', 12);
const FAULT_AT_S = numberArg('--fault-at', 6);
const CALLER = { localIp: '127.0.0.5', localPort: 25070, mediaPort: 27000 };

type Fault = 'service' | 'kamailio' | 'service-standby';

interface Row {
  fault: Fault;
  offered: number;
  routed: number;
  refused: number;
  lost: number;
  records: number;
  answered: number;
  recordings: number;
  gapS: number;
}

async function runFault(fault: Fault): Promise<Row> {
  const work = mkdtempSync(join(tmpdir(), `leadline-faults-${fault}-`));
  const config: Config = benchConfig({
    caller: CALLER,
    work,
    managers: MANAGERS,
    extra: { recordings: { format: 'wav', storage: { driver: 'local', dir: join(work, 'recordings') } } },
  });
  writeDialplan(config, 'faults', { max_concurrent: 1 });
  const logFile = `bench/results/faults-${fault}.log`;
  let service: ChildProcess = await startService(config, work, logFile);
  // The second instance: same install, the daemons the first started, its own HTTP port and run directory.
  const second = fault === 'service-standby' ? await startSecond(config, work, `${logFile}.second`) : null;
  await registerManagers(config);
  const uas = await startBenchUas({ rtpEcho: true, timeoutMs: (SECONDS + 120) * 1000, label: `  [${fault}] uas` });
  const calls = RATE * SECONDS;
  const caller = startSipp({
    scenario: 'uac-call.xml',
    remote: `${SIP.ip}:${SIP.port}`,
    localIp: CALLER.localIp,
    localPort: CALLER.localPort,
    mediaPort: CALLER.mediaPort,
    service: BENCH_NUMBER,
    calls,
    rate: RATE,
    pauseMs: HOLD_S * 1000,
    timeoutMs: (SECONDS + 90) * 1000,
  });
  await new Promise((r) => setTimeout(r, FAULT_AT_S * 1000));
  let takeoverS: number | null = null;
  if (fault === 'service-standby') {
    takeoverS = await killRouterAwaitTakeover(config, service);
  } else if (fault === 'service') {
    const exited = new Promise((r) => service.once('exit', r));
    service.kill('SIGKILL');
    await exited;
    service = await startService(config, work, `${logFile}.after`);
  } else {
    const pid = Number(readFileSync(join(config.paths.runDir, 'kamailio.pid'), 'utf8').trim());
    process.kill(-pid, 'SIGKILL');
  }
  const sipp = await caller.done;
  const offered = sipp.stats?.created ?? 0;
  const failed = sipp.stats?.failed ?? 0;

  const db = createDatabase(config.postgres);
  // Records are batched and recordings converted after the hang-up: wait until both stop growing.
  let records: { call_id: string; started_at: Date; disposition: string }[] = [];
  let recordings = 0;
  for (let stable = 0, last = -1; stable < 5; ) {
    await new Promise((r) => setTimeout(r, 1000));
    records = await db.selectFrom('calls').select(['call_id', 'started_at', 'disposition']).execute();
    recordings = Number((await sql<{ n: string }>`select count(*) as n from recordings`.execute(db)).rows[0]!.n);
    const now = records.length * 100_000 + recordings;
    stable = now === last ? stable + 1 : 0;
    last = now;
  }
  const starts = records.map((r) => r.started_at.getTime()).sort((a, b) => a - b);
  let gap = 0;
  for (let i = 1; i < starts.length; i++) gap = Math.max(gap, starts[i]! - starts[i - 1]!);
  const routed = records.length;
  // Calls without a record that sipp saw fail: refused by Kamailio (503) while no service was there.
  const refused = Math.min(offered - routed, failed);

  await uas.stop();
  await db.destroy();
  if (second) {
    // The killed instance's daemons were left running (as after any crash): stopped by their pidfiles.
    stopLeftDaemons(config);
    service = second;
  }
  await cleanUp(service, config, work);
  const answered = records.filter((r) => r.disposition === 'answered').length;
  return { fault, offered, routed, refused, lost: offered - routed - refused, records: routed, answered, recordings, gapS: takeoverS ?? gap / 1000 };
}

async function startSecond(config: Config, work: string, logFile: string): Promise<ChildProcess> {
  const dir = join(work, 'second');
  mkdirSync(dir, { recursive: true });
  const second: Config = {
    ...config,
    http: { ...config.http, port: config.http.port + 1 },
    voicemail: { port: config.sip.port + 3 },
    daemons: { mode: 'external', kamailioConfigOut: join(dir, 'run', 'kamailio.cfg') },
    paths: { ...config.paths, runDir: join(dir, 'run') },
  };
  return startService(second, dir, logFile);
}

/** SIGKILL of the lease holder; resolves with the seconds until another instance holds the lease. */
async function killRouterAwaitTakeover(config: Config, router: ChildProcess): Promise<number> {
  const redis = await createRedis(config.redis.url);
  const lease = new RedisKeys(config.redis.keyPrefix).routerLease();
  const holder = await redis.get(lease);
  if (!holder?.includes(`:${router.pid}:`)) throw new Error(`the first instance does not hold the router lease (${holder})`);
  const killedAt = Date.now();
  await stopChild(router, 'SIGKILL');
  for (;;) {
    const now = await redis.get(lease);
    if (now !== null && now !== holder) break;
    if (Date.now() - killedAt > 30_000) throw new Error('no instance took the router lease over within 30 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  redis.disconnect();
  return (Date.now() - killedAt) / 1000;
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}

/** Kamailio's process group and rtpengine, by the pidfiles the killed launcher left. */
function stopLeftDaemons(config: Config): void {
  for (const [name, group] of [['kamailio', true], ['rtpengine', false]] as const) {
    try {
      const pid = Number(readFileSync(join(config.paths.runDir, `${name}.pid`), 'utf8').trim());
      process.kill(group ? -pid : pid, 'SIGTERM');
    } catch {
      // gone already
    }
  }
}

const FAULTS: Fault[] = ['service', 'kamailio', 'service-standby'];
const only = process.argv.indexOf('--fault');
const faults = only >= 0 ? FAULTS.filter((f) => f === process.argv[only + 1]) : FAULTS;
const rows: Row[] = [];
for (const fault of faults) {
  console.log(`fault: ${fault} (SIGKILL at ${FAULT_AT_S} s of ${SECONDS} s, ${RATE} calls/s, ${HOLD_S} s talk, ${MANAGERS} managers)`);
  const row = await runFault(fault);
  rows.push(row);
  console.log(`  ${JSON.stringify(row)}`);
}
console.log(`\nnormal spacing of calls: ${(1 / RATE).toFixed(2)} s`);
console.log('| fault | offered | routed | refused | lost | records | answered | recordings | routing gap (s) |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.fault} | ${r.offered} | ${r.routed} | ${r.refused} | ${r.lost} | ${r.records} | ${r.answered} | ${r.recordings} | ${r.gapS.toFixed(2)} |`);
}
