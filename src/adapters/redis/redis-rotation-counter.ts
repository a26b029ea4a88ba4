import type { RotationCounter } from '../../core/agents/agent-ports.js';
import type { LeadlineRedis } from './create-redis.js';
import type { RedisKeys } from './redis-keys.js';

/** INCR is atomic: every service instance draws the next number of one shared sequence. */
export class RedisRotationCounter implements RotationCounter {
  constructor(private readonly redis: LeadlineRedis, private readonly keys: RedisKeys) {}

  async next(line: string): Promise<number> {
    return (await this.redis.incr(this.keys.rotation(line))) - 1;
  }
}
