import { describe, expect, it } from 'vitest';
import { RedisLiveCallStore } from '../../../src/adapters/redis/redis-live-call-store.js';
import { RedisRegistrationStore } from '../../../src/adapters/redis/redis-registration-store.js';
import { RedisCallbackTurns } from '../../../src/adapters/redis/redis-callback-turns.js';
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

describe('redis callback turns', () => {
  it('hands the turn round the eligible members, shared by every client, per line', async () => {
    const a = new RedisCallbackTurns(db.redis, db.keys);
    const b = new RedisCallbackTurns(await db.connect(), db.keys);
    const all = [true, true, true];
    const seen = await Promise.all([a.take('l1', all), b.take('l1', all), a.take('l1', all), b.take('l2', all)]);
    expect(seen.slice(0, 3).sort()).toEqual([0, 1, 2]);
    expect(seen[3]).toBe(0);
  });

  it('skips who is away without losing the place of the others, and keeps the turn when nobody is eligible', async () => {
    const turns = new RedisCallbackTurns(db.redis, db.keys);
    expect(await turns.take('l', [true, true, true])).toBe(0);
    expect(await turns.take('l', [true, false, true])).toBe(2); // 1 away: 2, then back to 0
    expect(await turns.take('l', [true, true, true])).toBe(0);
    expect(await turns.take('l', [false, false, false])).toBeNull();
    expect(await turns.take('l', [true, true, true])).toBe(1); // the turn did not move on the refusal
    expect(await turns.take('l', [])).toBeNull();
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
