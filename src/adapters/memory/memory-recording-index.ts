import type { ConversationAnalytics } from '../../core/recordings/conversation-analytics.js';
import type { NewRecording } from '../../core/recordings/recording-store.port.js';
import type { RecordingIndexPort, RecordingJobQueue, RecordingJobRow, StoredFacts } from '../../services/recordings/recording-index.port.js';

/** The recording index in memory, for unit tests of the recording services. */
export class MemoryRecordingIndex implements RecordingIndexPort {
  readonly rows = new Map<string, RecordingJobRow>();
  private readonly locks = new Set<number>();

  constructor(private readonly clock: () => number = Date.now) {}

  async insertPending(r: NewRecording): Promise<boolean> {
    if (this.rows.has(r.callId)) return false;
    this.rows.set(r.callId, {
      ...r,
      status: 'pending',
      storageKey: null,
      bytes: null,
      checksum: null,
      durationSeconds: null,
      attempts: 0,
      lastError: null,
      createdAt: new Date(this.clock()),
      storedAt: null,
      deletedAt: null,
    });
    return true;
  }

  async load(callId: string): Promise<RecordingJobRow | null> {
    const row = this.rows.get(callId);
    return row ? { ...row } : null;
  }

  async existing(callIds: readonly string[]): Promise<Set<string>> {
    return new Set(callIds.filter((id) => this.rows.has(id)));
  }

  async setPcapPath(callId: string, pcapPath: string): Promise<void> {
    this.update(callId, () => ({ pcapPath }));
  }

  async saveConversion(callId: string, durationSeconds: number, bytes: number, analytics?: ConversationAnalytics | null): Promise<void> {
    this.update(callId, () => ({ durationSeconds, bytes, ...(analytics ? { analytics } : {}) }));
  }

  async noteAttempt(callId: string, error: string | null): Promise<void> {
    this.update(callId, (r) => ({ attempts: r.attempts + 1, lastError: error }));
  }

  async markStored(callId: string, s: StoredFacts): Promise<void> {
    this.update(callId, (r) => (r.status === 'pending' ? { ...s, status: 'stored', storedAt: new Date(this.clock()), lastError: null } : {}));
  }

  async markEmpty(callId: string, reason: string): Promise<void> {
    this.update(callId, (r) => (r.status === 'pending' ? { status: 'empty', durationSeconds: 0, lastError: reason } : {}));
  }

  async markFailed(callId: string, error: string): Promise<void> {
    this.update(callId, (r) => (r.status === 'pending' ? { status: 'failed', lastError: error } : {}));
  }

  async resetForRetry(callId: string): Promise<boolean> {
    const row = this.rows.get(callId);
    if (!row || (row.status !== 'failed' && row.status !== 'pending')) return false;
    this.update(callId, () => ({ status: 'pending', attempts: 0, lastError: null }));
    return true;
  }

  async pendingCallIds(before: Date, limit = 1000): Promise<string[]> {
    return [...this.rows.values()].filter((r) => r.status === 'pending' && r.createdAt < before).slice(0, limit).map((r) => r.callId);
  }

  async expired(before: Date, limit: number): Promise<{ callId: string; storageKey: string | null }[]> {
    return [...this.rows.values()]
      .filter((r) => (r.status === 'stored' || r.status === 'failed') && r.startedAt < before)
      .slice(0, limit)
      .map((r) => ({ callId: r.callId, storageKey: r.storageKey }));
  }

  async markDeleted(callId: string): Promise<void> {
    this.update(callId, () => ({ status: 'deleted', deletedAt: new Date(this.clock()) }));
  }

  async withExclusiveLock(lockKey: number, fn: () => Promise<void>): Promise<boolean> {
    if (this.locks.has(lockKey)) return false;
    this.locks.add(lockKey);
    try {
      await fn();
    } finally {
      this.locks.delete(lockKey);
    }
    return true;
  }

  private update(callId: string, change: (row: RecordingJobRow) => Partial<RecordingJobRow>): void {
    const row = this.rows.get(callId);
    if (row) this.rows.set(callId, { ...row, ...change(row) });
  }
}

/** A recording job queue in memory: the call ids added, each once while queued. */
export class MemoryRecordingJobQueue implements RecordingJobQueue {
  readonly queued: string[] = [];

  async add(callIds: readonly string[]): Promise<void> {
    for (const id of callIds) if (!this.queued.includes(id)) this.queued.push(id);
  }

  async addMissing(callIds: readonly string[]): Promise<number> {
    const missing = callIds.filter((id) => !this.queued.includes(id));
    await this.add(missing);
    return missing.length;
  }

  async backlog(): Promise<number> {
    return this.queued.length;
  }
}
