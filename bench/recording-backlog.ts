// Recording backlog benchmark: does a pile of recordings waiting to be converted slow
// a ringing phone? The situation of a storage outage ending, or a campaign of short calls.
//
// The full Leadline path as `npm start` runs it (recording workers forked at idle CPU
// priority), with 150 registered managers and a sipp UAS answering. In one run:
//   1. 100 calls/s for --seconds s with an empty spool: INVITE->180 of every call
//      (the baseline);
//   2. a real backlog of --backlog recordings, as the router leaves one behind when the
//      workers could not keep up (a campaign of short calls, workers down for a while) or
//      storage was away: answered calls of --talk s each with their call records in
//      PostgreSQL, their pcaps in the spool (G.711 speech from sipp's g711a.pcap, rtpengine's
//      file names, its metadata moved to metadata/ as after a finished call), and for each a
//      pending recording row and a queued job, written by the router's own code path
//      (RecordingArchive.submit, as when a call ends). The running workers take them at once.
//   3. the same 100 calls/s while they drain: INVITE->180 again, and stored recordings
//      counted in PostgreSQL every second.
// (Before: bare pcaps for the spool sweep, which takes a pcap without a call record only
// after recordings.orphanPcapMinutes: nothing drained, and nothing was measured.)
// Prints both p99s and their ratio (goal: at most x1.25), and the drain rate.
//
// Run: npx tsx bench/recording-backlog.ts [--backlog 2000] [--talk 20] [--seconds 20] [--rate 100] [--drain 120]
// The machine has 2 cores shared with the load generator: ratios of one run, not absolutes.
import { existsSync, mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pino from 'pino';
import { createDatabase, type Database } from '../src/adapters/postgres/database.js';
import { PostgresCallStore } from '../src/adapters/postgres/call-store.js';
import { convertCallRecording } from '../src/adapters/recordings/pcap-to-recording.js';
import type { Config } from '../src/config/config-schema.js';
import type { CallRecord } from '../src/core/calls/call-record.js';
import { createRecordingArchive } from '../src/launcher/recording-archive.js';
import { newRecordingOf } from '../src/services/recordings/new-recording.js';
import { readPcapUdp } from '../src/adapters/rtpengine/pcap-reader.js';
import { parseRtpPacket } from '../src/core/recordings/rtp-packet.js';
import { pcapBytes, syntheticCall } from '../tests/helpers/pcap-writer.js';
import { waitForPortFree } from '../tests/helpers/sipp.js';
import { BENCH_NUMBER, SIP, benchConfig, cleanUp, registerManagers, startBenchUas, startService, writeDialplan } from './leadline-target.js';
import { numberArg } from './lib/args.js';
import { median, quantile, runLoad } from './lib/sipp-load.js';

const BACKLOG = numberArg('--backlog', 2000);
const TALK_S = numberArg('--talk', 20);
const SECONDS = numberArg('--seconds', 20);
const RATE = numberArg('--rate', 100);
const DRAIN_S = numberArg('--drain', 120);
const CALLER = { localIp: '127.0.0.5', localPort: 25070, mediaPort: 27000 };
const SPEECH_PCAP = '/usr/share/sip-tester/g711a.pcap';

function speech(): Uint8Array | undefined {
  if (!existsSync(SPEECH_PCAP)) return undefined;
  return Buffer.concat(readPcapUdp(SPEECH_PCAP).map((u) => parseRtpPacket(u.payload)).filter((p) => p.payloadType === 8).map((p) => p.payload));
}

/**
 * What a backlog really is: finished calls with their records, their pcaps in the spool, a
 * pending row and a queued job each. Written with the router's own code (the call store,
 * RecordingArchive.submit), so the workers see exactly what they see after a busy hour.
 */
async function fillBacklog(config: Config, db: Database, count: number): Promise<void> {
  const spoolDir = config.paths.spoolDir;
  mkdirSync(join(spoolDir, 'pcaps'), { recursive: true });
  mkdirSync(join(spoolDir, 'metadata'), { recursive: true });
  const endedAt = Date.now() - 60_000;
  const body = pcapBytes(syntheticCall(TALK_S, endedAt - TALK_S * 1000, speech()));
  const old = new Date(endedAt);
  const records: CallRecord[] = [];
  for (let i = 0; i < count; i++) {
    const callId = `backlog-${i}@bench`;
    const name = `${encodeURIComponent(callId)}-${(0xa000 + i).toString(16)}`;
    const pcap = join(spoolDir, 'pcaps', `${name}.pcap`);
    writeFileSync(pcap, body);
    utimesSync(pcap, old, old);
    writeFileSync(join(spoolDir, 'metadata', `rtpengine-meta-${name}.txt`), `CALL-ID\n${callId}\n`);
    const manager = config.managers[i % config.managers.length]!.extension;
    records.push({
      callId,
      direction: 'inbound',
      callerNumber: `+7916${String(1_000_000 + i).slice(1)}`,
      calleeNumber: BENCH_NUMBER,
      companyNumber: BENCH_NUMBER,
      manager,
      startedAt: new Date(endedAt - (TALK_S + 3) * 1000),
      answeredAt: new Date(endedAt - TALK_S * 1000),
      endedAt: new Date(endedAt),
      ringSeconds: 3,
      talkSeconds: TALK_S,
      disposition: 'answered',
      sipCode: null,
      reason: null,
      attempts: [],
    });
  }
  await new PostgresCallStore(db).saveCalls(records);
  // The router's side of the archive: it indexes and queues, converts nothing.
  const archive = createRecordingArchive({ config, db, logger: pino({ level: 'warn' }), convert: convertCallRecording, onStored: () => {}, runWorker: false, runRetention: false });
  try {
    const o = { format: config.recordings.format, clientAddress: config.trunks[0]?.address ?? null, pcapPath: null };
    await Promise.all(records.map((r) => archive.submit(newRecordingOf(r, o))));
  } finally {
    await archive.stop();
  }
}

async function delays(label: string): Promise<number[]> {
  await waitForPortFree(CALLER.localPort, CALLER.localIp);
  const r = await runLoad({ ...CALLER, proxy: `${SIP.ip}:${SIP.port}`, callee: BENCH_NUMBER, rate: RATE, durationS: SECONDS, measureDelay: true });
  const sorted = [...r.delaysMs].sort((a, b) => a - b);
  console.log(`  ${label}: ${r.delaysMs.length} calls, achieved ${r.achievedCps.toFixed(0)}/s, failed ${r.failed}, INVITE->180 median ${median(sorted).toFixed(3)} ms, p99 ${quantile(sorted, 0.99).toFixed(3)} ms`);
  console.log(`    $ ${r.command}`);
  return sorted;
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'backlog-bench-'));
  const config = benchConfig({ caller: CALLER, work, managers: 150, kamailio: { maxCallsPerSecond: 1000 }, extra: { recordings: { storage: { driver: 'local', dir: join(work, 'recordings') } } } });
  writeDialplan(config, 'bench-line', { max_concurrent: 1 });
  const service = await startService(config, work, 'bench/results/recording-backlog.log');
  const db = createDatabase(config.postgres);
  const stored = async () => Number((await sql<{ n: string }>`select count(*) as n from recordings where status = 'stored' and call_id like 'backlog-%'`.execute(db)).rows[0]?.n ?? 0);
  let uas: Awaited<ReturnType<typeof startBenchUas>> | null = null;
  try {
    await registerManagers(config);
    uas = await startBenchUas({ rtpEcho: false, timeoutMs: 30 * 60 * 1000, label: '  UAS' });
    await waitForPortFree(CALLER.localPort, CALLER.localIp);
    await runLoad({ ...CALLER, proxy: `${SIP.ip}:${SIP.port}`, callee: BENCH_NUMBER, rate: RATE, durationS: 3, measureDelay: false });
    const quiet = await delays('no backlog');

    const filled = Date.now();
    await fillBacklog(config, db, BACKLOG);
    const queued = Number((await sql<{ n: string }>`select count(*) as n from recordings where call_id like 'backlog-%' and status = 'pending'`.execute(db)).rows[0]?.n ?? 0);
    console.log(`  backlog: ${BACKLOG} answered calls of ${TALK_S} s (records, pcaps, pending rows, queued jobs) written in ${((Date.now() - filled) / 1000).toFixed(1)} s; ${queued} still pending`);
    const before = await stored();
    const t0 = Date.now();
    const busy = await delays(`with ${BACKLOG - before} recordings draining`);
    const during = await stored();
    const duringS = (Date.now() - t0) / 1000;
    // Then the rest drains with no calls (at most --drain s): the rate the workers reach when they have the cores.
    const drainBy = Date.now() + DRAIN_S * 1000;
    while ((await stored()) < BACKLOG && Date.now() < drainBy) await new Promise((r) => setTimeout(r, 1000));
    const allS = (Date.now() - t0) / 1000;

    const p99Quiet = quantile(quiet, 0.99);
    const p99Busy = quantile(busy, 0.99);
    console.log('\n| figure | value |');
    console.log('|---|---|');
    console.log(`| INVITE->180 p99, ${RATE} calls/s, no backlog | ${p99Quiet.toFixed(3)} ms (median ${median(quiet).toFixed(3)} ms) |`);
    console.log(`| INVITE->180 p99, ${RATE} calls/s, backlog draining | ${p99Busy.toFixed(3)} ms (median ${median(busy).toFixed(3)} ms) |`);
    console.log(`| p99 ratio (goal at most x1.25) | x${(p99Busy / p99Quiet).toFixed(2)} |`);
    console.log(`| drained while routing ${RATE} calls/s | ${during - before} recordings in ${duringS.toFixed(0)} s (${((during - before) / duringS).toFixed(1)}/s, ${(((during - before) * TALK_S) / duringS).toFixed(0)} s of audio per s) |`);
    const total = await stored();
    console.log(`| stored since the backlog was queued | ${total - before} of ${BACKLOG} in ${allS.toFixed(0)} s (${((total - before) / allS).toFixed(1)}/s) |`);
  } finally {
    await uas?.stop();
    await db.destroy();
    await cleanUp(service, config, work);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
