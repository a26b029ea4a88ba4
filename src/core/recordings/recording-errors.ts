import { AppError } from '../errors/app-error.js';

/** The store could not be reached or did not confirm the object: retried, nothing is deleted. */
export class StorageError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('RECORDINGS.STORAGE_FAILED', message, 503, options);
  }
}

/** The store holds something other than what was sent. Retried like an outage: the upload is redone. */
export class ChecksumMismatchError extends StorageError {
  constructor(key: string, expected: string, got: string) {
    super(`stored object ${key} does not match what was sent (sha256/etag ${got}, expected ${expected})`);
  }
}

/** The converter refused the pcap. */
export class ConversionError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('RECORDINGS.CONVERSION_FAILED', message, 500, options);
  }
}

/** A re-conversion asked of a recording whose source pcap is gone (stored, empty or deleted). */
export class NotReconvertibleError extends AppError {
  constructor(callId: string, status: string) {
    super(
      'RECORDINGS.NOT_RECONVERTIBLE',
      `The recording of call ${callId} is ${status}: its pcap left the spool when it was ${status === 'stored' ? 'uploaded' : status}, so there is nothing to convert again. Only failed or pending recordings can be re-converted.`,
      409,
    );
  }
}
