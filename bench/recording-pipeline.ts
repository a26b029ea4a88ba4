// Recording pipeline benchmark.
//
// 1. Latency from hang-up to stored: rounds of N answered ~60 s calls ending together. Each
//    call's synthetic rtpengine pcap (tests/helpers/pcap-writer.ts, PCMA both ways) sits in
//    <spool>/pcaps named as rtpengine names it (<url-encoded Call-ID>-<hex>.pcap); then
//    call.ended is raised for all of them on a DomainEvents bus watched by the real
//    RecordingPipeline, wired as the launcher wires it: createRecordingArchive (PostgreSQL
//    index in a throwaway schema, BullMQ on Redis, the configured worker concurrency), the
//    real converter (convertCallRecording, mp3, in ConversionThreads as the launcher runs it), the local folder driver and s3rver.
//    Measured per call: emit(call.ended) -> recording.ready (raised after the row is 'stored'
//    and the spool files are gone). Includes the pipeline's pcap settle check (two equal
//    sizes one 100 ms poll apart, production default).
// 2. Conversion speed: seconds of audio per CPU-second for mp3. A batch of conversions runs in
//    a child Node process, which reads its own /proc/self/stat before and after the batch:
//    utime+stime (pcap read, RTP parse, G.711 decode, mix) + cutime+cstime (the encoder
//    children, all waited for by then). Baseline, measured the same way in the same run:
//    the same encoder (lame, the same options) encoding the plain stereo 8 kHz PCM of the same length.
//
// Targets: p95 <= 2 s; >= 200 s of audio per CPU-second.
// Run: npx tsx bench/recording-pipeline.ts [--rounds 5] [--calls 20] [--seconds 60] [--concurrency N] [--no-s3] [--in-process]
// (--in-process: conversions on the worker's event loop, as before the conversion threads)
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { encodeFile } from '../src/adapters/recordings/audio-encoders.js';
import { convertCallRecording } from '../src/adapters/recordings/pcap-to-recording.js';
import { createRecordingArchive, recordingConcurrency } from '../src/launcher/recording-archive.js';
import { ConversionThreads } from '../src/adapters/recordings/conversion-threads.js';
import { createRedis } from '../src/adapters/redis/create-redis.js';
import { readPcapUdp } from '../src/adapters/rtpengine/pcap-reader.js';
import { LocalFolderStorage } from '../src/adapters/storage/local-folder-storage.js';
import { S3Storage } from '../src/adapters/storage/s3-storage.js';
import { recordingsSchema } from '../src/config/config-schema.js';
import type { CallRecordJson } from '../src/core/calls/call-record.js';
import type { ObjectStorage } from '../src/core/recordings/recording-store.port.js';
import { parseRtpPacket } from '../src/core/recordings/rtp-packet.js';
import { DomainEvents, type DomainEventMap } from '../src/services/domain-events.js';
import { RecordingPipeline } from '../src/services/recordings/recording-pipeline.js';
import { recordingReady } from '../src/services/recordings/recording-ready.js';
import { createTestSchema } from '../tests/helpers/postgres-schema.js';
import { pcapBytes, syntheticCall } from '../tests/helpers/pcap-writer.js';
import { TestS3 } from '../tests/helpers/test-s3.js';
import { numberArg } from './lib/args.js';
import { processCpu } from './lib/proc-stat.js';

const ROUNDS = numberArg('--rounds', 5);
const CALLS = numberArg('--calls', 20);
const SECONDS = numberArg('--seconds', 60);
const BATCH = numberArg('--batch', 10);
// Recordings converted at once; 0 = the configuration's default (auto).
const CONCURRENCY = numberArg('--concurrency', 0);
const IN_PROCESS = process.argv.includes('--in-process');
const REDIS_URL = process.env.LEADLINE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const SPEECH_PCAP = '/usr/share/sip-tester/g711a.pcap';

function speech(): Uint8Array | undefined {
  if (!existsSync(SPEECH_PCAP)) return undefined;
  return Buffer.concat(readPcapUdp(SPEECH_PCAP).map((u) => parseRtpPacket(u.payload)).filter((p) => p.payloadType === 8).map((p) => p.payload));
}

/** utime+stime+cutime+cstime of this process, seconds (cutime/cstime: children waited for). */
function selfCpuSeconds(): number {
  const cpu = processCpu('self');
  return cpu.user + cpu.system + cpu.childrenUser + cpu.childrenSystem;
}

// ---------- child modes: one batch, prints {cpu, audio} ----------
if (process.argv[2] === '--child-convert' || process.argv[2] === '--child-baseline') {
  const [mode, input, out, count] = process.argv.slice(2) as [string, string, string, string];
  // One conversion before measuring: module loading and JIT are the process's start, not a conversion's cost.
  if (mode === '--child-convert') await convertCallRecording({ pcapPath: input, outPath: out, format: 'mp3' });
  const before = selfCpuSeconds();
  const started = performance.now();
  let audio = 0;
  for (let i = 0; i < Number(count); i++) {
    if (mode === '--child-convert') {
      const r = await convertCallRecording({ pcapPath: input, outPath: out, format: 'mp3' });
      audio += r.durationSeconds;
    } else {
      await encodeFile('mp3', readFileSync(input).subarray(44), out);
      audio += SECONDS;
    }
  }
  console.log(JSON.stringify({ cpu: selfCpuSeconds() - before, wall: (performance.now() - started) / 1000, audio }));
  process.exit(0);
}

function runChild(mode: string, input: string, out: string, count: number): Promise<{ cpu: number; wall: number; audio: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), mode, input, out, String(count)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(stdout.trim().split('\n').pop()!)) : reject(new Error(`child ${mode} exited ${code}`))));
  });
}

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

function answered(callId: string, i: number): CallRecordJson {
  const now = new Date();
  return {
    callId,
    direction: 'inbound',
    callerNumber: `+7916${String(1_000_000 + i).slice(1)}`,
    calleeNumber: '+74951234567',
    companyNumber: '+74951234567',
    manager: i % 2 ? '101' : '102',
    startedAt: new Date(now.getTime() - (SECONDS + 5) * 1000).toISOString(),
    answeredAt: new Date(now.getTime() - SECONDS * 1000).toISOString(),
    endedAt: now.toISOString(),
    ringSeconds: 5,
    talkSeconds: SECONDS,
    disposition: 'answered',
    sipCode: null,
    reason: null,
    attempts: [],
  };
}

async function latency(label: string, storage: ObjectStorage, pcap: Buffer): Promise<void> {
  const pg = await createTestSchema();
  const spoolDir = mkdtempSync(join(tmpdir(), 'bench-spool-'));
  mkdirSync(join(spoolDir, 'pcaps'), { recursive: true });
  const keyPrefix = `bench:${randomBytes(4).toString('hex')}:`;
  const recordings = recordingsSchema.parse({ format: 'mp3', ...(CONCURRENCY > 0 ? { concurrency: CONCURRENCY } : {}) });
  const logger = pino({ level: 'warn' });
  const events = new DomainEvents();
  // As the launcher wires it (compose-roles.ts): a conversion thread per slot; --in-process for the old event-loop conversions.
  const threads = IN_PROCESS ? null : new ConversionThreads(recordingConcurrency(recordings.concurrency));
  const archive = createRecordingArchive({
    config: { recordings, redis: { url: REDIS_URL, keyPrefix }, paths: { runDir: 'var/run', spoolDir, soundsDir: 'sounds' } },
    db: pg.db,
    logger,
    convert: threads?.convert ?? convertCallRecording,
    storage,
    onStored: (r) => events.emit('recording.ready', recordingReady(r, 'http://127.0.0.1:8080', Date.now())),
    runRetention: false,
  });
  const pipeline = new RecordingPipeline({ events, archive, clientAddress: '10.0.0.1', format: 'mp3', log: logger });
  await archive.start();
  pipeline.start();
  const all: number[] = [];
  const lasts: number[] = [];
  try {
    for (let round = 0; round <= ROUNDS; round++) {
      const ids = Array.from({ length: CALLS }, (_, i) => `bench-${round}-${i}-${randomBytes(3).toString('hex')}@10.0.0.1`);
      for (const id of ids) {
        writeFileSync(join(spoolDir, 'pcaps', `${encodeURIComponent(id)}-${randomBytes(8).toString('hex')}.pcap`), pcap);
      }
      const done = new Map<string, number>();
      const finished = new Promise<void>((resolve) => {
        const off = events.on('recording.ready', (e: DomainEventMap['recording.ready']) => {
          done.set(e.callId, performance.now());
          if (ids.every((id) => done.has(id))) {
            off();
            resolve();
          }
        });
      });
      const t0 = performance.now();
      ids.forEach((id, i) => events.emit('call.ended', { record: answered(id, i) }));
      const timeout = setTimeout(() => console.error(`${label}: round ${round} still waiting after 120 s`), 120_000);
      await finished;
      clearTimeout(timeout);
      const rows = await pg.db.selectFrom('recordings').select(['status']).where('call_id', 'in', ids).execute();
      if (rows.length !== CALLS || rows.some((r) => r.status !== 'stored')) throw new Error(`${label}: round ${round}: not every row is stored`);
      const times = ids.map((id) => (done.get(id)! - t0) / 1000);
      if (round === 0) continue; // warm-up (JIT, connections, page cache)
      all.push(...times);
      lasts.push(Math.max(...times));
    }
  } finally {
    await pipeline.stop();
    await archive.stop();
    await threads?.close();
    await pg.drop();
    rmSync(spoolDir, { recursive: true, force: true });
    const redis = await createRedis(REDIS_URL);
    const keys = await redis.keys(`${keyPrefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  }
  const p95 = percentile(all, 95);
  console.log(
    `${label.padEnd(6)} ${ROUNDS} rounds x ${CALLS} calls (${all.length} samples): median ${percentile(all, 50).toFixed(2)} s, p95 ${p95.toFixed(2)} s, max ${Math.max(...all).toFixed(2)} s, ` +
      `first ${Math.min(...all).toFixed(2)} s; last of a round median ${percentile(lasts, 50).toFixed(2)} s  target p95 <= 2 s: ${p95 <= 2 ? 'ok' : 'MISSED'}`,
  );
}

const dir = mkdtempSync(join(tmpdir(), 'bench-recpipe-'));
try {
  const voice = speech();
  const pcap = pcapBytes(syntheticCall(SECONDS, Date.now() - SECONDS * 1000, voice));
  console.log(`host: ${cpus().length} CPU (${cpus()[0]?.model ?? '?'}), node ${process.version}; input: ${SECONDS} s calls, ${voice ? `speech (${SPEECH_PCAP} looped)` : 'noise-like formula'}, pcap ${(pcap.length / 1e6).toFixed(2)} MB; worker concurrency ${CONCURRENCY > 0 ? CONCURRENCY : `${recordingsSchema.parse({}).concurrency} (default)`}, conversions ${IN_PROCESS ? 'on the event loop (--in-process)' : 'in threads'}`);

  console.log('\n# hang-up (call.ended) -> recording.ready (row stored), mp3');
  await latency('local', new LocalFolderStorage(join(dir, 'store')), pcap);
  if (!process.argv.includes('--no-s3')) {
    const s3 = new TestS3(`bench${randomBytes(3).toString('hex')}`);
    await s3.start();
    const storage = new S3Storage(s3.config());
    await storage.ensureBucket();
    try {
      await latency('s3rver', storage, pcap);
    } finally {
      await s3.stop();
    }
  }

  console.log(`\n# conversion speed, mp3: batches of ${BATCH} x ${SECONDS} s in a child process, CPU = utime+stime+cutime+cstime from /proc/self/stat`);
  const pcapPath = join(dir, 'call.pcap');
  writeFileSync(pcapPath, pcap);
  const wavPath = join(dir, 'plain.wav');
  await convertCallRecording({ pcapPath, callerAddress: '10.0.0.1', outPath: wavPath, format: 'wav' });
  const ours: number[] = [];
  const base: number[] = [];
  for (let run = 0; run < 3; run++) {
    const o = await runChild('--child-convert', pcapPath, join(dir, 'out.mp3'), BATCH);
    const b = await runChild('--child-baseline', wavPath, join(dir, 'base.mp3'), BATCH);
    ours.push(o.audio / o.cpu);
    base.push(b.audio / b.cpu);
    console.log(`run ${run + 1}: ours ${o.audio.toFixed(0)} s audio in ${o.cpu.toFixed(2)} CPU s (${o.wall.toFixed(2)} s wall) = ${(o.audio / o.cpu).toFixed(0)} s/CPU s; baseline ${b.audio} s in ${b.cpu.toFixed(2)} CPU s = ${(b.audio / b.cpu).toFixed(0)} s/CPU s`);
  }
  const oursRate = percentile(ours, 50);
  const baseRate = percentile(base, 50);
  console.log(`median: ours ${oursRate.toFixed(0)} s of audio per CPU-second (target >= 200: ${oursRate >= 200 ? 'ok' : 'MISSED'}); baseline pure encode ${baseRate.toFixed(0)}; ours/baseline speed ${(oursRate / baseRate).toFixed(2)} (CPU cost ${(baseRate / oursRate).toFixed(2)}x the pure encode)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
