import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { CachedAgentStateStore } from '../../../src/adapters/memory/cached-agent-state-store.js';
import { MemoryAgentStateStore } from '../../../src/adapters/memory/memory-agent-state-store.js';
import type { AgentState } from '../../../src/core/agents/agent-state.js';

const RULES = { maxConcurrentCalls: 1, skipBusy: true };
const log = pino({ level: 'silent' });

/** The shared store (another instance's view of the truth), counting how often the mirror re-reads it. */
class CountingShared extends MemoryAgentStateStore {
  reads: string[][] = [];
  override async read(extensions: readonly string[], now: number): Promise<Map<string, AgentState>> {
    this.reads.push([...extensions]);
    return super.read(extensions, now);
  }
}

async function mirrorOf(extensions: string[], registered = new Set(extensions)) {
  const shared = new CountingShared((e) => registered.has(e));
  const mirror = new CachedAgentStateStore(shared, extensions, (e) => registered.has(e), log);
  await mirror.start(0);
  mirror.stop(); // no timed refresh during the test
  shared.reads = [];
  return { shared, mirror, registered };
}

describe('cached agent state store', () => {
  it('re-reads once for all the reservations that missed in the same turn, and each sees the truth', async () => {
    const { shared, mirror } = await mirrorOf(['101', '102']);
    // Another instance took both managers: the mirror still believes them free.
    await shared.reserve('other-1', ['101'], 1, RULES, 1);
    await shared.reserve('other-2', ['102'], 1, RULES, 1);
    const misses = await Promise.all(Array.from({ length: 20 }, (_, i) => mirror.reserve(`call-${i}`, ['101', '102'], 1, RULES, 2)));
    expect(misses.every((r) => r.length === 0)).toBe(true);
    expect(shared.reads).toEqual([['101', '102']]);
    const states = await mirror.read(['101', '102'], 3);
    expect(states.get('101')?.ringingFor).toBe('other-1');
    expect(states.get('102')?.ringingFor).toBe('other-2');
  });

  it('re-reads again for a miss after the shared re-read was sent (it must see state newer than its script)', async () => {
    const { shared, mirror } = await mirrorOf(['101', '102']);
    await shared.reserve('other-1', ['101'], 1, RULES, 1);
    await mirror.reserveInTurn('line', 'call-a', ['101'], new Set(['101']), RULES, 2);
    await shared.reserve('other-2', ['102'], 1, RULES, 3);
    await mirror.reserveInTurn('line', 'call-b', ['102'], new Set(['102']), RULES, 4);
    expect(shared.reads).toEqual([['101'], ['102']]);
    expect((await mirror.read(['102'], 5)).get('102')?.ringingFor).toBe('other-2');
  });

  it('hands out states with the registration as it is now, and never lets a reader change the mirror', async () => {
    const { mirror, registered } = await mirrorOf(['101', '102']);
    expect([...(await mirror.read(['101', '102'], 1)).values()].map((s) => s.registered)).toEqual([true, true]);
    registered.delete('102');
    const states = await mirror.read(['101', '102'], 2);
    expect(states.get('102')?.registered).toBe(false);
    expect(await mirror.reserve('call-1', ['101'], 1, RULES, 3)).toEqual(['101']);
    // The state read before the reservation is the one it was: a change sets a new object.
    expect(states.get('101')?.ringingFor).toBeNull();
    expect((await mirror.read(['101'], 4)).get('101')?.ringingFor).toBe('call-1');
  });
});
