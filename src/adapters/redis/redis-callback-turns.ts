import type { CallbackTurns } from '../../core/agents/agent-ports.js';
import type { LeadlineRedis } from './create-redis.js';
import type { RedisKeys } from './redis-keys.js';

/** The turn is read and moved in one script (take-turn.lua), so two instances never hand out the same turn. */
export class RedisCallbackTurns implements CallbackTurns {
  constructor(private readonly redis: LeadlineRedis, private readonly keys: RedisKeys) {}

  async take(line: string, eligible: readonly boolean[]): Promise<number | null> {
    const mask = eligible.map((e) => (e ? '1' : '0')).join('');
    const index = await this.redis.takeTurn(this.keys.callbackTurn(line), mask);
    return index < 0 ? null : index;
  }
}
