import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis, type LeadlineRedis } from '../../../src/adapters/redis/create-redis.js';
import { RedisAgentActivityStore, RedisRegistrationStore, RedisRotationCounter } from '../../../src/adapters/redis/redis-agent-stores.js';
import { RedisKeys } from '../../../src/adapters/redis/redis-keys.js';
import { RedisLiveCallStore } from '../../../src/adapters/redis/redis-live-call-store.js';
import { startLiveCall } from '../../../src/core/calls/live-call.js';

const prefix = `itest:${randomBytes(4).toString('hex')}:`;
let redis: LeadlineRedis;
const keys = new RedisKeys(prefix);

beforeAll(async () => {
  redis = await createRedis(process.env.LEADLINE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0');
});

afterAll(async () => {
  const found = await redis.keys(`${prefix}*`);
  if (found.length) await redis.del(...found);
  redis.disconnect();
});

describe('redis agent stores', () => {
  it('releases a manager only for the call that holds him (release-agent Lua)', async () => {
    const store = new RedisAgentActivityStore(redis, keys);
    await store.hold('101', 'ringing', 'new-call', 1);
    expect(await store.release('101', 'old-call')).toBe(false);
    expect((await store.holds(['101'])).get('101')).toEqual({ activity: 'ringing', callId: 'new-call', since: 1 });
    expect(await store.release('101', 'new-call')).toBe(true);
    expect((await store.holds(['101', '102'])).size).toBe(0);
  });

  it('forgets a registration when it expires', async () => {
    const store = new RedisRegistrationStore(redis, keys);
    await store.setRegistered('101', { contact: 'sip:101@127.0.0.1:5071', source: 'sip:127.0.0.1:5071' }, 1);
    await store.setRegistered('102', { contact: 'sip:102@127.0.0.1:5072', source: 'sip:127.0.0.1:5072' }, 60);
    expect([...(await store.registered(['101', '102', '103'])).keys()]).toEqual(['101', '102']);
    await new Promise((r) => setTimeout(r, 1100));
    expect([...(await store.registered(['101', '102', '103'])).keys()]).toEqual(['102']);
    await store.setUnregistered('102');
    expect((await store.registered(['102'])).size).toBe(0);
  });

  it('counts rotation per line from zero, shared by every client', async () => {
    const a = new RedisRotationCounter(redis, keys);
    const b = new RedisRotationCounter(redis, keys);
    const seen = await Promise.all([a.next('l1'), b.next('l1'), a.next('l1'), b.next('l2')]);
    expect(seen.slice(0, 3).sort()).toEqual([0, 1, 2]);
    expect(seen[3]).toBe(0);
  });

  it('stores and removes a live call', async () => {
    const store = new RedisLiveCallStore(redis, keys);
    const call = startLiveCall({ callId: 'x@y', direction: 'inbound', callerNumber: '1', calleeNumber: '2', companyNumber: null, placedBy: null, startedAt: 5, targets: [] });
    await store.put(call);
    expect(await store.get('x@y')).toEqual(call);
    expect(await redis.ttl(keys.liveCall('x@y'))).toBeGreaterThan(3600);
    await store.remove('x@y');
    expect(await store.get('x@y')).toBeNull();
  });
});
