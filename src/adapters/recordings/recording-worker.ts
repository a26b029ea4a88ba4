import { UnrecoverableError, Worker, type Job, type WorkerOptions } from 'bullmq';
import type { Logger } from 'pino';
import type { RecordingArchiver } from '../../services/recordings/recording-archiver.js';
import { RECORDING_BACKOFF, type RecordingJobData, type RecordingQueueConnection } from './recording-queue.js';

export interface RecordingWorkerOptions {
  queue: RecordingQueueConnection;
  archiver: RecordingArchiver;
  concurrency: number;
  /**
   * How long a job stays claimed without renewal: a worker killed mid-job (SIGKILL) gives
   * its job back to another worker after about this long.
   */
  claimMs: number;
  /** Wait after an error that is not the archiver's verdict (PostgreSQL down). */
  errorRetryMs: number;
  logger: Logger;
  tuning?: Pick<WorkerOptions, 'lockDuration' | 'stalledInterval' | 'maxStalledCount' | 'drainDelay'>;
}

class RetryLater extends Error {
  constructor(message: string, readonly delayMs: number) {
    super(message);
    this.name = 'RetryLater';
  }
}

/** BullMQ's side of the recording jobs: one archiver attempt per job run, its verdict in BullMQ's terms. */
export class RecordingWorker {
  private worker: Worker<RecordingJobData> | null = null;

  constructor(private readonly opts: RecordingWorkerOptions) {}

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
      // The lock is renewed every half of it while the job runs; a dead worker's lapses and its job is stalled, then retried.
      lockDuration: this.opts.claimMs,
      stalledInterval: Math.max(100, Math.round(this.opts.claimMs / 2)),
      // A worker starved by routing (idle priority) may miss a renewal: the job is taken again, never dropped.
      maxStalledCount: 100,
      ...this.opts.tuning,
      settings: { backoffStrategy: (_attemptsMade, type, err) => this.backoff(type, err) },
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
    const outcome = await this.opts.archiver.attempt(job.data.callId);
    if (outcome.kind === 'retry') throw new RetryLater(outcome.reason, outcome.delayMs);
    if (outcome.kind === 'failed') throw new UnrecoverableError(outcome.reason);
    return outcome.kind;
  }

  private backoff(type: string | undefined, err: Error | undefined): number {
    if (type !== RECORDING_BACKOFF) return 0;
    if (err instanceof RetryLater) return err.delayMs;
    return this.opts.errorRetryMs;
  }
}
