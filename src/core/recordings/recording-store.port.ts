import type { CoachAuditAction } from '../calls/coaching.js';
import type { Direction } from '../calls/call-record.js';
import type { ConversationAnalytics } from './conversation-analytics.js';

/** Types only: what the recording pipeline needs from storage, the converter and the index. */

export type RecordingFormat = 'mp3' | 'opus' | 'wav';
export type RecordingStatus = 'pending' | 'stored' | 'failed' | 'deleted' | 'empty';

export interface PutOptions {
  contentType: string;
  /** Plain ASCII values: they travel as x-amz-meta-* headers on S3. */
  metadata: Record<string, string>;
}

/** What the store confirmed it holds: the checksum was compared with the file sent before this resolves. */
export interface StoredObject {
  /** sha256 of the content, hex. */
  checksum: string;
  bytes: number;
}

export interface ObjectInfo {
  bytes: number;
  contentType: string;
  /** sha256 hex when the store kept it (always for ours). */
  checksum: string | null;
}

/**
 * One storage interface, two drivers (local folder, S3/MinIO). `put` resolves only once the
 * object is durable and verified, so a caller may then delete its source.
 */
export interface ObjectStorage {
  readonly driver: 'local' | 's3';
  put(key: string, filePath: string, options: PutOptions): Promise<StoredObject>;
  /** null when there is no such object. */
  head(key: string): Promise<ObjectInfo | null>;
  /** Bytes start..end inclusive (the whole object without them). */
  getRange(key: string, start?: number, end?: number): Promise<NodeJS.ReadableStream>;
  /** Only drivers that can hand a client a direct URL (S3). */
  presignedGetUrl?(key: string, seconds: number): Promise<string>;
  /** Succeeds when the object is already gone. */
  remove(key: string): Promise<void>;
  close?(): Promise<void>;
}

export interface ConvertRequest {
  pcapPath: string;
  /** The caller's media address (ip:port), when known; otherwise the converter decides which side is the caller. */
  callerAddress?: string;
  outPath: string;
  format: RecordingFormat;
}

export interface ConvertResult {
  durationSeconds: number;
  bytes: number;
  format: RecordingFormat;
  path: string;
  /** The pcap held (next to) no audio: nothing was encoded or written. */
  empty?: boolean;
  /** What the stereo audio says of the conversation (conversation-analytics.ts); absent from converters that do not measure it. */
  analytics?: ConversationAnalytics | null;
  /** The codecs each side sent ("PCMA", "opus", "G722"...); absent from converters that do not tell. */
  codecs?: Record<'caller' | 'manager', string[]>;
}

/** The pcap -> stereo recording conversion (src/adapters/recordings/pcap-to-recording.ts has this shape). */
export type RecordingConverter = (request: ConvertRequest) => Promise<ConvertResult>;

/** One recording in the index (one per call). */
export interface RecordingEntry {
  callId: string;
  status: RecordingStatus;
  format: RecordingFormat;
  storageKey: string | null;
  bytes: number | null;
  checksum: string | null;
  durationSeconds: number | null;
  manager: string | null;
  callerNumber: string;
  calleeNumber: string;
  direction: Direction;
  startedAt: Date;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  storedAt: Date | null;
  deletedAt: Date | null;
  /** Conversation analytics measured at conversion (migration 0022); null before, or for a recording without them. */
  analytics?: ConversationAnalytics | null;
}

export interface RecordingFilter {
  manager?: string;
  from?: Date;
  to?: Date;
  /** Either party's number. */
  number?: string;
  minDuration?: number;
  maxDuration?: number;
  direction?: Direction;
}

/** A finished call's recording to make: the pending index row and the job come from it. */
export interface NewRecording {
  callId: string;
  format: RecordingFormat;
  /** null when the router wrote the row: the archiver finds the pcap itself, off the routing process. */
  pcapPath: string | null;
  /** The client's media address (the trunk), so the converter puts him on the left. */
  callerAddress: string | null;
  manager: string | null;
  callerNumber: string;
  calleeNumber: string;
  direction: Direction;
  startedAt: Date;
}

/** Live listening (0016) and coaching (0027) share the recordings' audit log. */
export type AuditAction = 'listen' | 'download' | 'delete' | 'live-listen' | 'live-listen-refused' | CoachAuditAction;

export interface AuditEntry {
  id: string;
  action: AuditAction;
  callId: string;
  who: string;
  role: string | null;
  ip: string | null;
  userAgent: string | null;
  at: Date;
}

/** An audit row to write: the index gives it its id and time. */
export type NewAudit = Omit<AuditEntry, 'id' | 'at'>;
