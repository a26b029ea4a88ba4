import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { MemoryHandledEvents } from '../../../src/adapters/memory/memory-router-lease.js';
import type { KamailioEvent, RouteRequest } from '../../../src/adapters/kamailio/evapi-protocol.js';
import { StandbyGate, eventDigest } from '../../../src/adapters/kamailio/standby-gate.js';

const log = pino({ level: 'silent' });

function route(callid: string, tsMs: number): RouteRequest {
  return { event: 'route', tindex: 1, tlabel: 2, callid, source: 'trunk', from_user: 'c', from_uri: 'sip:c@x', to_user: '100', ruri_user: '100', src_ip: '127.0.0.2', src_port: 5060, ts: tsMs / 1000 };
}

function harness(o: { live?: string[]; now?: number } = {}) {
  let active = false;
  let now = o.now ?? 1_000_000;
  const handled = new MemoryHandledEvents();
  const done: string[] = [];
  const live = new Set(o.live ?? []);
  let slow: Promise<void> | null = null;
  const gate = new StandbyGate({
    isActive: () => active,
    handled,
    windowMs: 10_000,
    firstDecisionMs: 3000,
    warm: (e: KamailioEvent) => done.push(`warm:${e.event}`),
    handle: async (e: KamailioEvent) => {
      if (slow) await slow;
      done.push(`${e.event}:${'callid' in e ? e.callid : ''}`);
    },
    refuseUnusable: (r) => done.push(`refused:${r.callId}`),
    replayRoute: async (r) => {
      if (live.has(r.callid)) return 'known';
      done.push(`routed again:${r.callid}`);
      return 'routed';
    },
    log,
    clock: () => now,
  });
  return {
    gate,
    handled,
    done,
    setActive: (a: boolean) => (active = a),
    advance: (ms: number) => (now += ms),
    now: () => now,
    holdHandling: () => {
      let release!: () => void;
      slow = new Promise((r) => (release = r));
      return () => {
        slow = null;
        release();
      };
    },
  };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('the standby gate between kamailio and the bridge', () => {
  it('handles and marks every event while active, and only keeps them while standing by', async () => {
    const h = harness();
    h.gate.heard({ event: 'ended', callid: 'x', ts: 1 }, 'p1');
    h.gate.unusable({ tindex: 1, tlabel: 1, callId: 'bad' });
    await flush();
    expect(h.done).toEqual(['warm:ended']);
    // Holding the lease is not enough: events keep being kept until the takeover replayed the earlier ones.
    h.setActive(true);
    h.gate.heard({ event: 'registered', user: '101', contact: 'sip:101@h', source: 'sip:h', expires: 9, ts: 1.5 }, 'p1b');
    expect(h.done).toEqual(['warm:ended', 'warm:registered']);
    h.done.length = 0;
    await h.gate.takeOver();
    expect(h.done).toEqual(['ended:x', 'registered:']);
    h.gate.heard({ event: 'ended', callid: 'y', ts: 2 }, 'p2');
    h.gate.unusable({ tindex: 1, tlabel: 1, callId: 'bad2' });
    await flush();
    expect(h.done.slice(2).sort()).toEqual(['ended:y', 'refused:bad2']);
    expect(h.handled.marked.size).toBe(3);
  });

  it('at takeover replays what the dead router left unmarked, in order per call, and what it finished not again', async () => {
    const h = harness({ live: ['known'] });
    const t = h.now();
    // Heard while standing by; the active finished (marked) the first two.
    h.gate.heard({ event: 'answered', callid: 'a', ts: 1 }, 'answered-a');
    h.gate.heard(route('known', t), 'route-known');
    h.gate.heard(route('new', t), 'route-new');
    h.gate.heard({ event: 'branch_failed', callid: 'new', code: 486, canceled: 0, tindex: 1, tlabel: 2, ts: 2 }, 'bf-new');
    h.gate.heard({ event: 'ended', callid: 'a', ts: 3 }, 'ended-a');
    h.gate.heard(route('old', t - 2900), 'route-old');
    await h.handled.mark(eventDigest('answered-a'));
    await h.handled.mark(eventDigest('ended-a-not-this-one'));
    h.setActive(true);
    const report = await h.gate.takeOver();
    h.done.splice(0, h.done.length, ...h.done.filter((d) => !d.startsWith('warm:')));
    expect(h.done).toEqual(expect.arrayContaining(['routed again:new', 'branch_failed:new', 'ended:a']));
    expect(h.done.indexOf('routed again:new')).toBeLessThan(h.done.indexOf('branch_failed:new'));
    expect(h.done).not.toContain('answered:a');
    expect(h.done).not.toContain('routed again:known');
    expect(h.done).not.toContain('routed again:old');
    expect(report).toMatchObject({ heard: 6, alreadyHandled: 1, expired: 1, routedBefore: 1, replayed: 3, dropped: 0 });
    // Everything replayed is marked: a third instance taking over later would not redo it.
    await flush();
    expect(h.handled.marked).toEqual(new Set(['answered-a', 'ended-a-not-this-one', 'route-new', 'bf-new', 'ended-a', 'route-known'].map(eventDigest)));
  });

  it('handles events that come during the takeover after the replayed ones of their call', async () => {
    const h = harness();
    h.gate.heard(route('c', h.now()), 'route-c');
    h.setActive(true);
    const release = h.holdHandling();
    const takeover = h.gate.takeOver();
    // Arrives while the replay runs: must not overtake it.
    h.gate.heard({ event: 'answered', callid: 'c', ts: 5 }, 'answered-c');
    await flush();
    release();
    await takeover;
    expect(h.done).toEqual(['warm:route', 'routed again:c', 'answered:c']);
    h.gate.heard({ event: 'ended', callid: 'c', ts: 6 }, 'ended-c');
    await flush();
    expect(h.done).toEqual(['warm:route', 'routed again:c', 'answered:c', 'ended:c']);
  });

  it('forgets what it heard longer ago than its window, and what it heard before losing the lease is not replayed twice', async () => {
    const h = harness();
    h.gate.heard({ event: 'ended', callid: 'stale', ts: 1 }, 'stale');
    h.advance(11_000);
    h.gate.heard({ event: 'ended', callid: 'fresh', ts: 2 }, 'fresh');
    h.setActive(true);
    await h.gate.takeOver();
    expect(h.done).toEqual(['warm:ended', 'warm:ended', 'ended:fresh']);
    h.setActive(false);
    h.gate.standBy();
    h.setActive(true);
    expect((await h.gate.takeOver()).heard).toBe(0);
  });

  it('lets the events in hand finish before an orderly hand-over, within a bound', async () => {
    const h = harness();
    h.setActive(true);
    await h.gate.takeOver();
    const release = h.holdHandling();
    h.gate.heard({ event: 'ended', callid: 'slow', ts: 1 }, 'slow');
    const started = Date.now();
    await h.gate.idle(50);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(h.done).toEqual([]);
    const idle = h.gate.idle(5000);
    release();
    await idle;
    expect(h.done).toEqual(['ended:slow']);
  });
});
