export interface HeardEvent<E> {
  event: E;
  /** The message's digest (HandledEvents). */
  digest: string;
  heardAt: number;
}

/**
 * What a standby instance heard from Kamailio, kept for a short window: if the active
 * instance dies, the standby replays what the active had not finished (route requests
 * still waiting for an answer, ring attempts that failed, answers, hang-ups). Bounded in
 * time and size: older events were handled by the active long ago, or their caller was
 * answered by Kamailio's own timer.
 */
export class StandbyBuffer<E> {
  private items: HeardEvent<E>[] = [];
  private dropped = 0;

  constructor(
    private readonly windowMs: number,
    private readonly max: number,
    private readonly clock: () => number = Date.now,
  ) {}

  push(event: E, digest: string): void {
    const heardAt = this.clock();
    this.items.push({ event, digest, heardAt });
    // Trimmed in batches, not one shift per push.
    if (this.items.length > this.max + this.max / 10) {
      const excess = this.items.length - this.max;
      this.items.splice(0, excess);
      this.dropped += excess;
    }
    if (this.items.length % 1024 === 0) this.expire();
  }

  /** Everything heard within the window, oldest first; the buffer is empty after. */
  drain(): { heard: HeardEvent<E>[]; dropped: number } {
    this.expire();
    const out = { heard: this.items, dropped: this.dropped };
    this.items = [];
    this.dropped = 0;
    return out;
  }

  clear(): void {
    this.items = [];
    this.dropped = 0;
  }

  get size(): number {
    return this.items.length;
  }

  private expire(): void {
    const oldest = this.clock() - this.windowMs;
    let i = 0;
    while (i < this.items.length && this.items[i]!.heardAt < oldest) i++;
    if (i > 0) this.items.splice(0, i);
    if (this.items.length > this.max) {
      this.dropped += this.items.length - this.max;
      this.items.splice(0, this.items.length - this.max);
    }
  }
}
