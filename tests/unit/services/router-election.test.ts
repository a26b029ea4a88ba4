import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryRouterLease } from '../../../src/adapters/memory/memory-router-lease.js';
import type { RouterLeaseStore } from '../../../src/services/router-lease.port.js';
import { RouterElection } from '../../../src/services/router-election.js';

const log = pino({ level: 'silent' });
const LEASE_MS = 2000;

type Mode = 'ok' | 'hang' | 'fail';

/** The shared lease as one instance reaches it: `cut` makes its requests hang (a network partition) or fail. */
function reach(lease: RouterLeaseStore) {
  let mode: Mode = 'ok';
  const store: RouterLeaseStore = {
    take: (holder, ttl) => (mode === 'ok' ? lease.take(holder, ttl) : mode === 'fail' ? Promise.reject(new Error('ECONNREFUSED')) : new Promise(() => {})),
    release: (holder) => (mode === 'ok' ? lease.release(holder) : Promise.resolve()),
  };
  return { store, cut: (m: Mode) => (mode = m) };
}

describe('router election', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('never lets two instances act at once, and replaces a router cut off from Redis within the lease and an eighth', async () => {
    for (const failure of ['hang', 'fail'] as const) {
      const lease = new MemoryRouterLease(() => Date.now());
      const ra = reach(lease);
      const a = new RouterElection({ lease: ra.store, holder: 'a', leaseMs: LEASE_MS, log });
      const b = new RouterElection({ lease: reach(lease).store, holder: 'b', leaseMs: LEASE_MS, log });
      a.compete();
      await vi.advanceTimersByTimeAsync(10);
      b.compete();
      await vi.advanceTimersByTimeAsync(3000);
      expect([a.isActive, b.isActive]).toEqual([true, false]);
      ra.cut(failure);
      const cutAt = Date.now();
      let bAt = 0;
      b.once('promoted', () => (bAt = Date.now()));
      for (let t = 0; t < 4000; t += 10) {
        await vi.advanceTimersByTimeAsync(10);
        expect(a.isActive && b.isActive).toBe(false);
      }
      expect(a.isActive).toBe(false);
      expect(b.isActive).toBe(true);
      expect(bAt - cutAt).toBeLessThanOrEqual(LEASE_MS + LEASE_MS / 8 + 10);
      await a.withdraw('over');
      await b.withdraw('over');
    }
  });

  it('keeps routing through a short Redis hiccup shorter than its lease', async () => {
    const lease = new MemoryRouterLease(() => Date.now());
    const ra = reach(lease);
    const a = new RouterElection({ lease: ra.store, holder: 'a', leaseMs: LEASE_MS, log });
    const demoted = vi.fn();
    a.on('demoted', demoted);
    a.compete();
    await vi.advanceTimersByTimeAsync(100);
    ra.cut('fail');
    await vi.advanceTimersByTimeAsync(LEASE_MS / 4 + 10);
    expect(a.isActive).toBe(true);
    ra.cut('ok');
    await vi.advanceTimersByTimeAsync(5000);
    expect(a.isActive).toBe(true);
    expect(demoted).not.toHaveBeenCalled();
    await a.withdraw('over');
  });

  it('stops competing when withdrawn: another instance takes the lease at once, and the withdrawn one never again', async () => {
    const lease = new MemoryRouterLease(() => Date.now());
    const a = new RouterElection({ lease, holder: 'a', leaseMs: LEASE_MS, log });
    const b = new RouterElection({ lease, holder: 'b', leaseMs: LEASE_MS, log });
    a.compete();
    await vi.advanceTimersByTimeAsync(10);
    b.compete();
    await a.withdraw('the channel to kamailio closed');
    await vi.advanceTimersByTimeAsync(LEASE_MS / 8 + 10);
    expect(b.isActive).toBe(true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(a.isActive).toBe(false);
    await b.withdraw('over');
  });

  it('says it is demoted even when its watchdog fires before its clock says the lease ran out', async () => {
    // Node starts a timer from the loop's cached time, so after a long tick it fires early.
    let lag = 0;
    const lease = new MemoryRouterLease(() => Date.now());
    const ra = reach(lease);
    const a = new RouterElection({ lease: ra.store, holder: 'a', leaseMs: LEASE_MS, log, clock: () => Date.now() - lag });
    const demoted = vi.fn();
    a.on('demoted', demoted);
    a.compete();
    await vi.advanceTimersByTimeAsync(100);
    expect(a.isActive).toBe(true);
    ra.cut('fail');
    lag = 40;
    await vi.advanceTimersByTimeAsync(LEASE_MS + 200);
    expect(a.isActive).toBe(false);
    expect(demoted).toHaveBeenCalledWith('router lease not renewed in time');
    await a.withdraw('over');
  });
});
