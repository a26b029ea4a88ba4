import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UnrecoverableError, Worker, type Job, type WorkerOptions } from 'bullmq';
import type { Logger } from 'pino';
import { CONTENT_TYPES, recordingKey, safeCallId } from '../../core/recordings/recording-key.js';
import { nextRecordingRetryMs, type RecordingFailure, type RecordingRetryPolicy } from '../../core/recordings/recording-retry.js';
import type { ObjectStorage, RecordingConverter, RecordingFormat } from '../../core/recordings/recording-store.port.js';
import { StorageError } from '../../core/recordings/recording-errors.js';
import type { PostgresRecordingIndex, RecordingJobRow } from './postgres-recording-index.js';
import { RECORDING_BACKOFF, type RecordingJobData, type RecordingQueueConnection } from './recording-queue.js';

/** What the worker reports once a recording is stored and its spool files are gone. */
export interface StoredRecording {
  callId: string;
  storageKey: string;
  format: RecordingFormat;
  durationSeconds: number;
  bytes: number;
  checksum: string;
}

export interface RecordingWorkerOptions {
  queue: RecordingQueueConnection;
  index: PostgresRecordingIndex;
  storage: ObjectStorage;
  convert: RecordingConverter;
  /** rtpengine's spool; converted files wait in <spoolDir>/recordings-tmp until stored. */
  spoolDir: string;
  /** Key prefix in the store. */
  keyPrefix: string;
  retry: RecordingRetryPolicy;
  concurrency: number;
  onStored(recording: StoredRecording): void;
  logger: Logger;
  clock?: () => number;
  random?: () => number;
  tuning?: Pick<WorkerOptions, 'lockDuration' | 'stalledInterval' | 'maxStalledCount' | 'drainDelay'>;
}

class RetryLater extends Error {
  constructor(message: string, readonly delayMs: number) {
    super(message);
    this.name = 'RetryLater';
  }
}

class AttemptFailed extends Error {
  constructor(readonly failure: RecordingFailure, readonly reason: string) {
    super(reason);
  }
}

/**
 * Archives one call's recording per job: convert the pcap (once; the result waits in the
 * spool), upload, verify, mark the row stored, and only then delete the pcap and the
 * converted file. Every failure keeps both files, so a retry, or a new worker after a
 * restart, starts from what is on disk.
 */
export class RecordingWorker {
  private worker: Worker<RecordingJobData> | null = null;
  private readonly clock: () => number;
  private readonly random: () => number;

  constructor(private readonly opts: RecordingWorkerOptions) {
    this.clock = opts.clock ?? Date.now;
    this.random = opts.random ?? Math.random;
  }

  get running(): boolean {
    return this.worker?.isRunning() ?? false;
  }

  async start(): Promise<void> {
    if (this.worker) return;
    const { queue } = this.opts;
    this.worker = new Worker<RecordingJobData>(queue.name, (job) => this.process(job), {
      connection: queue.connection,
      prefix: queue.prefix,
      concurrency: this.opts.concurrency,
      // A long call's conversion may take a while; the lock must outlast it.
      lockDuration: 120_000,
      maxStalledCount: 100,
      ...this.opts.tuning,
      settings: { backoffStrategy: (attemptsMade, type, err) => this.backoff(attemptsMade, type, err) },
    });
    this.worker.on('error', (err) => this.opts.logger.warn({ err }, 'recording worker: queue connection error'));
    await this.worker.waitUntilReady();
  }

  /** Lets the jobs in flight finish, then stops taking new ones. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.close();
  }

  private async process(job: Job<RecordingJobData>): Promise<string> {
    const row = await this.opts.index.load(job.data.callId);
    if (!row) return 'skipped';
    if (row.status === 'stored') {
      // A worker that died between marking the row and deleting the files leaves them here.
      await this.removeSpoolFiles(row);
      return 'skipped';
    }
    if (row.status !== 'pending') return 'skipped';
    try {
      const stored = await this.archive(row);
      this.opts.onStored(stored);
      return 'stored';
    } catch (err) {
      const failure = err instanceof AttemptFailed ? err : new AttemptFailed(err instanceof StorageError ? 'storage' : 'conversion', describe(err));
      await this.opts.index.noteAttempt(row.callId, failure.reason);
      const delayMs = nextRecordingRetryMs(this.opts.retry, failure.failure, job.attemptsMade + 1, row.createdAt.getTime(), this.clock(), this.random);
      if (delayMs === null) {
        await this.opts.index.markFailed(row.callId, failure.reason);
        this.opts.logger.warn({ callId: row.callId, failure: failure.failure }, `recording failed: ${failure.reason}`);
        throw new UnrecoverableError(failure.reason);
      }
      this.opts.logger.info({ callId: row.callId, failure: failure.failure, delayMs }, `recording will be retried: ${failure.reason}`);
      throw new RetryLater(failure.reason, delayMs);
    }
  }

  private async archive(row: RecordingJobRow): Promise<StoredRecording> {
    const converted = this.convertedPath(row);
    let durationSeconds = row.durationSeconds;
    if (durationSeconds === null || !(await exists(converted))) {
      if (!row.pcapPath || !(await exists(row.pcapPath))) throw new AttemptFailed('conversion', `pcap ${row.pcapPath ?? '(none)'} is not in the spool`);
      await mkdir(this.tempDir(), { recursive: true });
      // Converted under another name, renamed when complete: a crash mid-conversion never leaves a file taken for a finished one.
      const partial = converted.replace(/\.(\w+)$/, '.part.$1');
      try {
        const result = await this.opts.convert({ pcapPath: row.pcapPath, callerAddress: row.callerAddress ?? undefined, outPath: partial, format: row.format });
        durationSeconds = result.durationSeconds;
        if (result.path !== partial) await rename(result.path, partial);
      } catch (err) {
        await rm(partial, { force: true });
        throw new AttemptFailed('conversion', `conversion failed: ${describe(err)}`);
      }
      await rename(partial, converted);
      await this.opts.index.saveConversion(row.callId, durationSeconds, (await stat(converted)).size);
    }

    const storageKey = recordingKey(this.opts.keyPrefix, row.callId, row.startedAt, row.format);
    const put = await this.opts.storage.put(storageKey, converted, {
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
    await this.opts.index.markStored(row.callId, { storageKey, bytes: put.bytes, checksum: put.checksum, durationSeconds });
    await this.removeSpoolFiles(row);
    return { callId: row.callId, storageKey, format: row.format, durationSeconds, bytes: put.bytes, checksum: put.checksum };
  }

  private async removeSpoolFiles(row: RecordingJobRow): Promise<void> {
    if (row.pcapPath) await rm(row.pcapPath, { force: true });
    await rm(this.convertedPath(row), { force: true });
  }

  private tempDir(): string {
    return join(this.opts.spoolDir, 'recordings-tmp');
  }

  private convertedPath(row: RecordingJobRow): string {
    return join(this.tempDir(), `${safeCallId(row.callId)}.${row.format}`);
  }

  /** A RetryLater carries its delay; anything else (PostgreSQL down) waits the schedule's first step. */
  private backoff(_attemptsMade: number, type: string | undefined, err: Error | undefined): number {
    if (type !== RECORDING_BACKOFF) return 0;
    if (err instanceof RetryLater) return err.delayMs;
    return (this.opts.retry.scheduleSeconds[0] ?? 5) * 1000;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
