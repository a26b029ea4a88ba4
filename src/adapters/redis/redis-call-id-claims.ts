import type { CallIdClaims } from '../../core/calls/call-id-claims.port.js';
import type { LeadlineRedis } from './create-redis.js';
import type { RedisKeys } from './redis-keys.js';

/**
 * A day: longer than any call lives (a live call's own TTL is about 4 h), so the claim
 * outlasts the call until its record is in PostgreSQL, where CallIdGuard finds it later.
 */
const CLAIM_TTL_SECONDS = 24 * 3600;

/** One SET NX per new call: atomic without a script, and the first of two racing instances wins. */
export class RedisCallIdClaims implements CallIdClaims {
  constructor(private readonly redis: LeadlineRedis, private readonly keys: RedisKeys) {}

  async claim(callId: string): Promise<boolean> {
    return (await this.redis.set(this.keys.callIdClaim(callId), '1', 'EX', CLAIM_TTL_SECONDS, 'NX')) === 'OK';
  }
}
