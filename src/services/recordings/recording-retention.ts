import type { Logger } from 'pino';
import type { ObjectStorage } from '../../core/recordings/recording-store.port.js';
import type { RecordingIndexPort } from './recording-index.port.js';

/** Any fixed number, the same on every instance: the advisory lock that lets one of them run retention. */
const RETENTION_LOCK = 0x7265_6331;
const BATCH = 500;

export interface RetentionOptions {
  index: RecordingIndexPort;
  storage: ObjectStorage;
  retentionDays: number;
  logger: Logger;
  clock?: () => number;
}

/**
 * Deletes recordings of calls older than the retention from storage, then marks their rows
 * deleted with an audit row ('delete', who 'retention'). The object goes first: a failure
 * after it leaves a row the next round deletes again, which succeeds on a missing object.
 * Returns how many were deleted, or null when another instance holds the lock.
 */
export async function runRetention(opts: RetentionOptions): Promise<number | null> {
  const clock = opts.clock ?? Date.now;
  const before = new Date(clock() - opts.retentionDays * 86_400_000);
  let deleted = 0;
  const ran = await opts.index.withExclusiveLock(RETENTION_LOCK, async () => {
    for (;;) {
      const batch = await opts.index.expired(before, BATCH);
      for (const r of batch) {
        if (r.storageKey) await opts.storage.remove(r.storageKey);
        await opts.index.markDeleted(r.callId, 'retention');
        deleted += 1;
      }
      if (batch.length < BATCH) break;
    }
  });
  if (!ran) return null;
  if (deleted > 0) opts.logger.info({ deleted, before: before.toISOString() }, 'recordings past retention deleted');
  return deleted;
}
