import type { ClientHistory } from '../../core/calls/missed-call.js';
import { digitsOf } from '../../core/phone/phone-number.js';
import type { LeadlineRedis } from './create-redis.js';
import type { RedisKeys } from './redis-keys.js';

/** Who last talked to each client number: one hash, field = the number's digits. */
export class RedisClientHistory implements ClientHistory {
  constructor(private readonly redis: LeadlineRedis, private readonly keys: RedisKeys) {}

  async lastManager(clientNumber: string): Promise<{ manager: string; at: number } | null> {
    const value = await this.redis.hget(this.keys.clientManagers(), digitsOf(clientNumber));
    return value ? (JSON.parse(value) as { manager: string; at: number }) : null;
  }

  async remember(clientNumber: string, manager: string, at: number): Promise<void> {
    const digits = digitsOf(clientNumber);
    if (digits) await this.redis.hset(this.keys.clientManagers(), digits, JSON.stringify({ manager, at }));
  }

  async lastLine(clientNumber: string): Promise<string | null> {
    const digits = digitsOf(clientNumber);
    return digits ? this.redis.hget(this.keys.clientLines(), digits) : null;
  }

  async rememberLine(clientNumber: string, line: string): Promise<void> {
    const digits = digitsOf(clientNumber);
    if (digits) await this.redis.hset(this.keys.clientLines(), digits, line);
  }
}
