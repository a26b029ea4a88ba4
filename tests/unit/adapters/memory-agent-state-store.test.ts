import { describe, expect, it } from 'vitest';
import { MemoryAgentStateStore, MemoryAnswerScoreStore } from '../../../src/adapters/memory/memory-agent-state-store.js';
import { MemoryRegistrationStore } from '../../../src/adapters/memory/memory-stores.js';
import { NEVER_AUTO_PAUSE, newAgentState } from '../../../src/core/agents/agent-state.js';

const T0 = 1_800_000_000_000;
const one = { maxConcurrentCalls: 1, skipBusy: false };

// The transitions themselves are applyAgentEvent's (tests/unit/agents); the Redis
// integration test holds this store and RedisAgentStateStore to the same results.
describe('memory agent state store', () => {
  it('takes `registered` from the registration source at every read, like the registration key in Redis', async () => {
    const registrations = new MemoryRegistrationStore();
    const store = new MemoryAgentStateStore((e) => registrations.entries.has(e));
    expect((await store.read(['101'], T0)).get('101')).toEqual(newAgentState(T0));
    await registrations.setRegistered('101', { contact: 'sip:101@10.0.0.1', source: 'sip:192.0.2.1:5060' });
    expect((await store.read(['101'], T0)).get('101')!.registered).toBe(true);
    await registrations.setUnregistered('101');
    expect(await store.reserve('c1', ['101'], 1, one, T0)).toEqual([]);
  });

  it('reserves in candidate order up to count, and stores nothing for an event that does not apply', async () => {
    const store = new MemoryAgentStateStore(() => true);
    await store.pause('102', 'lunch', T0);
    expect(await store.reserve('c1', ['101', '102', '103', '104'], 2, one, T0 + 1)).toEqual(['101', '103']);
    expect(await store.answered('104', 'c1', T0 + 2)).toBe(false);
    expect((await store.read(['104'], T0 + 5)).get('104')!.since).toBe(T0 + 5); // still never seen
    expect(await store.offerFailed('101', 'c1', 'missed', T0 + 3, { ...NEVER_AUTO_PAUSE, afterMisses: 1 })).toEqual({ released: true, autoPaused: true });
  });
});

describe('memory answer score store', () => {
  it('reads back what was written, and nothing for a manager never scored', async () => {
    const store = new MemoryAnswerScoreStore();
    await store.write('101', { score: 0.7, updatedAt: T0 });
    expect(await store.read(['101', '102'])).toEqual(new Map([['101', { score: 0.7, updatedAt: T0 }]]));
  });
});
