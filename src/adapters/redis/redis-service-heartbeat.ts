import type { ServiceHeartbeat } from '../../services/reconciliation.js';
import type { LeadlineRedis } from './create-redis.js';
import type { RedisKeys } from './redis-keys.js';

/** The last moment a service instance was connected to Kamailio, shared by all instances. */
export class RedisServiceHeartbeat implements ServiceHeartbeat {
  constructor(private readonly redis: LeadlineRedis, private readonly keys: RedisKeys) {}

  async lastSeen(): Promise<number | null> {
    const raw = await this.redis.get(this.keys.serviceSeen());
    return raw === null ? null : Number(raw);
  }

  async beat(at: number): Promise<void> {
    await this.redis.set(this.keys.serviceSeen(), String(at));
  }
}
