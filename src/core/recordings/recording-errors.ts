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
