import type { Logger } from 'pino';
import type { Config } from '../../config/config-schema.js';
import type { ObjectStorage, RecordingConverter } from '../../core/recordings/recording-store.port.js';
import type { HealthCheck } from '../http/health-check.js';
import type { Database } from '../postgres/database.js';
import { RedisKeys } from '../redis/redis-keys.js';
import { createObjectStorage } from '../storage/create-object-storage.js';
import { S3Storage } from '../storage/s3-storage.js';
import type { NewRecording } from '../../core/recordings/recording-store.port.js';
import { PostgresRecordingIndex } from './postgres-recording-index.js';
import { RecordingQueue, type RecordingQueueConnection } from './recording-queue.js';
import { runRetention } from './recording-retention.js';
import { RecordingWorker, type RecordingWorkerOptions, type StoredRecording } from './recording-worker.js';

export interface RecordingArchiveOptions {
  config: Pick<Config, 'recordings' | 'redis' | 'paths'>;
  db: Database;
  logger: Logger;
  convert: RecordingConverter;
  /** Called once per recording stored (the service raises recording.ready). */
  onStored(recording: StoredRecording): void;
  /** Default: the driver the configuration names. */
  storage?: ObjectStorage;
  /** Whether this instance converts and uploads (runs a worker); every instance indexes and queues. Default true. */
  runWorker?: boolean;
  /** Whether this instance runs the retention timer (the advisory lock keeps it to one at a time anyway). Default true. */
  runRetention?: boolean;
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
  /** Writes the pending row, then queues its job: the row first, so a crash in between loses nothing. */
  submit(recording: NewRecording): Promise<void>;
  /** One retention round now (the timer runs them too); null when another instance was running one. */
  retention(): Promise<number | null>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Wires the recording index (PostgreSQL), queue and worker (BullMQ), storage and retention. */
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
  const worker = opts.runWorker === false ? null : new RecordingWorker({
    queue: queueConnection,
    index,
    storage,
    convert: opts.convert,
    spoolDir: paths.spoolDir,
    keyPrefix: recordings.storage.prefix,
    retry: recordings.retry,
    concurrency: recordings.concurrency,
    onStored: opts.onStored,
    logger,
    clock,
    random: opts.random,
    tuning: opts.tuning,
  });

  const timers: NodeJS.Timeout[] = [];
  let reconciling: Promise<unknown> = Promise.resolve();
  let retaining: Promise<unknown> = Promise.resolve();
  const reconcile = (graceMs: number) => {
    reconciling = index
      .pendingCallIds(new Date(clock() - graceMs))
      .then(async (ids) => {
        await queue.add(ids);
        if (ids.length > 0) logger.info({ recordings: ids.length }, 'pending recordings queued again from the index');
      })
      .catch((err: unknown) => logger.warn({ err }, 'recording reconciliation failed; next round retries'));
    return reconciling;
  };
  const retention = () => {
    const round = runRetention({ index, storage, retentionDays: recordings.retentionDays, logger, clock });
    retaining = round.catch((err: unknown) => logger.warn({ err }, 'recording retention failed; next round retries'));
    return round;
  };

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
      if (await index.insertPending(recording)) await queue.add([recording.callId]);
    },
    retention,
    async start() {
      // A store that is down at start is an outage like any other: jobs wait and retry, the service runs.
      if (storage instanceof S3Storage) {
        await storage.ensureBucket().catch((err: unknown) => logger.warn({ err }, 'recording storage unreachable at start; uploads wait for it'));
      }
      await worker?.start();
      await reconcile(0);
      // The grace keeps the rounds off rows being written and queued right now.
      const t1 = setInterval(() => void reconcile(30_000), opts.reconcileEveryMs ?? 60_000);
      timers.push(t1);
      if (opts.runRetention !== false) {
        const t2 = setInterval(() => void retention().catch(() => {}), recordings.retentionCheckMinutes * 60_000);
        timers.push(t2);
      }
      for (const t of timers) t.unref();
    },
    async stop() {
      for (const t of timers) clearInterval(t);
      timers.length = 0;
      await Promise.allSettled([reconciling, retaining]);
      await worker?.close();
      await queue.close();
      await storage.close?.();
    },
  };
}
