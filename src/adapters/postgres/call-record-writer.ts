import type { Logger } from 'pino';
import type { CallRecord } from '../../core/calls/call-record.js';
import type { CallStore } from '../../core/calls/call-store.port.js';
import { AppError } from '../../core/errors/app-error.js';

export interface BatchedCallWriterOptions {
  /** Flush as soon as this many records wait. */
  maxBatch?: number;
  /** Flush a partial batch after this long, so a quiet system still saves promptly. */
  flushMs?: number;
  /** First retry delay after a failed flush; doubles per failure up to retryMaxMs. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** How long close() keeps retrying before it gives up and reports what is unsaved. */
  closeTimeoutMs?: number;
}

/**
 * Buffers finished calls and saves them in batches. At 1,000 calls/s one INSERT per call
 * would saturate PostgreSQL on two cores; one multi-row INSERT every 50 ms does not.
 *
 * A failed flush keeps its records and retries with backoff: records are only removed
 * from the buffer once the store has accepted them. The store's saveCalls is idempotent,
 * so a batch that was written but reported as failed (a lost reply) does no harm on retry.
 */
export class BatchedCallWriter {
  readonly #store: CallStore;
  readonly #log: Logger;
  readonly #maxBatch: number;
  readonly #flushMs: number;
  readonly #retryBaseMs: number;
  readonly #retryMaxMs: number;
  readonly #closeTimeoutMs: number;

  #buffer: CallRecord[] = [];
  #timer: NodeJS.Timeout | null = null;
  /** Flushes run one after another, so no record is ever in two concurrent batches. */
  #chain: Promise<void> = Promise.resolve();
  #flushQueued = false;
  #failures = 0;
  #closed = false;

  constructor(store: CallStore, logger: Logger, options: BatchedCallWriterOptions = {}) {
    this.#store = store;
    this.#log = logger;
    this.#maxBatch = options.maxBatch ?? 200;
    this.#flushMs = options.flushMs ?? 50;
    this.#retryBaseMs = options.retryBaseMs ?? 100;
    this.#retryMaxMs = options.retryMaxMs ?? 5_000;
    this.#closeTimeoutMs = options.closeTimeoutMs ?? 10_000;
  }

  /** Records waiting to be saved, including any batch being written right now. */
  get pending(): number {
    return this.#buffer.length;
  }

  write(record: CallRecord): void {
    if (this.#closed) {
      throw new AppError('CALLS.WRITER_CLOSED', `Call ${record.callId} arrived after the call writer was closed.`);
    }
    this.#buffer.push(record);
    // While the store is failing, the retry timer alone decides when to try again.
    if (this.#failures > 0) return;
    if (this.#buffer.length >= this.#maxBatch) this.#flushInBackground('full-batches');
    else this.#armTimer();
  }

  /**
   * Saves everything buffered now. Rejects if the store fails; the records stay
   * buffered and a retry is scheduled (unless the writer is closing).
   */
  flush(): Promise<void> {
    return this.#enqueue('everything');
  }

  #enqueue(what: DrainMode): Promise<void> {
    const run = this.#chain.then(() => this.#drain(what));
    this.#chain = run.catch(() => undefined);
    return run;
  }

  /** For graceful shutdown: stops the timers and saves everything, retrying until closeTimeoutMs. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#clearTimer();
    const deadline = Date.now() + this.#closeTimeoutMs;
    for (;;) {
      try {
        await this.flush();
        return;
      } catch (err) {
        if (Date.now() + this.#retryDelay() > deadline) {
          const ids = this.#buffer.map((r) => r.callId);
          this.#log.error({ err, unsavedCallIds: ids }, 'call writer closed with unsaved call records');
          throw new AppError(
            'CALLS.UNSAVED',
            `${ids.length} call records could not be saved before shutdown: the call store kept failing.`,
            500,
            { cause: err },
          );
        }
        await sleep(this.#retryDelay());
      }
    }
  }

  #flushInBackground(what: DrainMode): void {
    this.#clearTimer();
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    // The failure is logged and retried inside #drain; nothing to add here.
    this.#enqueue(what).catch(() => undefined);
  }

  /**
   * 'full-batches' leaves a partial tail for the timer: under steady load, records that
   * arrive during an INSERT would otherwise go out as a stream of tiny batches.
   */
  async #drain(what: DrainMode): Promise<void> {
    this.#flushQueued = false;
    this.#clearTimer();
    const least = what === 'everything' ? 1 : this.#maxBatch;
    while (this.#buffer.length >= least) {
      const batch = this.#buffer.slice(0, this.#maxBatch);
      try {
        await this.#store.saveCalls(batch);
      } catch (err) {
        this.#failures += 1;
        const delay = this.#retryDelay();
        this.#log.warn(
          { err, pending: this.#buffer.length, failures: this.#failures, retryInMs: delay },
          'saving call records failed; keeping them and retrying',
        );
        if (!this.#closed) this.#timer = setTimeout(() => this.#flushInBackground('everything'), delay);
        throw err;
      }
      // Only #drain removes records, and drains never overlap, so the batch is still at the front.
      this.#buffer.splice(0, batch.length);
      if (this.#failures > 0) this.#log.info({ failures: this.#failures }, 'call store accepts records again');
      this.#failures = 0;
    }
    this.#armTimer();
  }

  /** Starts the partial-batch timer if records wait and nothing else will write them. */
  #armTimer(): void {
    if (this.#timer || this.#closed || this.#buffer.length === 0) return;
    this.#timer = setTimeout(() => this.#flushInBackground('everything'), this.#flushMs);
  }

  #retryDelay(): number {
    return Math.min(this.#retryMaxMs, this.#retryBaseMs * 2 ** Math.max(this.#failures - 1, 0));
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }
}

type DrainMode = 'everything' | 'full-batches';

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
