import fc from 'fast-check';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { RedisAgentStateStore } from '../../../src/adapters/redis/redis-agent-state-store.js';
import { RedisKeys } from '../../../src/adapters/redis/redis-keys.js';
import { canOffer, countersFor, type AgentState } from '../../../src/core/agents/agent-state.js';
import type { RoutingDecision } from '../../../src/core/calls/routing-decision.js';
import type { StrategyName } from '../../../src/core/routing/strategies.js';
import { openSharedStores } from '../../../src/launcher/shared-stores.js';
import { SECOND, createFakeServices, fakeConfig, flush, managersOf, scenarioYaml, type FakeServices } from '../../helpers/fake-services.js';
import { useTestRedis } from '../../helpers/test-redis.js';

/**
 * The integrated distributor (strategy, reservation scripts, the mirrors in front of
 * Redis, the waiting line) exactly as the launcher composes it, over the real Redis,
 * driven by random arrivals, answers, busies, failures and hang-ups (fast-check).
 * Time is vitest's fake clock; Redis is real.
 */
const db = useTestRedis();
const MANAGERS = ['101', '102', '103', '104', '105', '106'];
const DAY = '2026-03-04';
const RULES = { maxConcurrentCalls: 1, skipBusy: true };
let runs = 0;

async function pbx(strategy: StrategyName) {
  const base = fakeConfig({ managers: MANAGERS, routing: { autoPauseAfterMisses: 100, dndAfterRejections: 100 } });
  const config = { ...base, redis: { ...base.redis, keyPrefix: `${db.prefix}${++runs}:` } };
  const scenario = scenarioYaml({
    groups: { sales: MANAGERS },
    steps: [{ group: 'sales', strategy, ring_timeout: 15, max_wait: 600, wrap_up: 0 }],
  });
  // The stores as a running service opens them; the services as the launcher composes them.
  const shared = await openSharedStores({ config, redis: db.redis, callbacks: { add: async () => {} } as never, records: { write: () => {} }, log: pino({ level: 'silent' }) });
  const s = createFakeServices({ config, scenarios: { 'sales.yaml': scenario }, stores: shared.stores });
  shared.stop();
  const truth = new RedisAgentStateStore(db.redis, new RedisKeys(config.redis.keyPrefix));
  await s.register(...MANAGERS);
  return { s, truth, stores: shared.stores };
}

/** Lets every chain started so far finish, Redis round trips included. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await db.redis.ping();
    await flush();
  }
}

type Outcome = 'answer' | 'busy' | 'no-answer' | 'fail';

describe('the integrated distributor over real Redis: closed loop, every manager free at each new call', () => {
  /**
   * One call at a time: offered, then answered, refused (486), rung out (408) or
   * failed (503), each failure re-offered until someone answers or all were rung.
   * Before each offer the test reads every manager's state from Redis and checks
   * that the one offered is the one the strategy promises.
   */
  async function closedLoop(strategy: StrategyName, outcomes: Outcome[], talk: number[]) {
    const { s, truth } = await pbx(strategy);
    const offers = new Map(MANAGERS.map((m) => [m, 0]));
    /** `after`: the states read just after the decision; the one it reserved is taken back to free, as he was when chosen. */
    const checkOffer = (decision: RoutingDecision, after: Map<string, AgentState>, callId: string, tried: string[]) => {
      const [offered] = managersOf(decision);
      if (!offered) return null;
      expect(after.get(offered)!.ringingFor).toBe(callId);
      const before = new Map([...after].map(([m, state]) => [m, state.ringingFor === callId ? { ...state, ringingFor: null } : state]));
      offers.set(offered, offers.get(offered)! + 1);
      const free = MANAGERS.filter((m) => !tried.includes(m) && canOffer(before.get(m)!, s.clock.now(), RULES));
      expect(free).toContain(offered);
      const key = (m: string) => {
        const state = before.get(m)!;
        if (strategy === 'longest-idle') return state.freeSince ?? Number.NEGATIVE_INFINITY;
        if (strategy === 'fewest-calls-today') return countersFor(state, DAY).callsToday;
        if (strategy === 'least-talk-time-today') return countersFor(state, DAY).talkSecondsToday;
        return 0;
      };
      // Never offers someone who waited less (has more calls, more talk) than another free manager.
      for (const other of free) expect(key(offered)).toBeLessThanOrEqual(key(other));
      return offered;
    };
    let o = 0;
    for (let call = 0; call < talk.length; call++) {
      const id = `c${call}`;
      const tried: string[] = [];
      let decision = await s.inbound(id, `+7916${String(call).padStart(7, '0')}`);
      for (;;) {
        await settle();
        const offered = checkOffer(decision, await truth.read(MANAGERS, s.clock.now()), id, tried);
        if (!offered) break;
        tried.push(offered);
        await s.clock.advance(SECOND);
        const outcome = outcomes[o++ % outcomes.length]!;
        if (outcome === 'answer') {
          await s.answer(id, offered);
          await s.clock.advance(talk[call]! * SECOND);
          await s.hangUp(id);
          break;
        }
        const code = { busy: 486, 'no-answer': 408, fail: 503 }[outcome];
        const next = await s.callEvents.branchFailed(id, code, false, s.clock.now());
        if (!next || next.action !== 'route') break;
        decision = next;
      }
      await s.clock.advance(SECOND);
    }
    return offers;
  }

  const outcomes = fc.array(fc.constantFrom<Outcome>('answer', 'answer', 'answer', 'busy', 'no-answer', 'fail'), { minLength: 1, maxLength: 20 });

  it('round-robin: each manager is offered within one of every other, whatever the answers', async () => {
    await fc.assert(
      fc.asyncProperty(outcomes, fc.integer({ min: 6, max: 30 }), async (outs, calls) => {
        const offers = await closedLoop('round-robin', outs, new Array(calls).fill(1));
        const counts = [...offers.values()];
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 8 },
    );
  });

  for (const strategy of ['longest-idle', 'fewest-calls-today', 'least-talk-time-today'] as const) {
    it(`${strategy}: every offer goes to a free manager with the best claim (checked against Redis before each offer)`, async () => {
      await fc.assert(
        fc.asyncProperty(outcomes, fc.array(fc.integer({ min: 1, max: 90 }), { minLength: 4, maxLength: 16 }), async (outs, talk) => {
          await closedLoop(strategy, outs, talk);
        }),
        { numRuns: 5 },
      );
    });
  }
});

describe('the integrated distributor over real Redis: random concurrent traffic', () => {
  const op = fc.oneof(
    { weight: 4, arbitrary: fc.constant({ kind: 'arrive' as const }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('ring-ends' as const), pick: fc.nat(), outcome: fc.constantFrom<Outcome>('answer', 'answer', 'busy', 'no-answer', 'fail') }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('hang-up' as const), pick: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('leaves-line' as const), pick: fc.nat() }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), seconds: fc.integer({ min: 1, max: 20 }) }) },
  );

  /**
   * After every step, once the work it started has finished: Redis says each manager
   * rings for exactly the call the test saw offered to him (never two calls, never a
   * call that was not offered to him), the mirror agrees with Redis, and no caller
   * waits in line while a manager he has not yet been offered is free.
   */
  async function checkInvariants(s: FakeServices, truth: RedisAgentStateStore, ringing: Map<string, string>, resumed: () => void) {
    // A manager freed by a hang-up is offered the waiting calls 5 ms after his wrap-up ends (a timer).
    await s.clock.advance(10);
    await settle();
    resumed();
    const now = s.clock.now();
    const [real, mirror] = [await truth.read(MANAGERS, now), await s.stores.agents.read(MANAGERS, now)];
    for (const m of MANAGERS) {
      const want = [...ringing].find(([, manager]) => manager === m)?.[0] ?? null;
      expect(real.get(m)!.ringingFor, `manager ${m}`).toBe(want);
      const { ringingFor, calls, pauseReason } = mirror.get(m)!;
      expect({ ringingFor, calls, pauseReason }, `mirror of ${m}`).toEqual({ ringingFor: real.get(m)!.ringingFor, calls: real.get(m)!.calls, pauseReason: real.get(m)!.pauseReason });
    }
    for (const callId of s.waitingLine()) {
      const tried = (await s.calls.get(callId))!.progress!.tried;
      const free = MANAGERS.filter((m) => !tried.includes(m) && canOffer(real.get(m)!, now, RULES));
      expect(free, `${callId} waits while a manager is free`).toEqual([]);
    }
  }

  for (const strategy of ['round-robin', 'longest-idle', 'fewest-calls-today', 'least-talk-time-today', 'random', 'performance-weighted', 'sequential'] as const) {
    it(`${strategy}: no double booking, mirror = Redis, nobody waits while a manager is free`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 10, maxLength: 60 }), async (ops) => {
          const { s, truth } = await pbx(strategy);
          const ringing = new Map<string, string>(); // call -> manager
          const talking: string[] = [];
          let calls = 0;
          const follow = (callId: string, decision: RoutingDecision | null | undefined) => {
            const [manager] = decision ? managersOf(decision) : [];
            if (manager) ringing.set(callId, manager);
          };
          const pick = <T>(xs: readonly T[], n: number) => (xs.length === 0 ? undefined : xs[n % xs.length]);
          for (const step of ops) {
            if (step.kind === 'arrive') {
              const id = `c${calls++}`;
              follow(id, await s.inbound(id, `+7916${String(calls).padStart(7, '0')}`));
            } else if (step.kind === 'ring-ends') {
              const call = pick([...ringing.keys()], step.pick);
              if (call) {
                const manager = ringing.get(call)!;
                ringing.delete(call);
                if (step.outcome === 'answer') {
                  await s.answer(call, manager);
                  talking.push(call);
                } else {
                  follow(call, await s.callEvents.branchFailed(call, { busy: 486, 'no-answer': 408, fail: 503 }[step.outcome], false, s.clock.now()));
                }
              }
            } else if (step.kind === 'hang-up') {
              const call = pick(talking, step.pick);
              if (call) {
                talking.splice(talking.indexOf(call), 1);
                await s.hangUp(call);
              }
            } else if (step.kind === 'leaves-line') {
              const call = pick(s.waitingLine(), step.pick);
              if (call) await s.hungUpWaiting(call);
            } else {
              await s.clock.advance(step.seconds * SECOND);
            }
            await checkInvariants(s, truth, ringing, () => {
              for (const r of s.resumed.splice(0)) follow(r.callId, r.decision);
            });
          }
        }),
        { numRuns: 6, endOnFailure: true },
      );
    });
  }
});
