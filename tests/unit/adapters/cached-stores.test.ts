import { describe, expect, it } from 'vitest';
import { CachedLiveCallStore } from '../../../src/adapters/memory/cached-live-call-store.js';
import { CachedRegistrationStore } from '../../../src/adapters/memory/cached-registration-store.js';
import { MemoryLiveCallStore, MemoryRegistrationStore } from '../../../src/adapters/memory/memory-stores.js';
import { startLiveCall } from '../../../src/core/calls/live-call.js';

const reg = { contact: 'sip:101@127.0.0.1:5071', source: 'sip:127.0.0.1:5071' };

describe('cached registration store', () => {
  it('answers from memory, writes through, and lets an unrefreshed registration expire', async () => {
    let now = 1_000_000;
    const shared = new MemoryRegistrationStore();
    const cache = new CachedRegistrationStore(shared, () => now);
    await cache.setRegistered('101', reg, 60);
    expect(shared.entries.get('101')).toEqual(reg);
    expect([...(await cache.registered(['101', '102'])).keys()]).toEqual(['101']);
    now += 61_000;
    expect((await cache.registered(['101'])).size).toBe(0);
  });

  it('loads what the shared store knew before a restart, and forgets an unregistered phone', async () => {
    const shared = new MemoryRegistrationStore();
    await shared.setRegistered('102', reg);
    const cache = new CachedRegistrationStore(shared);
    await cache.load(['101', '102']);
    expect([...(await cache.registered(['101', '102'])).keys()]).toEqual(['102']);
    await cache.setUnregistered('102');
    expect((await cache.registered(['102'])).size).toBe(0);
    expect(shared.entries.has('102')).toBe(false);
  });
});

describe('cached live call store', () => {
  it('serves its own calls from memory and others from the shared store', async () => {
    const shared = new MemoryLiveCallStore();
    const cache = new CachedLiveCallStore(shared);
    const call = startLiveCall({ callId: 'a', direction: 'inbound', callerNumber: '1', calleeNumber: '2', companyNumber: null, placedBy: null, startedAt: 0 });
    await cache.put(call);
    shared.entries.clear(); // proves the read came from memory
    expect(await cache.get('a')).toEqual(call);
    await shared.put({ ...call, callId: 'b' });
    expect((await cache.get('b'))?.callId).toBe('b');
    await cache.remove('a');
    expect(await cache.get('a')).toBeNull();
    expect(cache.size).toBe(0);
  });
});
