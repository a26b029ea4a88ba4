import type { SessionRevocations } from '../../core/auth/session-revocations.port.js';
import type { LeadlineRedis } from './create-redis.js';
import type { RedisKeys } from './redis-keys.js';

/** Shared by every service instance: a sign-out on one is refused on all. */
export class RedisSessionRevocations implements SessionRevocations {
  constructor(private readonly redis: LeadlineRedis, private readonly keys: RedisKeys) {}

  async generation(login: string): Promise<number> {
    return Number((await this.redis.get(this.keys.sessionGeneration(login))) ?? 0);
  }

  async isAlive({ login, sid, gen }: { login: string; sid: string; gen: number }): Promise<boolean> {
    const [revoked, current] = await this.redis.mget(this.keys.revokedSession(sid), this.keys.sessionGeneration(login));
    return revoked === null && gen === Number(current ?? 0);
  }

  async revoke(sid: string, expiresAt: number): Promise<void> {
    const ms = Math.max(1, Math.ceil(expiresAt - Date.now()));
    await this.redis.set(this.keys.revokedSession(sid), '1', 'PX', ms);
  }

  async revokeAll(login: string): Promise<number> {
    return this.redis.incr(this.keys.sessionGeneration(login));
  }
}
