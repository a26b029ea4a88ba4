import type { ConversationAnalytics } from '../../core/recordings/conversation-analytics.js';
import type { NewRecording, RecordingEntry } from '../../core/recordings/recording-store.port.js';

/** A pending row as the archiver needs it: where the pcap is and whose media is the client's. */
export interface RecordingJobRow extends RecordingEntry {
  /** null until the archiver found the call's pcap in the spool (the router does not look). */
  pcapPath: string | null;
  callerAddress: string | null;
}

/** The conversion's result, kept so a retried upload does not convert again. */
export interface StoredFacts {
  storageKey: string;
  bytes: number;
  checksum: string;
  durationSeconds: number;
}

/**
 * What the recording services need from the index (PostgreSQL in production,
 * src/adapters/memory/memory-recording-index.ts in unit tests).
 */
export interface RecordingIndexPort {
  /** Writes the pending row; false when the call already has one (an event seen twice). */
  insertPending(r: NewRecording): Promise<boolean>;
  load(callId: string): Promise<RecordingJobRow | null>;
  /** Which of these calls have a row (any status). */
  existing(callIds: readonly string[]): Promise<Set<string>>;
  setPcapPath(callId: string, pcapPath: string): Promise<void>;
  /** After a conversion: its duration, size and, when measured, the conversation analytics. */
  saveConversion(callId: string, durationSeconds: number, bytes: number, analytics?: ConversationAnalytics | null): Promise<void>;
  noteAttempt(callId: string, error: string | null): Promise<void>;
  markStored(callId: string, s: StoredFacts): Promise<void>;
  /** The call had no audio: nothing to store, the pcap may go. */
  markEmpty(callId: string, reason: string): Promise<void>;
  markFailed(callId: string, error: string): Promise<void>;
  /** A failed or pending row back to pending with no attempts (an operator's re-conversion); false for any other status. */
  resetForRetry(callId: string): Promise<boolean>;
  /** Pending rows written before `before`: the ones whose job the queue may have lost. */
  pendingCallIds(before: Date, limit?: number): Promise<string[]>;
  /** Recordings of calls started before `before` that retention is to delete. */
  expired(before: Date, limit: number): Promise<{ callId: string; storageKey: string | null }[]>;
  /** Marks the recording deleted and audits it, together. */
  markDeleted(callId: string, who: string): Promise<void>;
  /** Runs `fn` only if no other instance holds the lock; false when one does. */
  withExclusiveLock(lockKey: number, fn: () => Promise<void>): Promise<boolean>;
}

/** Where recording jobs wait (BullMQ in production). Adding a queued call again does nothing. */
export interface RecordingJobQueue {
  add(callIds: readonly string[]): Promise<void>;
  /** Adds the calls that have no job queued; returns how many it added. */
  addMissing(callIds: readonly string[]): Promise<number>;
  backlog(): Promise<number>;
}
