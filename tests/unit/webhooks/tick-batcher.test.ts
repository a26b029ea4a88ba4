import { describe, expect, it } from 'vitest';
import { TickBatcher } from '../../../src/adapters/tick-batcher.js';
import { deliveryId } from '../../../src/core/webhooks/delivery-id.js';

describe('TickBatcher', () => {
  it('sends the calls of one tick as one batch and gives each caller its own result', async () => {
    const batches: number[][] = [];
    const b = new TickBatcher<number, number>(async (xs) => (batches.push(xs), xs.map((x) => x * 10)));
    expect(await Promise.all([b.call(1), b.call(2), b.call(3)])).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('gathers calls made while batches are in flight into the next batch, within maxBatch', async () => {
    const batches: number[][] = [];
    let release: () => void = () => {};
    const b = new TickBatcher<number, number>(async (xs) => {
      batches.push(xs);
      if (batches.length === 1) await new Promise<void>((r) => (release = r));
      return xs;
    }, 2, 1);
    const first = b.call(0);
    await new Promise((r) => setImmediate(r));
    const later = [1, 2, 3].map((x) => b.call(x));
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([[0]]);
    release();
    await Promise.all([first, ...later]);
    expect(batches).toEqual([[0], [1, 2], [3]]);
  });

  it('fails every caller of a failed batch, and goes on with the next', async () => {
    let fail = true;
    const b = new TickBatcher<number, number>(async (xs) => {
      if (fail) throw new Error('down');
      return xs;
    });
    await expect(Promise.all([b.call(1), b.call(2)])).rejects.toThrow('down');
    fail = false;
    expect(await b.call(3)).toBe(3);
  });
});

describe('deliveryId', () => {
  it('is msg_ and a ULID that sorts by time', () => {
    const a = deliveryId(Date.UTC(2026, 2, 2), new Uint8Array(10).fill(255));
    const b = deliveryId(Date.UTC(2026, 2, 2) + 1, new Uint8Array(10));
    expect(a).toMatch(/^msg_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(a < b).toBe(true);
    expect(a.endsWith('ZZZZZZZZZZZZZZZZ')).toBe(true);
  });
});
