import { availableParallelism } from 'node:os';
import type { Logger } from 'pino';
import type { Config } from '../config/config-schema.js';
import type { ObjectStorage, RecordingConverter, NewRecording } from '../core/recordings/recording-store.port.js';
import type { CallRecord } from '../core/calls/call-record.js';
import { PeriodicTask } from '../services/periodic-task.js';
import { RecordingArchiver, type StoredRecording } from '../services/recordings/recording-archiver.js';
import { runRetention } from '../services/recordings/recording-retention.js';
import { SpoolSweep } from '../services/recordings/spool-sweep.js';
import type { HealthCheck } from '../adapters/http/health-check.js';
import type { Database } from '../adapters/postgres/database.js';
import { RedisKeys } from '../adapters/redis/redis-keys.js';
import { createObjectStorage } from '../adapters/storage/create-object-storage.js';
import { S3Storage } from '../adapters/storage/s3-storage.js';
import { TickBatcher } from '../adapters/tick-batcher.js';
import { PostgresRecordingIndex } from '../adapters/recordings/postgres-recording-index.js';
import { RecordingQueue, type RecordingQueueConnection } from '../adapters/recordings/recording-queue.js';
import { RecordingReconvert } from '../services/recordings/recording-reconvert.js';
import { RecordingWorker, type RecordingWorkerOptions } from '../adapters/recordings/recording-worker.js';

export interface RecordingArchiveOptions {
  config: Pick<Config, 'recordings' | 'redis' | 'paths'> & { trunks?: Config['trunks'] };
  db: Database;
  logger: Logger;
  convert: RecordingConverter;
  /** Called once per recording stored (recording.ready is raised from it). */
  onStored(recording: StoredRecording): void;
  /** Default: the driver the configuration names. */
  storage?: ObjectStorage;
  /**
   * Whether this process converts and uploads (runs a worker, the spool sweep and the
   * reconciler); every process indexes and queues. Default true.
   */
  runWorker?: boolean;
  /** Whether this process runs the retention timer (the advisory lock keeps it to one at a time anyway). Default: as runWorker. */
  runRetention?: boolean;
  /** Finished calls, so a pcap the service never saw end gets its numbers; default none. */
  callRecord?(callId: string): Promise<CallRecord | null>;
  clock?: () => number;
  random?: () => number;
  tuning?: RecordingWorkerOptions['tuning'];
  /** How often pending rows without a job are queued again. Default 60 s. */
  reconcileEveryMs?: number;
}

export interface RecordingArchive {
  index: PostgresRecordingIndex;
  storage: ObjectStorage;
  health: HealthCheck;
  /** Writes the pending row, then queues its job: the row first, so a crash in between loses nothing (batched with other calls). */
  submit(recording: NewRecording): Promise<void>;
  /** An operator's re-conversion of a failed or stuck recording (RecordingReconvert). */
  reconvert: RecordingReconvert['reconvert'];
  /** One spool sweep now (the timer runs them too); how many pcaps became recordings. */
  sweepSpool(): Promise<number>;
  /** One retention round now (the timer runs them too); null when another instance was running one. */
  retention(): Promise<number | null>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const RETENTION = 'recording retention';

/** Recordings converted at once by one worker process: `auto` is one per core (the worker runs at idle priority). */
export function recordingConcurrency(setting: number | 'auto'): number {
  return setting === 'auto' ? Math.max(1, availableParallelism()) : setting;
}

/** Wires the recording index (PostgreSQL), queue and worker (BullMQ), storage, the spool sweep and retention. */
export function createRecordingArchive(opts: RecordingArchiveOptions): RecordingArchive {
  const { recordings, redis, paths } = opts.config;
  const logger = opts.logger;
  const clock = opts.clock ?? Date.now;
  const storage = opts.storage ?? createObjectStorage(recordings.storage);
  const index = new PostgresRecordingIndex(opts.db);
  const queueConnection: RecordingQueueConnection = {
    connection: { url: redis.url, maxRetriesPerRequest: null },
    prefix: new RedisKeys(redis.keyPrefix).queuePrefix(),
    name: recordings.queueName,
  };
  const queue = new RecordingQueue(queueConnection);
  // Calls ending together share one INSERT and one queue round trip: at hundreds of calls a
  // second, a statement per call would cost the routing process a noticeable share of a core.
  const submits = new TickBatcher<NewRecording, void>(async (rows) => {
    const inserted = await index.insertPendingMany(rows);
    await queue.add([...inserted]);
    return rows.map(() => undefined);
  });
  const runWorker = opts.runWorker !== false;
  const worker = runWorker
    ? new RecordingWorker({
        queue: queueConnection,
        archiver: new RecordingArchiver({
          index,
          storage,
          convert: opts.convert,
          spoolDir: paths.spoolDir,
          keyPrefix: recordings.storage.prefix,
          retry: recordings.retry,
          pcapWaitMs: recordings.pcapWaitSeconds * 1000,
          onStored: opts.onStored,
          logger,
          clock,
          random: opts.random,
        }),
        concurrency: recordingConcurrency(recordings.concurrency),
        claimMs: recordings.claimSeconds * 1000,
        errorRetryMs: (recordings.retry.scheduleSeconds[0] ?? 5) * 1000,
        logger,
        tuning: opts.tuning,
      })
    : null;
  const sweep = new SpoolSweep({
    index,
    queue,
    callRecord: opts.callRecord ?? (async () => null),
    spoolDir: paths.spoolDir,
    format: recordings.format,
    clientAddress: opts.config.trunks?.[0]?.address ?? null,
    orphanAfterMs: recordings.orphanPcapMinutes * 60_000,
    quietMs: Math.max(1000, recordings.pcapWaitSeconds * 1000),
    log: logger,
    clock,
  });
  // The grace keeps the rounds off rows being written and queued right now.
  let reconcileGraceMs = 0;
  const tasks = runWorker
    ? [
        new PeriodicTask('recording reconciliation', opts.reconcileEveryMs ?? 60_000, async () => {
          const ids = await index.pendingCallIds(new Date(clock() - reconcileGraceMs));
          reconcileGraceMs = 30_000;
          const added = await queue.addMissing(ids);
          if (added > 0) logger.info({ recordings: added }, 'pending recordings without a job queued again from the index');
        }, logger),
        new PeriodicTask('spool sweep', recordings.spoolSweepSeconds * 1000, () => sweep.sweep(), logger),
      ]
    : [];
  const retention = () => runRetention({ index, storage, retentionDays: recordings.retentionDays, logger, clock });
  if (opts.runRetention ?? runWorker) {
    tasks.push(new PeriodicTask(RETENTION, recordings.retentionCheckMinutes * 60_000, retention, logger));
  }

  const reconverter = new RecordingReconvert({ index, queue });
  return {
    index,
    storage,
    health: {
      name: 'recordings',
      async check() {
        if (worker && !worker.running) return { ok: false, detail: 'the recording worker is not running' };
        const backlog = await queue.backlog();
        return { ok: true, detail: `${backlog} queued (${storage.driver} storage)` };
      },
    },
    async submit(recording) {
      await submits.call(recording);
    },
    reconvert: (callId) => reconverter.reconvert(callId),
    sweepSpool: () => sweep.sweep(),
    retention,
    async start() {
      // A store that is down at start is an outage like any other: jobs wait and retry, the service runs.
      if (runWorker && storage instanceof S3Storage) {
        await storage.ensureBucket().catch((err: unknown) => logger.warn({ err }, 'recording storage unreachable at start; uploads wait for it'));
      }
      await worker?.start();
      // Reconciliation and the sweep run at once; retention waits for its first period.
      for (const task of tasks) await task.start({ runNow: task.name !== RETENTION });
    },
    async stop() {
      await Promise.all(tasks.map((t) => t.stop()));
      await worker?.close();
      await queue.close();
      await storage.close?.();
    },
  };
}
