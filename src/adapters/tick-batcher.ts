/**
 * Group commit for round trips: calls made while the previous batches are in flight (or
 * within the same tick) go out together as one batch, and each caller gets its own
 * result. An idle system sends at once (no timer to wait for); a busy one sends fewer,
 * larger batches. At a few thousand deliveries a second, one statement per delivery
 * would spend the two cores on socket writes; one per batch does not.
 */
export class TickBatcher<I, O> {
  private waiting: { input: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  private inFlight = 0;
  private scheduled = false;

  /** `run` returns one output per input, in the same order; if it throws, every caller of the batch gets the error. */
  constructor(
    private readonly run: (inputs: I[]) => Promise<O[]>,
    private readonly maxBatch = 500,
    private readonly maxInFlight = 4,
  ) {}

  call(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight || this.waiting.length === 0) return;
    this.scheduled = true;
    // setImmediate, not a microtask: callers woken by the same burst of I/O join this batch.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.inFlight >= this.maxInFlight || this.waiting.length === 0) return;
    const batch = this.waiting.splice(0, this.maxBatch);
    this.inFlight += 1;
    try {
      const outputs = await this.run(batch.map((b) => b.input));
      batch.forEach((b, i) => b.resolve(outputs[i]!));
    } catch (err) {
      for (const b of batch) b.reject(err);
    } finally {
      this.inFlight -= 1;
      this.schedule();
    }
  }
}
