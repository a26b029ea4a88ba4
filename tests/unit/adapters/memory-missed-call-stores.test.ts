import { describe, expect, it } from 'vitest';
import { MemoryCallbackTaskStore, MemoryClientHistory } from '../../../src/adapters/memory/memory-missed-call-stores.js';

const T0 = 1_800_000_000_000;
const task = (callId: string, clientNumber: string, createdAt = new Date(T0)) => ({
  callId,
  scenario: 'main',
  clientNumber,
  companyNumber: '+74951234567',
  manager: '101',
  reason: 'missed',
  createdAt,
});

describe('memory client history', () => {
  it('remembers the last manager per client number, compared by digits', async () => {
    const history = new MemoryClientHistory();
    expect(await history.lastManager('+79161112233')).toBeNull();
    await history.remember('+7 916 111-22-33', '101', T0);
    await history.remember('79161112233', '102', T0 + 1);
    expect(await history.lastManager('+79161112233')).toEqual({ manager: '102', at: T0 + 1 });
    await history.remember('anonymous', '103', T0);
    expect(history.entries.size).toBe(1);
  });
});

describe('memory callback task store', () => {
  it('closes the open tasks of a client (by digits) created before the call back, once', async () => {
    const store = new MemoryCallbackTaskStore();
    await store.add(task('a', '+79161112233'));
    await store.add(task('a', '+79161112233')); // a retried write
    await store.add(task('b', '79161112233', new Date(T0 + 10_000)));
    await store.add(task('c', '+79990000000'));
    expect(store.open().map((t) => t.callId)).toEqual(['a', 'b', 'c']);
    expect(await store.closeFor('+7 916 111 22 33', 'back', new Date(T0 + 5000))).toBe(1);
    expect(store.open().map((t) => t.callId)).toEqual(['b', 'c']);
    expect(store.tasks[0]).toMatchObject({ doneCallId: 'back', doneAt: new Date(T0 + 5000) });
    expect(await store.closeFor('+79161112233', 'again', new Date(T0 + 20_000))).toBe(1);
    expect(store.open('101').map((t) => t.callId)).toEqual(['c']);
  });
});
