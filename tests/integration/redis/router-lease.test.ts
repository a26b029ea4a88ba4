import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisHandledEvents, RedisRouterLease } from '../../../src/adapters/redis/redis-router-lease.js';
import { RouterElection } from '../../../src/services/router-election.js';
import { useTestRedis } from '../../helpers/test-redis.js';

const db = useTestRedis();
const log = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every election a test starts, withdrawn after it even when it fails, so none holds the lease into the next. */
const elections: RouterElection[] = [];
function election(deps: ConstructorParameters<typeof RouterElection>[0]): RouterElection {
  const e = new RouterElection(deps);
  elections.push(e);
  return e;
}

describe('the router lease in redis', () => {
  beforeEach(async () => {
    await db.redis.del(db.keys.routerLease());
  });
  afterEach(async () => {
    await Promise.all(elections.splice(0).map((e) => e.withdraw('test over')));
  });

  it('goes to exactly one of many racing instances, is renewed only by its holder, and expires', async () => {
    const a = new RedisRouterLease(db.redis, db.keys);
    const b = new RedisRouterLease(await db.connect(), db.keys);
    const takes = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).take(`holder-${i % 4}`, 400)));
    const winners = new Set(takes.flatMap((won, i) => (won ? [`holder-${i % 4}`] : [])));
    expect(winners.size).toBe(1);
    const [winner] = [...winners];
    const loser = winner === 'holder-0' ? 'holder-1' : 'holder-0';
    expect(await a.take(loser, 400)).toBe(false);
    // The holder's renewal pushes the end out; another's attempt changes nothing.
    await sleep(250);
    expect(await b.take(winner!, 400)).toBe(true);
    await sleep(250);
    expect(await a.take(loser, 400)).toBe(false);
    expect(await db.redis.get(db.keys.routerLease())).toBe(winner);
    // Not renewed: it expires and the other takes it.
    await sleep(450);
    expect(await a.take(loser, 400)).toBe(true);
  });

  it('is given back only by its holder: a late release of an expired lease leaves the successor alone', async () => {
    const lease = new RedisRouterLease(db.redis, db.keys);
    expect(await lease.take('old', 100)).toBe(true);
    await sleep(150);
    expect(await lease.take('new', 5000)).toBe(true);
    await lease.release('old');
    expect(await db.redis.get(db.keys.routerLease())).toBe('new');
    await lease.release('new');
    expect(await db.redis.get(db.keys.routerLease())).toBeNull();
  });

  it('marks handled events for a later takeover, with an expiry', async () => {
    const handled = new RedisHandledEvents(db.redis, db.keys);
    await handled.mark('d1');
    await handled.mark('d3');
    const many = Array.from({ length: 1200 }, (_, i) => `m${i}`);
    await Promise.all(many.filter((_, i) => i % 300 === 0).map((d) => handled.mark(d)));
    expect(await handled.handled(['d1', 'd2', 'd3'])).toEqual(new Set(['d1', 'd3']));
    expect(await handled.handled(many)).toEqual(new Set(['m0', 'm300', 'm600', 'm900']));
    expect(await handled.handled([])).toEqual(new Set());
    const ttl = await db.redis.pttl(db.keys.handledEvent('d1'));
    expect(ttl).toBeGreaterThan(60_000);
  });

  it('elects one router of two instances, and the standby takes over within the bound when the router dies', async () => {
    const leaseMs = 600;
    const connA = await db.connect();
    const a = election({ lease: new RedisRouterLease(connA, db.keys), holder: 'a', leaseMs, log });
    const b = election({ lease: new RedisRouterLease(await db.connect(), db.keys), holder: 'b', leaseMs, log });
    a.compete();
    await sleep(100);
    b.compete();
    const seen: string[] = [];
    let both = 0;
    const watch = setInterval(() => {
      if (a.isActive && b.isActive) both++;
    }, 5);
    b.on('promoted', () => seen.push('b promoted'));
    a.on('demoted', () => seen.push('a demoted'));
    await sleep(leaseMs * 2);
    expect(a.isActive).toBe(true);
    expect(b.isActive).toBe(false);
    // The router dies: its connection to Redis goes and it renews nothing more.
    const diedAt = Date.now();
    connA.disconnect();
    const promotedAt = await new Promise<number>((resolve) => b.once('promoted', () => resolve(Date.now())));
    clearInterval(watch);
    // Its last renewal was at most a quarter lease before; a standby tries every eighth.
    expect(promotedAt - diedAt).toBeLessThanOrEqual(leaseMs + leaseMs / 8 + 150);
    expect(a.isActive).toBe(false);
    expect(both).toBe(0);
    expect(seen).toEqual(['a demoted', 'b promoted']);
    await b.withdraw('test over');
    await a.withdraw('test over');
  });

  it('hands over at once on an orderly stop: the lease is given back, not left to expire', async () => {
    const leaseMs = 5000;
    const a = election({ lease: new RedisRouterLease(db.redis, db.keys), holder: 'orderly-a', leaseMs, log });
    const b = election({ lease: new RedisRouterLease(await db.connect(), db.keys), holder: 'orderly-b', leaseMs, log });
    a.compete();
    await new Promise<void>((r) => a.once('promoted', () => r()));
    b.compete();
    await sleep(100);
    const order: string[] = [];
    const stoppedAt = Date.now();
    await a.withdraw('stopping', async () => {
      order.push('in-hand finished');
    });
    await new Promise<void>((r) => b.once('promoted', () => r()));
    expect(Date.now() - stoppedAt).toBeLessThan(leaseMs / 8 + 300);
    expect(order).toEqual(['in-hand finished']);
    await b.withdraw('test over');
  });
});
