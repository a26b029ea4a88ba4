import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';

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
export class RecordingQueue {
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
