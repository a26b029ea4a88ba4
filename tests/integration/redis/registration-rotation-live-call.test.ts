import { describe, expect, it } from 'vitest';
import { RedisLiveCallStore } from '../../../src/adapters/redis/redis-live-call-store.js';
import { RedisRegistrationStore } from '../../../src/adapters/redis/redis-registration-store.js';
import { RedisRotationCounter } from '../../../src/adapters/redis/redis-rotation-counter.js';
import { startLiveCall } from '../../../src/core/calls/live-call.js';
import { useTestRedis } from '../../helpers/test-redis.js';

const db = useTestRedis();

describe('redis registration store', () => {
  it('forgets a registration when it expires', async () => {
    const store = new RedisRegistrationStore(db.redis, db.keys);
    await store.setRegistered('101', { contact: 'sip:101@127.0.0.1:5071', source: 'sip:127.0.0.1:5071' }, 1);
    await store.setRegistered('102', { contact: 'sip:102@127.0.0.1:5072', source: 'sip:127.0.0.1:5072' }, 60);
    expect([...(await store.registered(['101', '102', '103'])).keys()]).toEqual(['101', '102']);
    await new Promise((r) => setTimeout(r, 1100));
    expect([...(await store.registered(['101', '102', '103'])).keys()]).toEqual(['102']);
    await store.setUnregistered('102');
    expect((await store.registered(['102'])).size).toBe(0);
  });
});

describe('redis rotation counter', () => {
  it('counts rotation per line from zero, shared by every client', async () => {
    const a = new RedisRotationCounter(db.redis, db.keys);
    const b = new RedisRotationCounter(await db.connect(), db.keys);
    const seen = await Promise.all([a.next('l1'), b.next('l1'), a.next('l1'), b.next('l2')]);
    expect(seen.slice(0, 3).sort()).toEqual([0, 1, 2]);
    expect(seen[3]).toBe(0);
  });
});

describe('redis live call store', () => {
  it('stores and removes a live call', async () => {
    const store = new RedisLiveCallStore(db.redis, db.keys);
    const call = startLiveCall({ callId: 'x@y', direction: 'inbound', callerNumber: '1', calleeNumber: '2', companyNumber: null, placedBy: null, startedAt: 5 });
    await store.put(call);
    expect(await store.get('x@y')).toEqual(call);
    expect(await db.redis.ttl(db.keys.liveCall('x@y'))).toBeGreaterThan(3600);
    await store.remove('x@y');
    expect(await store.get('x@y')).toBeNull();
  });
});
