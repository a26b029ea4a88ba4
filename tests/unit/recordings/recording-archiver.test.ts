import { mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { MemoryRecordingIndex, MemoryRecordingJobQueue } from '../../../src/adapters/memory/memory-recording-index.js';
import { StorageError } from '../../../src/core/recordings/recording-errors.js';
import type { ObjectStorage, RecordingConverter } from '../../../src/core/recordings/recording-store.port.js';
import { RecordingArchiver, type StoredRecording } from '../../../src/services/recordings/recording-archiver.js';
import { newRecordingOf } from '../../../src/services/recordings/new-recording.js';
import { SpoolSweep } from '../../../src/services/recordings/spool-sweep.js';

const log = pino({ level: 'silent' });
const T0 = Date.UTC(2026, 2, 4, 9, 0, 0);
const call = (callId: string) => ({ callId, direction: 'inbound' as const, manager: '101', callerNumber: '+79161234567', calleeNumber: '+74951234567', startedAt: new Date(T0) });

function spool(): string {
  const dir = mkdtempSync(join(tmpdir(), 'archiver-spool-'));
  mkdirSync(join(dir, 'pcaps'));
  mkdirSync(join(dir, 'metadata'));
  return dir;
}

function pcapOf(dir: string, callId: string, body = `rtp of ${callId}`): string {
  const path = join(dir, 'pcaps', `${encodeURIComponent(callId)}-0a1b2c.pcap`);
  writeFileSync(path, body);
  return path;
}

/** Keeps what was put; `failing` makes every put throw as an unreachable store does. */
class MemoryStorage implements ObjectStorage {
  readonly driver = 'local' as const;
  readonly objects = new Map<string, Buffer>();
  failing = false;
  async put(key: string, filePath: string) {
    if (this.failing) throw new StorageError('connect ECONNREFUSED');
    const body = readFileSync(filePath);
    this.objects.set(key, body);
    return { checksum: 'c'.repeat(64), bytes: body.length };
  }
  async head() {
    return null;
  }
  async getRange(): Promise<NodeJS.ReadableStream> {
    throw new Error('not used');
  }
  async remove(key: string) {
    this.objects.delete(key);
  }
}

function setUp(o: { convert?: RecordingConverter; now?: () => number } = {}) {
  const dir = spool();
  const clock = o.now ?? (() => T0);
  const index = new MemoryRecordingIndex(clock);
  const storage = new MemoryStorage();
  const stored: StoredRecording[] = [];
  const conversions: string[] = [];
  const convert: RecordingConverter =
    o.convert ??
    (async (r) => {
      conversions.push(r.pcapPath);
      writeFileSync(r.outPath, `mp3 of ${readFileSync(r.pcapPath, 'utf8')}`);
      return { durationSeconds: 12, bytes: 0, format: r.format, path: r.outPath };
    });
  const archiver = new RecordingArchiver({
    index,
    storage,
    convert,
    spoolDir: dir,
    keyPrefix: '',
    retry: { scheduleSeconds: [5, 30], storageRetryHours: 72, conversionAttempts: 2 },
    pcapWaitMs: 5000,
    onStored: (r) => stored.push(r),
    logger: log,
    clock,
    random: () => 0,
    settlePauseMs: 1,
  });
  return { dir, index, storage, stored, conversions, archiver };
}

describe('RecordingArchiver', () => {
  it('finds the pcap of a row the router wrote, stores the recording once, then removes the pcap', async () => {
    const { dir, index, storage, stored, archiver } = setUp();
    const pcap = pcapOf(dir, 'a@b');
    await index.insertPending(newRecordingOf(call('a@b'), { format: 'mp3', clientAddress: '10.0.0.1', pcapPath: null }));

    expect(await archiver.attempt('a@b')).toMatchObject({ kind: 'stored' });
    expect(await index.load('a@b')).toMatchObject({ status: 'stored', pcapPath: pcap, durationSeconds: 12 });
    expect([...storage.objects.values()].map(String)).toEqual(['mp3 of rtp of a@b']);
    expect(existsSync(pcap)).toBe(false);
    expect(stored.map((s) => s.callId)).toEqual(['a@b']);
    // A second run of the same job (a worker that lost its claim) changes nothing.
    expect(await archiver.attempt('a@b')).toEqual({ kind: 'skipped' });
    expect(stored).toHaveLength(1);
  });

  it('waits for a pcap that is not there yet, looking again less and less often, then records the call as empty', async () => {
    let now = T0;
    const { index, archiver, conversions } = setUp({ now: () => now });
    await index.insertPending(newRecordingOf(call('late'), { format: 'mp3', clientAddress: null, pcapPath: null }));
    now += 600;
    const first = await archiver.attempt('late');
    now += 3000;
    const second = await archiver.attempt('late');
    expect(first).toMatchObject({ kind: 'retry' });
    expect(second).toMatchObject({ kind: 'retry' });
    expect((second as { delayMs: number }).delayMs).toBeGreaterThan((first as { delayMs: number }).delayMs);
    now += 2000;
    expect(await archiver.attempt('late')).toMatchObject({ kind: 'empty' });
    expect(await index.load('late')).toMatchObject({ status: 'empty', attempts: 0 });
    expect(conversions).toEqual([]);
  });

  it('a pcap without audio becomes an empty recording: nothing uploaded, the pcap removed', async () => {
    const { dir, index, storage, archiver } = setUp({ convert: async (r) => ({ durationSeconds: 0, bytes: 0, format: r.format, path: r.outPath, empty: true }) });
    const pcap = pcapOf(dir, 'silent');
    await index.insertPending(newRecordingOf(call('silent'), { format: 'mp3', clientAddress: null, pcapPath: pcap }));
    expect(await archiver.attempt('silent')).toMatchObject({ kind: 'empty' });
    expect(storage.objects.size).toBe(0);
    expect(existsSync(pcap)).toBe(false);
  });

  it('a storage outage is retried without converting again; the pcap stays until the upload is confirmed', async () => {
    const { dir, index, storage, archiver, conversions } = setUp();
    const pcap = pcapOf(dir, 'outage');
    await index.insertPending(newRecordingOf(call('outage'), { format: 'mp3', clientAddress: null, pcapPath: null }));
    storage.failing = true;
    expect(await archiver.attempt('outage')).toEqual({ kind: 'retry', delayMs: 5000, reason: 'connect ECONNREFUSED' });
    expect(existsSync(pcap)).toBe(true);
    storage.failing = false;
    expect(await archiver.attempt('outage')).toMatchObject({ kind: 'stored' });
    expect(conversions).toEqual([pcap]);
    expect(await index.load('outage')).toMatchObject({ status: 'stored', attempts: 1 });
  });
});

describe('RecordingArchiver and conversation analytics', () => {
  const measured = { durationSeconds: 12, clientTalkSeconds: 5, managerTalkSeconds: 6, overlapSeconds: 0.5, talkRatio: 0.545, longestManagerMonologueSeconds: 4, interruptions: { byManager: 1, byClient: 0 }, silenceShare: 0.1, firstManagerWordSeconds: 0.8 };

  it('keeps what the conversion measured through a storage outage, and hands it on with the stored recording', async () => {
    const conversions: string[] = [];
    const { dir, index, storage, stored, archiver } = setUp({
      convert: async (r) => {
        conversions.push(r.pcapPath);
        writeFileSync(r.outPath, 'mp3');
        return { durationSeconds: 12, bytes: 3, format: r.format, path: r.outPath, analytics: measured };
      },
    });
    pcapOf(dir, 'talk');
    await index.insertPending(newRecordingOf(call('talk'), { format: 'mp3', clientAddress: null, pcapPath: null }));
    storage.failing = true;
    expect(await archiver.attempt('talk')).toMatchObject({ kind: 'retry' });
    expect((await index.load('talk'))!.analytics).toEqual(measured);
    storage.failing = false;
    // The retry does not convert again: the analytics come from the row the first attempt wrote.
    expect(await archiver.attempt('talk')).toMatchObject({ kind: 'stored', recording: { analytics: measured } });
    expect(conversions).toHaveLength(1);
    expect(stored[0]!.analytics).toEqual(measured);
  });
});

describe('SpoolSweep', () => {
  function sweepOf(dir: string, index: MemoryRecordingIndex, queue: MemoryRecordingJobQueue, records: Record<string, ReturnType<typeof call>>) {
    return new SpoolSweep({
      index,
      queue,
      callRecord: async (id) => records[id] ?? null,
      spoolDir: dir,
      format: 'mp3',
      clientAddress: '10.0.0.1',
      orphanAfterMs: 3_600_000,
      quietMs: 1000,
      log,
      clock: () => Date.now(),
    });
  }
  const age = (path: string, ms: number) => utimesSync(path, new Date(Date.now() - ms), new Date(Date.now() - ms));

  it('turns every finished pcap without a row into a queued recording, and leaves the rest alone', async () => {
    const dir = spool();
    const index = new MemoryRecordingIndex();
    const queue = new MemoryRecordingJobQueue();
    // The service saw the call end (its record exists) but never wrote the row.
    age(pcapOf(dir, 'recorded@x'), 5000);
    // No record, but rtpengine deleted the call: its metadata is in metadata/.
    const orphan = pcapOf(dir, 'orphan@x');
    age(orphan, 5000);
    writeFileSync(join(dir, 'metadata', 'rtpengine-meta-orphan%40x-0a1b2c.txt'), 'CALL-ID\norphan@x\n');
    // A call in progress: no record, no final metadata, written a moment ago.
    pcapOf(dir, 'live@x');
    // Already has its row.
    age(pcapOf(dir, 'known@x'), 5000);
    await index.insertPending(newRecordingOf(call('known@x'), { format: 'mp3', clientAddress: null, pcapPath: null }));
    // Not one of rtpengine's pcaps.
    writeFileSync(join(dir, 'pcaps', 'notes.txt'), 'x');

    const sweep = sweepOf(dir, index, queue, { 'recorded@x': call('recorded@x') });
    expect(await sweep.sweep()).toBe(2);
    expect(queue.queued.sort()).toEqual(['orphan@x', 'recorded@x']);
    expect(await index.load('recorded@x')).toMatchObject({ status: 'pending', manager: '101', callerAddress: '10.0.0.1', callerNumber: '+79161234567' });
    expect(await index.load('orphan@x')).toMatchObject({ status: 'pending', manager: null, pcapPath: orphan, callerAddress: null });
    expect(await index.load('live@x')).toBeNull();
    // A second pass finds nothing new.
    expect(await sweep.sweep()).toBe(0);
  });
});
