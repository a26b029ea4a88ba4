import { UnrecoverableError, Worker, type Job, type WorkerOptions } from 'bullmq';
import type { Logger } from 'pino';
import { nextRetryDelayMs } from '../../core/webhooks/retry-schedule.js';
import type { DeliverySettings, WebhookEndpoint } from '../../core/webhooks/webhook-endpoint.js';
import { attemptDelivery, type AttemptDeps } from '../../services/webhooks/delivery-attempt.js';
import type { DeliveryLog, SendRequest } from '../../services/webhooks/delivery-log.port.js';
import { BACKOFF_TYPE, type DeliveryJobData, type QueueConnection } from './webhook-queue.js';

/** A failed attempt that is to be retried after `delayMs` (which the backoff strategy hands to BullMQ). */
export class RetryLater extends Error {
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
    this.name = 'RetryLater';
  }
}

export interface WebhookWorkerOptions {
  queue: QueueConnection;
  log: DeliveryLog;
  endpoints: ReadonlyMap<string, WebhookEndpoint>;
  delivery: DeliverySettings & { concurrency: number };
  send: SendRequest;
  advance: AttemptDeps['advance'];
  /** Called when a job ends failed or dead and BullMQ has let go of its id (see WebhookOutbox.requeueIfReopened). */
  afterSettled: (id: string) => Promise<void>;
  logger: Logger;
  clock?: () => number;
  random?: () => number;
  /** Lock and stall-check timings; tests shorten them to see a crashed worker's job come back quickly. */
  tuning?: Pick<WorkerOptions, 'lockDuration' | 'stalledInterval' | 'maxStalledCount' | 'drainDelay'>;
}

/**
 * BullMQ worker running delivery attempts. Retries use BullMQ's delayed jobs with a
 * custom backoff: the attempt computes the delay (schedule, jitter, Retry-After) and
 * records it in the log before the job goes back, so the log always says when the next
 * attempt is due. A job whose worker died is taken up again after its lock expires.
 */
export class WebhookWorker {
  private worker: Worker<DeliveryJobData> | null = null;
  private readonly deps: AttemptDeps;

  constructor(private readonly opts: WebhookWorkerOptions) {
    this.deps = {
      log: opts.log,
      endpoints: opts.endpoints,
      delivery: opts.delivery,
      send: opts.send,
      advance: opts.advance,
      logger: opts.logger,
      clock: opts.clock ?? Date.now,
      random: opts.random ?? Math.random,
    };
  }

  get running(): boolean {
    return this.worker?.isRunning() ?? false;
  }

  async start(): Promise<void> {
    if (this.worker) return;
    const { queue, delivery } = this.opts;
    this.worker = new Worker<DeliveryJobData>(queue.name, (job) => this.process(job), {
      connection: queue.connection,
      prefix: queue.prefix,
      concurrency: delivery.concurrency,
      // A job must not be taken from a live worker: the lock outlasts the slowest request.
      lockDuration: Math.max(30_000, delivery.timeoutSeconds * 1000 * 3),
      maxStalledCount: 10,
      ...this.opts.tuning,
      settings: { backoffStrategy: (attemptsMade, type, err) => this.backoff(attemptsMade, type, err) },
    });
    this.worker.on('error', (err) => this.opts.logger.warn({ err }, 'webhook worker: queue connection error'));
    this.worker.on('failed', (job, err) => {
      if (!job || !(err instanceof UnrecoverableError)) return;
      this.opts.afterSettled(job.data.id).catch((e: unknown) => this.opts.logger.warn({ err: e, delivery: job.data.id }, 'webhook worker: could not check for a replay'));
    });
    await this.worker.waitUntilReady();
  }

  /** Finishes the attempts in flight (each bounded by the request timeout), then stops taking jobs. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.close();
  }

  private async process(job: Job<DeliveryJobData>): Promise<string> {
    const result = await attemptDelivery(this.deps, job.data.id, job.attemptsMade);
    switch (result.kind) {
      case 'delivered':
      case 'skipped':
        return result.kind;
      case 'retry':
        throw new RetryLater(result.error, result.delayMs);
      case 'failed':
      case 'dead':
        // Recorded in the log already; BullMQ must not retry it.
        throw new UnrecoverableError(`${result.kind}: ${result.error}`);
    }
  }

  /**
   * A RetryLater carries its delay. Anything else thrown (PostgreSQL unreachable while
   * recording) retries on the schedule's first step, capped by its last: the attempt is
   * not counted in the log, and the delivery stays pending.
   */
  private backoff(attemptsMade: number, type: string | undefined, err: Error | undefined): number {
    if (type !== BACKOFF_TYPE) return 0;
    if (err instanceof RetryLater) return err.delayMs;
    const policy = { scheduleSeconds: [5, 30, 120, 600], jitter: this.opts.delivery.jitter, maxRetryAfterMs: 0 };
    return nextRetryDelayMs(policy, Math.min(attemptsMade, 4), null, this.deps.random) ?? 600_000;
  }
}
