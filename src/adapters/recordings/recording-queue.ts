import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RecordingJobQueue } from '../../services/recordings/recording-index.port.js';

/** A job names its call; the rest (pcap, numbers, format) is read from the index when it runs. */
export interface RecordingJobData {
  callId: string;
}

export const RECORDING_JOB = 'archive';
export const RECORDING_BACKOFF = 'recording-schedule';

export interface RecordingQueueConnection {
  connection: ConnectionOptions;
  prefix: string;
  name: string;
}

const JOB_OPTIONS: JobsOptions = {
  // The worker decides when to give up (hours of storage outage, a few conversion failures).
  attempts: 1_000_000,
  backoff: { type: RECORDING_BACKOFF },
  // The index keeps the history; a kept job would make the reconciler's add a no-op.
  removeOnComplete: true,
  removeOnFail: true,
};

/** BullMQ queue of recordings to archive. The job id derives from the Call-ID, so adding a queued one does nothing. */
export class RecordingQueue implements RecordingJobQueue {
  private readonly queue: Queue<RecordingJobData>;

  constructor(opts: RecordingQueueConnection) {
    this.queue = new Queue<RecordingJobData>(opts.name, { connection: opts.connection, prefix: opts.prefix, defaultJobOptions: JOB_OPTIONS });
    // ioredis reconnects by itself; without a listener a dropped connection would crash the process.
    this.queue.on('error', () => {});
  }

  async add(callIds: readonly string[]): Promise<void> {
    if (callIds.length === 0) return;
    await this.queue.addBulk(callIds.map((callId) => ({ name: RECORDING_JOB, data: { callId }, opts: { jobId: jobIdOf(callId) } })));
  }

  /**
   * Adds only the calls that have no job in the queue: one round of EXISTS, then the adds.
   * The reconciler looks at every pending row, and with a backlog most still have their
   * job: adding them again would run one queue script per row in Redis, which the routing
   * process shares.
   */
  async addMissing(callIds: readonly string[]): Promise<number> {
    if (callIds.length === 0) return 0;
    // ioredis under BullMQ's own typing: EXISTS is there, its interface does not list it.
    const client = (await this.queue.getBackend().client) as unknown as Pick<Redis, 'pipeline'>;
    const pipeline = client.pipeline();
    for (const id of callIds) pipeline.exists(this.queue.toKey(jobIdOf(id)));
    const found = (await pipeline.exec()) ?? [];
    const missing = callIds.filter((_, i) => found[i]?.[1] !== 1);
    await this.add(missing);
    return missing.length;
  }

  async backlog(): Promise<number> {
    return this.queue.getJobCountByTypes('waiting', 'active', 'delayed', 'prioritized');
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

/** BullMQ refuses ':' in custom job ids, and Call-IDs may carry it. */
export function jobIdOf(callId: string): string {
  return `rec-${Buffer.from(callId, 'utf8').toString('base64url')}`;
}
