import { describe, expect, it } from 'vitest';
import { RedisSessionRevocations } from '../../../src/adapters/redis/redis-session-revocations.js';
import { useTestRedis } from '../../helpers/test-redis.js';

const db = useTestRedis();

describe('redis session revocations', () => {
  it('a sign-out on one instance is refused on another, until the cookie would have expired; everywhere raises the generation', async () => {
    const a = new RedisSessionRevocations(db.redis, db.keys);
    const b = new RedisSessionRevocations(await db.connect(), db.keys);
    const gen = await a.generation('head');
    expect(gen).toBe(0);
    const laptop = { login: 'head', sid: 'sid-laptop', gen };
    const phone = { login: 'head', sid: 'sid-phone', gen };
    await a.revoke(laptop.sid, Date.now() + 60_000);
    expect(await b.isAlive(laptop)).toBe(false);
    expect(await b.isAlive(phone)).toBe(true);
    const ttl = await db.redis.pttl(db.keys.revokedSession(laptop.sid));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    expect(await b.revokeAll('head')).toBe(1);
    expect(await a.isAlive(phone)).toBe(false);
    expect(await a.isAlive({ login: 'head', sid: 'sid-new', gen: await a.generation('head') })).toBe(true);
    expect(await a.isAlive({ login: 'anna', sid: 'sid-anna', gen: 0 })).toBe(true);
  });
});
