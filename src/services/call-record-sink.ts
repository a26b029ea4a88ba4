import type { CallRecord } from '../core/calls/call-record.js';

/** Where finished calls go (the batched PostgreSQL writer in production). */
export interface CallRecordSink {
  write(record: CallRecord): void;
}
