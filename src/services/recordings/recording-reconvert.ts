import { NotFoundError } from '../../core/errors/app-error.js';
import { NotReconvertibleError } from '../../core/recordings/recording-errors.js';
import type { RecordingIndexPort, RecordingJobQueue } from './recording-index.port.js';

export interface ReconvertDeps {
  index: Pick<RecordingIndexPort, 'load' | 'resetForRetry'>;
  queue: Pick<RecordingJobQueue, 'add'>;
}

/**
 * An operator's "convert this call's recording again" (`npm run cli -- recordings
 * reconvert <call-id>`): a failed recording, or one stuck pending, gets a fresh set of
 * attempts and a job. Its pcap stays in the spool until a recording is stored, so a
 * failed one still has its source; a stored, empty or deleted one has none and is refused.
 */
export class RecordingReconvert {
  constructor(private readonly deps: ReconvertDeps) {}

  async reconvert(callId: string): Promise<{ callId: string; previousStatus: string; previousError: string | null }> {
    const row = await this.deps.index.load(callId);
    if (!row) throw new NotFoundError(`A recording of call ${callId}`);
    if (row.status !== 'failed' && row.status !== 'pending') throw new NotReconvertibleError(callId, row.status);
    // The row first, then the job: a crash in between leaves a pending row, which the reconciler queues.
    if (!(await this.deps.index.resetForRetry(callId))) {
      const now = await this.deps.index.load(callId);
      throw new NotReconvertibleError(callId, now?.status ?? 'gone');
    }
    await this.deps.queue.add([callId]);
    return { callId, previousStatus: row.status, previousError: row.lastError ?? null };
  }
}
