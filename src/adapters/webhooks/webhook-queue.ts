import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import type { DeliveryJobQueue, LineHead } from '../../services/webhooks/delivery-log.port.js';
import { TickBatcher } from '../tick-batcher.js';

/** A job names its delivery; everything else is read from the log when it runs, so a replay sends what was stored. */
export interface DeliveryJobData {
  id: string;
  endpoint: string;
}

export const DELIVERY_JOB = 'deliver';
/** The custom backoff the worker computes (schedule, jitter, Retry-After); see webhook-worker.ts. */
export const BACKOFF_TYPE = 'webhook-schedule';

/**
 * The worker decides when a delivery is dead (its schedule, from the configuration);
 * BullMQ only needs enough attempts never to decide first.
 */
const ATTEMPTS = 1_000_000;

export interface QueueConnection {
  connection: ConnectionOptions;
  /** BullMQ key prefix (RedisKeys.queuePrefix()). */
  prefix: string;
  name: string;
}

const JOB_OPTIONS: JobsOptions = {
  attempts: ATTEMPTS,
  backoff: { type: BACKOFF_TYPE },
  // The delivery log keeps the history; finished jobs would only fill Redis, and a kept
  // one would make a replay's add with the same job id a no-op.
  removeOnComplete: true,
  removeOnFail: true,
};

/**
 * The BullMQ queue of deliveries. The job id is the delivery id, so adding a delivery
 * that is already queued, running or waiting for its retry does nothing: the writers
 * (new events, finished deliveries, replays, the reconciler) may all add the same head.
 */
export class WebhookQueue implements DeliveryJobQueue {
  private readonly queue: Queue<DeliveryJobData>;
  /** Adds from concurrent deliveries go to Redis together, as one addBulk. */
  private readonly adds: TickBatcher<readonly LineHead[], void>;

  constructor(opts: QueueConnection) {
    this.queue = new Queue<DeliveryJobData>(opts.name, { connection: opts.connection, prefix: opts.prefix, defaultJobOptions: JOB_OPTIONS });
    // ioredis reconnects by itself; without a listener a dropped connection would crash the process.
    this.queue.on('error', () => {});
    this.adds = new TickBatcher<readonly LineHead[], void>(async (groups) => {
      const heads = groups.flat();
      await this.queue.addBulk(heads.map((h) => ({ name: DELIVERY_JOB, data: { id: h.id, endpoint: h.endpoint }, opts: { jobId: h.id } })));
      return groups.map(() => undefined);
    });
  }

  async add(heads: readonly LineHead[]): Promise<void> {
    if (heads.length > 0) await this.adds.call(heads);
  }

  /** Jobs waiting, running and waiting for a retry: how far behind delivery is. */
  async backlog(): Promise<number> {
    return this.queue.getJobCountByTypes('waiting', 'active', 'delayed', 'prioritized');
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
