// Recorded-calls benchmark: N concurrent answered calls through the full Leadline path
// (Kamailio + rtpengine + the service, recording pipeline on, mp3 to a local folder), and
// whether every answered call ends up with a stored recording.
//
// Goal (issue): "300 concurrent recorded calls with the pipeline running and 0 recordings lost".
//
// Set-up: the service runs as its own process (as `npm start`), config generated into a
// throwaway work dir: recordings enabled (local folder <work>/recordings, mp3), rtpengine
// ports 30000-39999, Kamailio 8 children, maxCallsPerSecond >= rate. One dial plan: number
// 2000 -> one group of MANAGERS managers, round-robin, max_concurrent 10, skip_busy false,
// ring 0 (the UAS answers at once), wrap_up 0. Every manager registers (digest auth, one
// sipp each) with the Contact of ONE sipp UAS (uas-answer-echo.xml, -rtp_echo).
// Load: sipp uac-call.xml (plays /usr/share/sip-tester/g711a.pcap as RTP, then pauses -d
// hold ms, then BYE) at --rate calls/s to --calls total: about rate x hold calls up at once.
// Peak concurrency: Redis live-call keys (<prefix>call:*) counted every 200 ms.
// Then: wait (bounded, --drain s) for every answered call (PostgreSQL `calls`, answered_at
// set) to have a `recordings` row 'stored'.
//
// The service is configured, started and its managers registered by the helpers of
// bench/leadline-target.ts.
//
// Run: npx tsx bench/recorded-calls.ts [--calls 300] [--rate 30] [--hold 10] [--drain 120]
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { sql } from 'kysely';
import type { Config } from '../src/config/config-schema.js';
import { createDatabase } from '../src/adapters/postgres/database.js';
import { createRedis } from '../src/adapters/redis/create-redis.js';
import { runSipp, waitForPortFree, type SippRun } from '../tests/helpers/sipp.js';
import { BENCH_NUMBER, SIP, benchConfig, registerManagers, startBenchUas, startService, writeDialplan } from './leadline-target.js';
import { stopBenchCrm } from './lib/bench-crm.js';
import { numberArg } from './lib/args.js';
import { dropSchema } from '../src/adapters/postgres/migrate.js';

const CALLS = numberArg('--calls', 300);
const RATE = numberArg('--rate', 30);
const HOLD_S = numberArg('--hold', 10);
const DRAIN_S = numberArg('--drain', 120);
const MAX_CONCURRENT = 10; // the dial plan schema's ceiling per manager
/** Enough managers that rate x hold calls fit (x1.2 margin: BYE processing lags the hang-up). */
const MANAGERS = Math.max(30, Math.ceil((RATE * HOLD_S * 1.2) / MAX_CONCURRENT));

const CALLER = { localIp: '127.0.0.5', localPort: 25070, mediaPort: 27000 };
const LOG_FILE = 'bench/results/recorded-calls-leadline.log';

function readStatColumn(workDir: string, column: string): number[] {
  const lines = readFileSync(join(workDir, 'stat.csv'), 'utf8').split('\n').filter((x) => x.trim() !== '');
  const i = lines[0]?.split(';').indexOf(column) ?? -1;
  return i < 0 ? [] : lines.slice(1).map((x) => Number(x.split(';')[i])).filter((n) => Number.isFinite(n));
}

function spoolPcaps(config: Config): { count: number; bytes: number } {
  const dir = join(config.paths.spoolDir, 'pcaps');
  if (!existsSync(dir)) return { count: 0, bytes: 0 };
  const files = readdirSync(dir).filter((f) => f.endsWith('.pcap'));
  return { count: files.length, bytes: files.reduce((s, f) => s + (statSync(join(dir, f), { throwIfNoEntry: false })?.size ?? 0), 0) };
}

interface Tally {
  answered: number;
  callRows: number;
  stored: number;
  failed: number;
  pending: number;
  missing: number;
  lastHangup: Date | null;
  lastStored: Date | null;
}

async function tally(db: ReturnType<typeof createDatabase>): Promise<Tally> {
  const calls = await sql<{ rows: string; answered: string; last_end: Date | null }>`
    select count(*) as rows, count(answered_at) as answered, max(ended_at) filter (where answered_at is not null) as last_end from calls`.execute(db);
  const recs = await sql<{ status: string; n: string; last: Date | null }>`
    select status, count(*) as n, max(stored_at) as last from recordings group by status`.execute(db);
  const missing = await sql<{ n: string }>`
    select count(*) as n from calls c where c.answered_at is not null
      and not exists (select 1 from recordings r where r.call_id = c.call_id and r.status = 'stored')`.execute(db);
  const by = new Map(recs.rows.map((r) => [r.status, r]));
  return {
    callRows: Number(calls.rows[0]?.rows ?? 0),
    answered: Number(calls.rows[0]?.answered ?? 0),
    lastHangup: calls.rows[0]?.last_end ?? null,
    stored: Number(by.get('stored')?.n ?? 0),
    failed: Number(by.get('failed')?.n ?? 0),
    pending: Number(by.get('pending')?.n ?? 0),
    missing: Number(missing.rows[0]?.n ?? 0),
    lastStored: by.get('stored')?.last ?? null,
  };
}

async function main(): Promise<void> {
  console.log(`recorded calls: ${CALLS} calls at ${RATE}/s, hold ${HOLD_S} s (about ${Math.round(RATE * HOLD_S)} at once), ${MANAGERS} managers x max_concurrent ${MAX_CONCURRENT}`);
  const work = mkdtempSync(join(tmpdir(), 'leadline-recbench-'));
  const config = benchConfig({
    caller: CALLER,
    work,
    managers: MANAGERS,
    kamailio: { children: 8, maxCallsPerSecond: Math.max(300, Math.ceil(RATE * 1.5)) },
    extra: { recordings: { enabled: true, format: 'mp3', storage: { driver: 'local', dir: join(work, 'recordings') } } },
  });
  writeDialplan(config, 'bench-recorded', { max_concurrent: MAX_CONCURRENT, skip_busy: false });
  let service: ChildProcess | null = null;
  let uas: SippRun | null = null;
  const redis = await createRedis(config.redis.url);
  const db = createDatabase(config.postgres);
  try {
    service = await startService(config, work, LOG_FILE);
    await registerManagers(config);
    uas = await startBenchUas({ rtpEcho: true, timeoutMs: 60 * 60 * 1000, label: '  UAS' });

    // Peak concurrency: live-call keys in Redis, every 200 ms.
    let peak = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        let n = 0;
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${config.redis.keyPrefix}call:*`, 'COUNT', 1000);
          cursor = next;
          n += keys.length;
        } while (cursor !== '0');
        peak = Math.max(peak, n);
        await new Promise((r) => setTimeout(r, 200));
      }
    })();

    await waitForPortFree(CALLER.localPort, CALLER.localIp);
    const loadStarted = Date.now();
    const uac = await runSipp({
      scenario: 'uac-call.xml',
      remote: `${SIP.ip}:${SIP.port}`,
      service: BENCH_NUMBER,
      localIp: CALLER.localIp,
      localPort: CALLER.localPort,
      mediaPort: CALLER.mediaPort,
      rate: RATE,
      calls: CALLS,
      limit: CALLS,
      pauseMs: HOLD_S * 1000,
      traceErr: true,
      extraArgs: ['-max_recv_loops', '10000', '-max_sched_loops', '10000'],
      timeoutMs: (CALLS / RATE + HOLD_S + 120) * 1000,
    });
    const loadEnded = Date.now();
    sampling = false;
    await sampler;
    const st = uac.stats;
    // sipp's CurrentCall, one -trace_stat row a second (-fd 1): a second cross-check of the peak.
    const sippPeak = existsSync(join(uac.workDir, 'stat.csv')) ? Math.max(0, ...readStatColumn(uac.workDir, 'CurrentCall')) : Number.NaN;
    console.log(`  sipp UAC: exit ${uac.exitCode}${uac.timedOut ? ' (timed out)' : ''}, ${((loadEnded - loadStarted) / 1000).toFixed(1)} s, successful ${st?.successful ?? '?'}, failed ${st?.failed ?? '?'}, created ${st?.raw['OutgoingCall(C)'] ?? '?'}`);
    if (uac.errors.trim()) console.log(`  sipp errors (first lines):\n${uac.errors.split('\n').slice(0, 8).map((l) => `    ${l}`).join('\n')}`);
    if (uac.exitCode === 0) rmSync(uac.workDir, { recursive: true, force: true });
    else console.log(`  sipp work dir kept: ${uac.workDir}`);

    // Drain: every answered call should get a stored recording. Call records are written in batches,
    // so wait until the calls table holds every call sipp created as well.
    const created = Number(st?.raw['OutgoingCall(C)'] ?? CALLS);
    const deadline = Date.now() + DRAIN_S * 1000;
    let t = await tally(db);
    for (;;) {
      const spool = spoolPcaps(config);
      const settled = t.callRows >= created && t.missing === 0 && t.pending === 0 && spool.count === 0;
      if (settled || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 1000));
      t = await tally(db);
    }
    const drained = Date.now();
    const spool = spoolPcaps(config);
    const lastToStored = t.lastHangup && t.lastStored ? (t.lastStored.getTime() - t.lastHangup.getTime()) / 1000 : Number.NaN;
    // Per call: hang-up -> stored, and the recorded length (hold + the pcap's audio; a short one would mean lost media).
    const lat = await sql<{ p50: number | null; p95: number | null; max: number | null; dmin: string | null; davg: string | null; dmax: string | null; bytes: string | null }>`
      select percentile_cont(0.5) within group (order by extract(epoch from r.stored_at - c.ended_at)) as p50,
             percentile_cont(0.95) within group (order by extract(epoch from r.stored_at - c.ended_at)) as p95,
             max(extract(epoch from r.stored_at - c.ended_at)) as max,
             min(r.duration_seconds) as dmin, avg(r.duration_seconds) as davg, max(r.duration_seconds) as dmax, sum(r.bytes) as bytes
        from recordings r join calls c on c.call_id = r.call_id where r.status = 'stored'`.execute(db);
    const l = lat.rows[0];

    console.log('\nresults');
    console.log(`  calls placed:            ${created}`);
    console.log(`  sipp successful/failed:  ${st?.successful ?? '?'} / ${st?.failed ?? '?'}`);
    console.log(`  call records written:    ${t.callRows}`);
    console.log(`  answered (calls table):  ${t.answered}`);
    console.log(`  peak concurrent (Redis): ${peak} (sipp stat snapshots: max ${sippPeak})`);
    console.log(`  recordings stored:       ${t.stored}`);
    console.log(`  recordings failed:       ${t.failed}`);
    console.log(`  recordings pending:      ${t.pending}`);
    console.log(`  missing (answered, no stored recording): ${t.missing}`);
    console.log(`  last hang-up -> last recording stored: ${lastToStored.toFixed(1)} s (drain waited ${((drained - loadEnded) / 1000).toFixed(1)} s)`);
    console.log(`  per call hang-up -> stored: p50 ${Number(l?.p50).toFixed(1)} s, p95 ${Number(l?.p95).toFixed(1)} s, max ${Number(l?.max).toFixed(1)} s`);
    console.log(`  recorded length: min ${Number(l?.dmin).toFixed(1)} s, avg ${Number(l?.davg).toFixed(1)} s, max ${Number(l?.dmax).toFixed(1)} s; ${(Number(l?.bytes) / 1e6).toFixed(1)} MB of mp3`);
    console.log(`  pcaps left in the spool: ${spool.count} (${spool.bytes} bytes)`);
    const met = t.answered > 0 && t.missing === 0 && t.failed === 0 && t.answered === created;
    console.log(`\n0 recordings lost: ${met ? 'met' : 'NOT met'}${t.answered !== created ? ` (answered ${t.answered} of ${created} placed)` : ''}; peak concurrent ${peak}${peak < RATE * HOLD_S * 0.9 ? ` (below the ${RATE * HOLD_S} aimed at)` : ''}`);
  } finally {
    await uas?.stop().then((r) => rmSync(r.workDir, { recursive: true, force: true }));
    if (service && service.exitCode === null) {
      const exited = new Promise((r) => service!.once('exit', r));
      service.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
      if (service.exitCode === null) service.kill('SIGKILL');
    }
    await dropSchema(db, config.postgres.schema).catch((e) => console.error(`drop schema: ${String(e)}`));
    await db.destroy();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${config.redis.keyPrefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
    redis.disconnect();
    // startService started the bench CRM: left listening, it kept this process from exiting.
    await stopBenchCrm();
    rmSync(work, { recursive: true, force: true });
    console.log(`  cleaned up (schema ${config.postgres.schema}, Redis ${config.redis.keyPrefix}*, ${work})`);
  }
}

await main();
