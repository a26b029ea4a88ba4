import type { LiveCall } from '../../core/calls/live-call.js';
import type { LiveCallStore } from '../../core/calls/live-call-store.js';
import type { LeadlineRedis } from './create-redis.js';
import type { RedisKeys } from './redis-keys.js';

/** A live call outlives no call: the TTL cleans up after a lost BYE (the dialog module's own limit is 4 h). */
const LIVE_CALL_TTL_SECONDS = 4 * 3600 + 600;

export class RedisLiveCallStore implements LiveCallStore {
  constructor(private readonly redis: LeadlineRedis, private readonly keys: RedisKeys) {}

  async get(callId: string): Promise<LiveCall | null> {
    const raw = await this.redis.get(this.keys.liveCall(callId));
    return raw ? (JSON.parse(raw) as LiveCall) : null;
  }

  async put(call: LiveCall): Promise<void> {
    await this.redis.set(this.keys.liveCall(call.callId), JSON.stringify(call), 'EX', LIVE_CALL_TTL_SECONDS);
  }

  async remove(callId: string): Promise<void> {
    await this.redis.del(this.keys.liveCall(callId));
  }

  async ids(): Promise<string[]> {
    const prefix = this.keys.liveCall('');
    const ids: string[] = [];
    for await (const batch of this.redis.scanStream({ match: `${prefix}*`, count: 500 }) as AsyncIterable<string[]>) {
      for (const key of batch) ids.push(key.slice(prefix.length));
    }
    return [...new Set(ids)]; // SCAN may return a key twice
  }
}
