import { describe, expect, it } from 'vitest';
import { RedisCallIdClaims } from '../../../src/adapters/redis/redis-call-id-claims.js';
import { useTestRedis } from '../../helpers/test-redis.js';

const db = useTestRedis();

describe('redis Call-ID claims', () => {
  it('give each Call-ID to exactly one of many racing claims from two service instances, with an expiry', async () => {
    const a = new RedisCallIdClaims(db.redis, db.keys);
    const b = new RedisCallIdClaims(await db.connect(), db.keys);
    const ids = ['x@pbx', 'y@pbx', 'x@pbx', 'y@pbx', 'x@pbx', 'z@pbx'];
    const won = await Promise.all(ids.map((id, i) => (i % 2 ? a : b).claim(id)));
    const winners = ids.filter((_, i) => won[i]);
    expect(winners.sort()).toEqual(['x@pbx', 'y@pbx', 'z@pbx']);
    expect(await a.claim('x@pbx')).toBe(false);
    const ttl = await db.redis.ttl(db.keys.callIdClaim('x@pbx'));
    expect(ttl).toBeGreaterThan(3600);
    expect(ttl).toBeLessThanOrEqual(24 * 3600);
  });
});
