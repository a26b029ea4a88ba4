import type { HandledEvents, RouterLeaseStore } from '../../services/router-lease.port.js';

/** The router lease in memory, for unit tests: same contract as RedisRouterLease, on an injected clock. */
export class MemoryRouterLease implements RouterLeaseStore {
  private holder: string | null = null;
  private until = 0;

  constructor(private readonly clock: () => number = Date.now) {}

  async take(holder: string, ttlMs: number): Promise<boolean> {
    const now = this.clock();
    if (this.holder !== null && this.holder !== holder && now < this.until) return false;
    this.holder = holder;
    this.until = now + ttlMs;
    return true;
  }

  async release(holder: string): Promise<void> {
    if (this.holder === holder) this.holder = null;
  }
}

export class MemoryHandledEvents implements HandledEvents {
  readonly marked = new Set<string>();

  async mark(digest: string): Promise<void> {
    this.marked.add(digest);
  }

  async handled(digests: readonly string[]): Promise<Set<string>> {
    return new Set(digests.filter((d) => this.marked.has(d)));
  }
}
