import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { MemoryAgentStateStore } from '../../../src/adapters/memory/memory-agent-state-store.js';
import { MemoryLiveCallStore } from '../../../src/adapters/memory/memory-stores.js';
import { startLiveCall } from '../../../src/core/calls/live-call.js';
import { StaleHolds } from '../../../src/services/stale-holds.js';

const T0 = 1_800_000_000_000;
const rules = { maxConcurrentCalls: 1, skipBusy: true };

function setup() {
  const agents = new MemoryAgentStateStore(() => true);
  const liveCalls = new MemoryLiveCallStore();
  let now = T0;
  const sweeper = new StaleHolds({ agents, liveCalls, extensions: ['101', '102', '103'], timezone: 'UTC', log: pino({ level: 'silent' }), clock: () => now });
  return { agents, liveCalls, sweeper, at: (t: number) => (now = t) };
}

const live = (callId: string) =>
  startLiveCall({ callId, direction: 'inbound', callerNumber: '7916', calleeNumber: '7495', companyNumber: '7495', placedBy: null, startedAt: T0 });

describe('stale holds sweep', () => {
  it('frees a manager ringing or talking for a call that no longer exists, and only after the grace period', async () => {
    const s = setup();
    await s.agents.reserve('lost-ring', ['101'], 1, rules, T0);
    await s.agents.reserve('lost-talk', ['102'], 1, rules, T0);
    await s.agents.answered('102', 'lost-talk', T0);
    await s.agents.reserve('alive', ['103'], 1, rules, T0);
    await s.liveCalls.put(live('alive'));

    s.at(T0 + 30_000);
    expect(await s.sweeper.sweep()).toBe(0);

    s.at(T0 + 61_000);
    expect(await s.sweeper.sweep()).toBe(2);
    const states = await s.agents.read(['101', '102', '103'], T0 + 61_000);
    expect(states.get('101')!.ringingFor).toBeNull();
    expect(states.get('102')!.calls).toEqual([]);
    expect(states.get('103')!.ringingFor).toBe('alive');
    expect(await s.sweeper.sweep()).toBe(0);
  });
});
