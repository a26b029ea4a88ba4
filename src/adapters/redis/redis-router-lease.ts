import type { HandledEvents, RouterLeaseStore } from '../../services/router-lease.port.js';
import type { LeadlineRedis } from './create-redis.js';
import type { RedisKeys } from './redis-keys.js';

/** The router lease in Redis: take-router-lease.lua and release-router-lease.lua. */
export class RedisRouterLease implements RouterLeaseStore {
  constructor(private readonly redis: LeadlineRedis, private readonly keys: RedisKeys) {}

  async take(holder: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.takeRouterLease(this.keys.routerLease(), holder, Math.round(ttlMs))) === 1;
  }

  async release(holder: string): Promise<void> {
    await this.redis.releaseRouterLease(this.keys.routerLease(), holder);
  }
}

/** Longer than any standby keeps what it heard (StandbyBuffer's window): a marker outlives every replay that could ask. */
const MARK_TTL_MS = 120_000;

/** One SET per handled event (auto-pipelined by ioredis), one MGET per takeover. */
export class RedisHandledEvents implements HandledEvents {
  constructor(private readonly redis: LeadlineRedis, private readonly keys: RedisKeys) {}

  async mark(digest: string): Promise<void> {
    await this.redis.set(this.keys.handledEvent(digest), '1', 'PX', MARK_TTL_MS);
  }

  async handled(digests: readonly string[]): Promise<Set<string>> {
    if (digests.length === 0) return new Set();
    const found = new Set<string>();
    // In slices: one takeover may replay thousands of events, one MGET need not carry them all.
    for (let i = 0; i < digests.length; i += 500) {
      const slice = digests.slice(i, i + 500);
      const values = await this.redis.mget(...slice.map((d) => this.keys.handledEvent(d)));
      values.forEach((v, j) => v !== null && found.add(slice[j]!));
    }
    return found;
  }
}
