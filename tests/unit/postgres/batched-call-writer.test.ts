import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BatchedCallWriter } from '../../../src/adapters/postgres/call-record-writer.js';
import { InMemoryCallStore } from '../../../src/adapters/postgres/in-memory-call-store.js';
import type { CallRecord } from '../../../src/core/calls/call-record.js';
import { makeCalls } from '../../helpers/call-records.js';

const silent = pino({ level: 'silent' });

/** Counts batches and fails the first `failures` of them. */
class FlakyStore extends InMemoryCallStore {
  batches: number[] = [];
  constructor(private failures = 0) {
    super();
  }
  override async saveCalls(records: CallRecord[]): Promise<void> {
    this.batches.push(records.length);
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('connection terminated unexpectedly');
    }
    await super.saveCalls(records);
  }
}

describe('BatchedCallWriter', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes a full batch at once, without waiting for the timer', async () => {
    const store = new FlakyStore();
    const writer = new BatchedCallWriter(store, silent, { maxBatch: 200, flushMs: 60_000 });
    for (const c of makeCalls(450)) writer.write(c);
    await vi.waitFor(() => expect(store.size).toBe(400));
    expect(store.batches).toEqual([200, 200]);
    expect(writer.pending).toBe(50);
    await writer.close();
    expect(store.size).toBe(450);
    expect(store.batches).toEqual([200, 200, 50]);
  });

  it('writes a partial batch after flushMs, as one saveCalls', async () => {
    vi.useFakeTimers();
    const store = new FlakyStore();
    const writer = new BatchedCallWriter(store, silent, { maxBatch: 200, flushMs: 50 });
    for (const c of makeCalls(30)) writer.write(c);
    await vi.advanceTimersByTimeAsync(49);
    expect(store.batches).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(store.batches).toEqual([30]);
    expect(store.size).toBe(30);
    await writer.close();
  });

  it('keeps records through two failed flushes and saves every one on the third', async () => {
    vi.useFakeTimers();
    const store = new FlakyStore(2);
    const writer = new BatchedCallWriter(store, silent, { maxBatch: 200, flushMs: 50, retryBaseMs: 100 });
    const calls = makeCalls(120);
    for (const c of calls.slice(0, 100)) writer.write(c);

    await vi.advanceTimersByTimeAsync(50); // first attempt fails
    expect(store.batches).toEqual([100]);
    for (const c of calls.slice(100)) writer.write(c); // arrive while the store is down
    await vi.advanceTimersByTimeAsync(100); // retry after 100 ms fails
    expect(store.batches).toEqual([100, 120]);
    expect(store.size).toBe(0);
    await vi.advanceTimersByTimeAsync(199); // backoff doubled to 200 ms
    expect(store.batches).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);

    expect(store.batches).toEqual([100, 120, 120]);
    expect(store.size).toBe(120);
    expect(writer.pending).toBe(0);
    const saved = await store.listCalls({}, { limit: 500 });
    expect(new Set(saved.items.map((c) => c.callId))).toEqual(new Set(calls.map((c) => c.callId)));
    await writer.close();
  });

  it('flush() rejects while the store fails but the records stay for the next try', async () => {
    const store = new FlakyStore(1);
    const writer = new BatchedCallWriter(store, silent, { flushMs: 60_000, retryBaseMs: 60_000 });
    for (const c of makeCalls(5)) writer.write(c);
    await expect(writer.flush()).rejects.toThrow(/connection terminated/);
    expect(writer.pending).toBe(5);
    await writer.flush();
    expect(store.size).toBe(5);
    await writer.close();
  });

  it('close() retries until the store works, then refuses new records', async () => {
    const store = new FlakyStore(2);
    const writer = new BatchedCallWriter(store, silent, { flushMs: 60_000, retryBaseMs: 5 });
    for (const c of makeCalls(10)) writer.write(c);
    await writer.close();
    expect(store.size).toBe(10);
    expect(() => writer.write(makeCalls(1)[0]!)).toThrow(/closed/);
  });

  it('close() gives up after closeTimeoutMs and says how many records are unsaved', async () => {
    const store = new FlakyStore(Number.POSITIVE_INFINITY);
    const writer = new BatchedCallWriter(store, silent, { flushMs: 60_000, retryBaseMs: 10, closeTimeoutMs: 50 });
    for (const c of makeCalls(3)) writer.write(c);
    await expect(writer.close()).rejects.toMatchObject({ code: 'CALLS.UNSAVED', message: expect.stringMatching(/^3 call records/) });
  });

  it('never has two saveCalls in flight, so a record cannot be written twice at once', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const store = new InMemoryCallStore();
    const slow = {
      ...store,
      saveCalls: async (records: CallRecord[]) => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        await store.saveCalls(records);
        inFlight -= 1;
      },
      listCalls: store.listCalls.bind(store),
      getCall: store.getCall.bind(store),
      hasCall: store.hasCall.bind(store),
    };
    const writer = new BatchedCallWriter(slow, silent, { maxBatch: 10, flushMs: 1 });
    for (const c of makeCalls(100)) writer.write(c);
    await writer.close();
    expect(maxInFlight).toBe(1);
    expect(store.size).toBe(100);
  });
});
