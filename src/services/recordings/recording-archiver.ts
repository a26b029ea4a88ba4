import type { ConversationAnalytics } from '../../core/recordings/conversation-analytics.js';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { CONTENT_TYPES, recordingKey, safeCallId } from '../../core/recordings/recording-key.js';
import { nextRecordingRetryMs, type RecordingFailure, type RecordingRetryPolicy } from '../../core/recordings/recording-retry.js';
import type { ObjectStorage, RecordingConverter, RecordingFormat } from '../../core/recordings/recording-store.port.js';
import { StorageError } from '../../core/recordings/recording-errors.js';
import type { RecordingIndexPort, RecordingJobRow } from './recording-index.port.js';
import { findCallPcap, hasSettled } from './spool-pcaps.js';

/** What the archiver reports once a recording is stored and its spool files are gone. */
export interface StoredRecording {
  callId: string;
  storageKey: string;
  format: RecordingFormat;
  durationSeconds: number;
  bytes: number;
  checksum: string;
  /** Null when the converter did not measure the conversation. */
  analytics: ConversationAnalytics | null;
}

/** The end of one attempt; the queue adapter turns `retry` and `failed` into its own terms. */
export type ArchiveOutcome =
  | { kind: 'stored'; recording: StoredRecording }
  | { kind: 'empty'; reason: string }
  | { kind: 'skipped' }
  | { kind: 'retry'; delayMs: number; reason: string }
  | { kind: 'failed'; reason: string };

export interface RecordingArchiverDeps {
  index: RecordingIndexPort;
  storage: ObjectStorage;
  convert: RecordingConverter;
  /** rtpengine's spool; converted files wait in <spoolDir>/recordings-tmp until stored. */
  spoolDir: string;
  /** Key prefix in the store. */
  keyPrefix: string;
  retry: RecordingRetryPolicy;
  /** How long after the row was written the pcap may still be missing or growing. */
  pcapWaitMs: number;
  onStored(recording: StoredRecording): void;
  logger: Logger;
  clock?: () => number;
  random?: () => number;
  /** Pause between the two size checks that tell a finished pcap; default 100 ms. */
  settlePauseMs?: number;
}

class AttemptFailed extends Error {
  constructor(readonly failure: RecordingFailure, readonly reason: string) {
    super(reason);
  }
}

/** How soon a row whose pcap is not there yet is looked at again. */
const MIN_PCAP_POLL_MS = 250;
const MAX_PCAP_POLL_MS = 2000;

/**
 * Archives one call's recording per attempt: find the pcap, convert it (once; the result
 * waits in the spool), upload, verify, mark the row stored, and only then delete the pcap
 * and the converted file. Every failure keeps both files, so a retry, or another worker
 * after a crash, starts from what is on disk.
 */
export class RecordingArchiver {
  private readonly clock: () => number;
  private readonly random: () => number;

  constructor(private readonly deps: RecordingArchiverDeps) {
    this.clock = deps.clock ?? Date.now;
    this.random = deps.random ?? Math.random;
  }

  async attempt(callId: string): Promise<ArchiveOutcome> {
    const row = await this.deps.index.load(callId);
    if (!row) return { kind: 'skipped' };
    if (row.status === 'stored' || row.status === 'empty') {
      // A worker that died between marking the row and deleting the files leaves them here.
      await this.removeSpoolFiles(row);
      return { kind: 'skipped' };
    }
    if (row.status !== 'pending') return { kind: 'skipped' };
    const pcapPath = row.pcapPath ?? (await this.locatePcap(row));
    if (pcapPath === null) {
      const waited = this.clock() - row.createdAt.getTime();
      // Looked at again after half the time waited so far: a few looks, not one every poll, for a pcap that never comes.
      if (waited < this.deps.pcapWaitMs) return { kind: 'retry', delayMs: Math.min(MAX_PCAP_POLL_MS, Math.max(MIN_PCAP_POLL_MS, waited / 2)), reason: 'the pcap is not in the spool yet' };
      return this.empty(row, 'no pcap of the call in the spool');
    }
    try {
      const stored = await this.archive({ ...row, pcapPath });
      if (stored === null) return this.empty({ ...row, pcapPath }, 'the pcap holds no audio');
      this.deps.onStored(stored);
      return { kind: 'stored', recording: stored };
    } catch (err) {
      return this.failed(row, err);
    }
  }

  private async empty(row: RecordingJobRow, reason: string): Promise<ArchiveOutcome> {
    await this.deps.index.markEmpty(row.callId, reason);
    await this.removeSpoolFiles(row);
    this.deps.logger.info({ callId: row.callId }, `recording empty: ${reason}`);
    return { kind: 'empty', reason };
  }

  private async failed(row: RecordingJobRow, err: unknown): Promise<ArchiveOutcome> {
    const failure = err instanceof AttemptFailed ? err : new AttemptFailed(err instanceof StorageError ? 'storage' : 'conversion', describe(err));
    await this.deps.index.noteAttempt(row.callId, failure.reason);
    // The row counts real failures only; waiting for the pcap is not one.
    const delayMs = nextRecordingRetryMs(this.deps.retry, failure.failure, row.attempts + 1, row.createdAt.getTime(), this.clock(), this.random);
    if (delayMs === null) {
      await this.deps.index.markFailed(row.callId, failure.reason);
      this.deps.logger.warn({ callId: row.callId, failure: failure.failure }, `recording failed: ${failure.reason}`);
      return { kind: 'failed', reason: failure.reason };
    }
    this.deps.logger.info({ callId: row.callId, failure: failure.failure, delayMs }, `recording will be retried: ${failure.reason}`);
    return { kind: 'retry', delayMs, reason: failure.reason };
  }

  /** The router writes rows without looking at the disk: the pcap is found here, once rtpengine has closed it. */
  private async locatePcap(row: RecordingJobRow): Promise<string | null> {
    const found = await findCallPcap(this.deps.spoolDir, row.callId);
    if (found === null || !(await hasSettled(found, this.deps.settlePauseMs ?? 100))) return null;
    await this.deps.index.setPcapPath(row.callId, found);
    return found;
  }

  /** null: the call had no audio. */
  private async archive(row: RecordingJobRow & { pcapPath: string }): Promise<StoredRecording | null> {
    const converted = this.convertedPath(row);
    let durationSeconds = row.durationSeconds;
    // A retry after the conversion finds them in the row, where the first attempt saved them.
    let analytics = row.analytics ?? null;
    if (durationSeconds === null || !(await exists(converted))) {
      const size = await stat(row.pcapPath).then((s) => s.size, () => -1);
      if (size < 0) throw new AttemptFailed('conversion', `pcap ${row.pcapPath} is not in the spool`);
      // rtpengine opened the file and the call ended before any packet: nothing to read.
      if (size === 0) return null;
      await mkdir(this.tempDir(), { recursive: true });
      // Converted under another name, renamed when complete: a crash mid-conversion never leaves a file taken for a finished one.
      const partial = converted.replace(/\.(\w+)$/, '.part.$1');
      try {
        const result = await this.deps.convert({ pcapPath: row.pcapPath, callerAddress: row.callerAddress ?? undefined, outPath: partial, format: row.format });
        if (result.empty) return null;
        // A phone that kept its own codec (transcoded by rtpengine) is worth a line: it cost a decoder.
        const other = result.codecs && [...result.codecs.caller, ...result.codecs.manager].filter((c) => c !== 'PCMA' && c !== 'PCMU');
        if (other && other.length > 0) this.deps.logger.info({ callId: row.callId, codecs: result.codecs }, 'recording decoded a side that was not on G.711');
        durationSeconds = result.durationSeconds;
        analytics = result.analytics ?? null;
        if (result.path !== partial) await rename(result.path, partial);
      } catch (err) {
        await rm(partial, { force: true });
        throw new AttemptFailed('conversion', `conversion failed: ${describe(err)}`);
      }
      await rename(partial, converted);
      await this.deps.index.saveConversion(row.callId, durationSeconds, (await stat(converted)).size, analytics);
    }

    const storageKey = recordingKey(this.deps.keyPrefix, row.callId, row.startedAt, row.format);
    const put = await this.deps.storage.put(storageKey, converted, {
      contentType: CONTENT_TYPES[row.format],
      metadata: {
        'call-id': row.callId,
        manager: row.manager ?? '',
        'caller-number': row.callerNumber,
        'callee-number': row.calleeNumber,
        direction: row.direction,
        'started-at': row.startedAt.toISOString(),
        'duration-seconds': String(durationSeconds),
      },
    });
    await this.deps.index.markStored(row.callId, { storageKey, bytes: put.bytes, checksum: put.checksum, durationSeconds });
    await this.removeSpoolFiles(row);
    return { callId: row.callId, storageKey, format: row.format, durationSeconds, bytes: put.bytes, checksum: put.checksum, analytics };
  }

  private async removeSpoolFiles(row: RecordingJobRow): Promise<void> {
    if (row.pcapPath) await rm(row.pcapPath, { force: true });
    await rm(this.convertedPath(row), { force: true });
  }

  private tempDir(): string {
    return join(this.deps.spoolDir, 'recordings-tmp');
  }

  private convertedPath(row: RecordingJobRow): string {
    return join(this.tempDir(), `${safeCallId(row.callId)}.${row.format}`);
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
