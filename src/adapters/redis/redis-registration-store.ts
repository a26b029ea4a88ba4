import type { Registration, RegistrationStore } from '../../core/agents/agent-ports.js';
import type { LeadlineRedis } from './create-redis.js';
import type { RedisKeys } from './redis-keys.js';

/**
 * Registrations expire in Redis with the phone's own expiry, so a phone that vanishes
 * goes offline by itself. The reserve-agents script reads these keys too: the key
 * existing is what `registered` means.
 */
export class RedisRegistrationStore implements RegistrationStore {
  constructor(private readonly redis: LeadlineRedis, private readonly keys: RedisKeys) {}

  async setRegistered(extension: string, reg: Registration, expiresSeconds: number): Promise<void> {
    await this.redis.set(this.keys.registration(extension), JSON.stringify(reg), 'EX', Math.max(1, expiresSeconds));
  }

  async setUnregistered(extension: string): Promise<void> {
    await this.redis.del(this.keys.registration(extension));
  }

  async registered(extensions: readonly string[]): Promise<Map<string, Registration>> {
    const out = new Map<string, Registration>();
    if (extensions.length === 0) return out;
    const values = await this.redis.mget(extensions.map((e) => this.keys.registration(e)));
    values.forEach((v, i) => {
      if (v) out.set(extensions[i]!, JSON.parse(v) as Registration);
    });
    return out;
  }
}
