import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createRecordingArchive, type RecordingArchive } from '../../src/launcher/recording-archive.js';
import type { Database } from '../../src/adapters/postgres/database.js';
import { recordingsSchema } from '../../src/config/config-schema.js';
import type { CallRecordJson } from '../../src/core/calls/call-record.js';
import type { ObjectStorage, RecordingConverter } from '../../src/core/recordings/recording-store.port.js';
import { DomainEvents, type DomainEventMap } from '../../src/services/domain-events.js';
import { RecordingPipeline } from '../../src/services/recordings/recording-pipeline.js';
import { recordingReady } from '../../src/services/recordings/recording-ready.js';
import { TEST_REDIS_URL } from './test-redis.js';

/** Writes "converted:<pcap bytes>" to outPath: enough to see what was uploaded. */
export const fakeConverter: RecordingConverter = async (r) => {
  await writeFile(r.outPath, Buffer.concat([Buffer.from('converted:'), await readFile(r.pcapPath)]));
  return { durationSeconds: 12.5, bytes: 0, format: r.format, path: r.outPath };
};

export interface RecordingHarness {
  events: DomainEvents;
  archive: RecordingArchive;
  pipeline: RecordingPipeline;
  spoolDir: string;
  ready: DomainEventMap['recording.ready'][];
  stop(): Promise<void>;
}

export async function startRecordingHarness(o: {
  db: Database;
  keyPrefix: string;
  queueName: string;
  storage: ObjectStorage;
  spoolDir?: string;
  convert?: RecordingConverter;
  retentionDays?: number;
  /** BullMQ worker settings (the crash test shortens the lock so a dead worker's job is taken over quickly). */
  tuning?: { lockDuration?: number; stalledInterval?: number };
}): Promise<RecordingHarness> {
  const spoolDir = o.spoolDir ?? mkdtempSync(join(tmpdir(), 'spool-'));
  await mkdir(join(spoolDir, 'pcaps'), { recursive: true });
  const events = new DomainEvents();
  const ready: DomainEventMap['recording.ready'][] = [];
  events.on('recording.ready', (e) => ready.push(e));
  const recordings = recordingsSchema.parse({ queueName: o.queueName, retentionDays: o.retentionDays ?? 30, retry: { scheduleSeconds: [0.2, 0.3], conversionAttempts: 2 } });
  const logger = pino({ level: process.env.HARNESS_LOG ?? 'silent' });
  const archive = createRecordingArchive({
    config: { recordings, redis: { url: TEST_REDIS_URL, keyPrefix: o.keyPrefix }, paths: { runDir: 'var/run', spoolDir, soundsDir: 'sounds' } },
    db: o.db,
    logger,
    convert: o.convert ?? fakeConverter,
    storage: o.storage,
    onStored: (r) => events.emit('recording.ready', recordingReady(r, 'http://127.0.0.1:8080', Date.now())),
    runRetention: false,
    tuning: { drainDelay: 1, ...o.tuning },
  });
  const pipeline = new RecordingPipeline({ events, archive, format: 'mp3', log: logger });
  await archive.start();
  pipeline.start();
  return {
    events,
    archive,
    pipeline,
    spoolDir,
    ready,
    async stop() {
      await pipeline.stop();
      await archive.stop();
    },
  };
}

export function answeredCall(callId: string, over: Partial<CallRecordJson> = {}): CallRecordJson {
  return {
    callId,
    direction: 'inbound',
    callerNumber: '+79161234567',
    calleeNumber: '+74951234567',
    companyNumber: '+74951234567',
    manager: '101',
    startedAt: new Date().toISOString(),
    answeredAt: new Date().toISOString(),
    endedAt: new Date().toISOString(),
    ringSeconds: 2,
    talkSeconds: 12,
    disposition: 'answered',
    sipCode: null,
    reason: null,
    attempts: [],
    ...over,
  };
}

/** A pcap as rtpengine names it: <url-encoded Call-ID>-<hex>.pcap. */
export async function writePcap(spoolDir: string, callId: string, body = `pcap of ${callId}`): Promise<string> {
  const path = join(spoolDir, 'pcaps', `${encodeURIComponent(callId)}-0123456789abcdef.pcap`);
  await writeFile(path, body);
  return path;
}

export async function waitFor(what: string, ok: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
