import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryAgentStateStore } from '../../../src/adapters/memory/memory-agent-state-store.js';
import type { LeadlineRedis } from '../../../src/adapters/redis/create-redis.js';
import { RedisAgentStateStore, RedisAnswerScoreStore } from '../../../src/adapters/redis/redis-agent-state-store.js';
import { RedisKeys } from '../../../src/adapters/redis/redis-keys.js';
import { RedisRegistrationStore } from '../../../src/adapters/redis/redis-registration-store.js';
import type { AgentStateStore } from '../../../src/core/agents/agent-ports.js';
import { AUTO_PAUSE_REASON, DND_PAUSE_REASON, canOffer, type OfferOutcome, type OfferRules } from '../../../src/core/agents/agent-state.js';
import { useTestRedis } from '../../helpers/test-redis.js';

const db = useTestRedis();
const T0 = 1_800_000_000_000;
const DAY = '2027-01-15';
const one: OfferRules = { maxConcurrentCalls: 1, skipBusy: false };
let namespaces = 0;

/**
 * The Redis store and its model side by side, each under fresh keys. The model is
 * MemoryAgentStateStore: applyAgentEvent over a Map, reserve = applyAgentEvent
 * 'reserved' per candidate. Registering writes the real registration key (through
 * RedisRegistrationStore) and the model's set alike.
 */
function storeAndModel(redis: LeadlineRedis = db.redis) {
  const keys = new RedisKeys(`${db.prefix}${++namespaces}:`);
  const registrations = new RedisRegistrationStore(redis, keys);
  const registered = new Set<string>();
  return {
    keys,
    redis: new RedisAgentStateStore(redis, keys),
    model: new MemoryAgentStateStore((e) => registered.has(e)),
    async register(...extensions: string[]) {
      for (const e of extensions) {
        registered.add(e);
        await registrations.setRegistered(e, { contact: `sip:${e}@127.0.0.1:5060`, source: 'sip:127.0.0.1:5060' }, 3600);
      }
    },
    async unregister(extension: string) {
      registered.delete(extension);
      await registrations.setUnregistered(extension);
    },
  };
}

type Op =
  | { kind: 'reserve'; call: string; candidates: string[]; count: number; rules: OfferRules }
  | { kind: 'reserveInTurn'; line: string; call: string; members: string[]; offerable: string[]; rules: OfferRules }
  | { kind: 'answered'; ext: string; call: string }
  | { kind: 'offerFailed'; ext: string; call: string; outcome: OfferOutcome; after: number; dndAfter?: number; dndWindowMs?: number }
  | { kind: 'registeredAfresh'; ext: string }
  | { kind: 'placedCall'; ext: string; call: string }
  | { kind: 'callEnded'; ext: string; call: string; wrapUpMs: number; talkSeconds: number; day: string }
  | { kind: 'pause'; ext: string; reason: string }
  | { kind: 'unpause'; ext: string };

/** One operation on either store; what it returns is compared between the two. */
function perform(store: AgentStateStore, op: Op, now: number): Promise<unknown> {
  switch (op.kind) {
    case 'reserve':
      return store.reserve(op.call, op.candidates, op.count, op.rules, now);
    case 'reserveInTurn':
      return store.reserveInTurn(op.line, op.call, op.members, new Set(op.offerable), op.rules, now);
    case 'answered':
      return store.answered(op.ext, op.call, now);
    case 'offerFailed':
      return store.offerFailed(op.ext, op.call, op.outcome, now, { afterMisses: op.after, dndAfterDeclines: op.dndAfter ?? 3, dndWindowMs: op.dndWindowMs ?? 120_000 });
    case 'placedCall':
      return store.placedCall(op.ext, op.call, now);
    case 'callEnded':
      return store.callEnded(op.ext, op.call, now, op.wrapUpMs, op.talkSeconds, op.day);
    case 'pause':
      return store.pause(op.ext, op.reason, now);
    case 'unpause':
      return store.unpause(op.ext, now);
    case 'registeredAfresh':
      return store.registeredAfresh(op.ext, now);
  }
}

/** Runs `op` on both, expects the same result and the same states of `extensions` afterwards, and returns the result. */
async function both(pair: ReturnType<typeof storeAndModel>, op: Op, now: number, extensions: readonly string[]): Promise<unknown> {
  const [got, want] = [await perform(pair.redis, op, now), await perform(pair.model, op, now)];
  expect(got).toEqual(want);
  expect(await pair.redis.read(extensions, now)).toEqual(await pair.model.read(extensions, now));
  return got;
}

describe('redis agent state store: each operation as the model', () => {
  const exts = ['101', '102', '103', '104'];

  it('reads a manager never seen as newAgentState, registered from his registration key', async () => {
    const p = storeAndModel();
    await p.register('102');
    const states = await p.redis.read(exts, T0);
    expect(states).toEqual(await p.model.read(exts, T0));
    expect(states.get('101')).toMatchObject({ registered: false, since: T0, calls: [], ringingFor: null });
    expect(states.get('102')!.registered).toBe(true);
    expect(await db.redis.exists(p.keys.agent('101'))).toBe(0);
  });

  it('reserves the first `count` candidates who can be offered the call, in candidate order', async () => {
    const p = storeAndModel();
    await p.register('101', '102', '103', '104');
    await both(p, { kind: 'pause', ext: '101', reason: 'lunch' }, T0, exts);
    await both(p, { kind: 'placedCall', ext: '103', call: 'out' }, T0, exts);
    const reserve = (call: string, candidates: string[], count: number, rules: OfferRules) => both(p, { kind: 'reserve', call, candidates, count, rules }, T0 + 1000, exts);
    expect(await reserve('c1', ['101', '103', '102', '104'], 1, { maxConcurrentCalls: 2, skipBusy: true })).toEqual(['102']);
    expect(await reserve('c2', ['101', '102', '103', '104'], 5, { maxConcurrentCalls: 2, skipBusy: false })).toEqual(['103', '104']);
    expect(await reserve('c3', ['104', '104', '102'], 2, one)).toEqual([]);
    expect(await reserve('c4', [], 1, one)).toEqual([]);
  });

  it('reserveInTurn: the first offerable, free member from the turn, and the turn moves just after him', async () => {
    const p = storeAndModel();
    await p.register('101', '102', '103', '104');
    const turn = (call: string, offerable = exts) => both(p, { kind: 'reserveInTurn', line: 'sales', call, members: exts, offerable, rules: one }, T0, exts);
    expect(await turn('c1')).toBe('101');
    expect(await turn('c2', ['101', '103', '104'])).toBe('103'); // 102 already rung for this call
    expect(await turn('c3')).toBe('104');
    expect(await turn('c4')).toBe('102'); // round again: 101, 103, 104 are ringing
    expect(await turn('c5')).toBeNull();
    expect(await db.redis.get(p.keys.turn('sales'))).toBe('2'); // nobody could take c5: the turn stayed after 102
    expect(await both(p, { kind: 'reserveInTurn', line: 'empty', call: 'c6', members: [], offerable: [], rules: one }, T0, exts)).toBeNull();
  });

  it('answered: ringing -> on the call, only for the call he is reserved for', async () => {
    const p = storeAndModel();
    await p.register('101');
    await both(p, { kind: 'reserve', call: 'c1', candidates: ['101'], count: 1, rules: one }, T0, exts);
    expect(await both(p, { kind: 'answered', ext: '101', call: 'other' }, T0 + 1000, exts)).toBe(false);
    expect(await both(p, { kind: 'answered', ext: '101', call: 'c1' }, T0 + 2000, exts)).toBe(true);
    expect((await p.redis.read(['101'], T0 + 2000)).get('101')).toMatchObject({ ringingFor: null, calls: ['c1'], since: T0 + 2000 });
  });

  it('offerFailed: frees the manager, counts misses only, auto-pauses after N in a row', async () => {
    const p = storeAndModel();
    await p.register('101');
    let now = T0;
    const offerAndFail = async (call: string, outcome: OfferOutcome) => {
      await both(p, { kind: 'reserve', call, candidates: ['101'], count: 1, rules: one }, (now += 1000), exts);
      return both(p, { kind: 'offerFailed', ext: '101', call, outcome, after: 2 }, (now += 1000), exts);
    };
    expect(await both(p, { kind: 'offerFailed', ext: '101', call: 'none', outcome: 'missed', after: 2 }, now, exts)).toEqual({ released: false, autoPaused: false });
    expect(await offerAndFail('a', 'missed')).toEqual({ released: true, autoPaused: false });
    expect(await offerAndFail('b', 'rejected')).toEqual({ released: true, autoPaused: false });
    expect(await offerAndFail('c', 'cancelled')).toEqual({ released: true, autoPaused: false });
    expect(await offerAndFail('d', 'missed')).toEqual({ released: true, autoPaused: true });
    expect((await p.redis.read(['101'], now)).get('101')).toMatchObject({ pauseReason: AUTO_PAUSE_REASON, consecutiveMisses: 2 });
    await both(p, { kind: 'unpause', ext: '101' }, (now += 1000), exts);
    expect((await p.redis.read(['101'], now)).get('101')).toMatchObject({ pauseReason: null, consecutiveMisses: 0, since: now });
  });

  it('callEnded: wrap-up, freeSince, counters per day, and a second end of the same call does not count', async () => {
    const p = storeAndModel();
    await p.register('101');
    await both(p, { kind: 'placedCall', ext: '101', call: 'a' }, T0, exts);
    await both(p, { kind: 'placedCall', ext: '101', call: 'a' }, T0, exts);
    await both(p, { kind: 'placedCall', ext: '101', call: 'b' }, T0, exts);
    const end = (call: string, now: number, day = DAY) => both(p, { kind: 'callEnded', ext: '101', call, wrapUpMs: 5000, talkSeconds: 12.5, day }, now, exts);
    expect(await end('a', T0 + 10_000, '2027-01-14')).toBe(true);
    expect(await end('a', T0 + 11_000)).toBe(false);
    expect(await end('b', T0 + 20_000)).toBe(true);
    expect((await p.redis.read(['101'], T0 + 20_000)).get('101')).toMatchObject({
      calls: [],
      wrapUpUntil: T0 + 25_000,
      freeSince: T0 + 25_000,
      day: DAY,
      callsToday: 1,
      talkSecondsToday: 12.5,
    });
  });

  it('keeps the layout documented in lua/agent-hash.lua: strings, calls as JSON, null fields absent', async () => {
    const p = storeAndModel();
    await p.register('101');
    await p.redis.placedCall('101', 'x/"1"@host', T0);
    await p.redis.reserve('in', ['101'], 1, { maxConcurrentCalls: 2, skipBusy: false }, T0 + 1);
    const { calls, ...rest } = await db.redis.hgetall(p.keys.agent('101'));
    expect(JSON.parse(calls!)).toEqual(['x/"1"@host']); // Lua's cjson writes '/' as '\/': compare parsed
    expect(rest).toEqual({ ringingFor: 'in', since: String(T0 + 1) });
  });
});

describe('redis answer score store', () => {
  it('reads back what was written, and nothing for a manager never scored', async () => {
    const store = new RedisAnswerScoreStore(db.redis, new RedisKeys(`${db.prefix}${++namespaces}:`));
    await store.write('101', { score: 0.63, updatedAt: T0 });
    await store.write('101', { score: 0.7, updatedAt: T0 + 1 });
    expect(await store.read(['101', '102'])).toEqual(new Map([['101', { score: 0.7, updatedAt: T0 + 1 }]]));
    expect((await store.read([])).size).toBe(0);
  });
});

describe('redis agent state store: random sequences against the model (fast-check)', () => {
  // Few managers and calls, so that steps often meet the same ones. One call id
  // needs JSON escaping (and the round trip through Lua's cjson).
  const EXTS = ['101', '102', '103'];
  const ext = fc.constantFrom(...EXTS);
  const call = fc.constantFrom('c1', 'c2', 'c3', 'x/"é"@host;tag=1');
  // Most answers, failures and ends aim at a live reservation or call of the model
  // (`aim` picks one), so that they apply; the rest, as generated, are mostly stale.
  const aim = fc.option(fc.nat(99), { nil: null, freq: 4 });
  const op = fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('reserve' as const), call, candidates: fc.array(ext, { maxLength: 6 }), count: fc.integer({ min: 0, max: 3 }), rules: fc.record({ maxConcurrentCalls: fc.integer({ min: 1, max: 3 }), skipBusy: fc.boolean() }) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('reserveInTurn' as const), line: fc.constantFrom('a', 'b'), call, members: fc.constant(EXTS), offerable: fc.subarray(EXTS), rules: fc.record({ maxConcurrentCalls: fc.integer({ min: 1, max: 3 }), skipBusy: fc.boolean() }) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('answered' as const), ext, call, aim }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('offerFailed' as const), ext, call, aim, outcome: fc.constantFrom<OfferOutcome>('missed', 'missed', 'declined', 'declined', 'rejected', 'cancelled'), after: fc.integer({ min: 1, max: 3 }), dndAfter: fc.integer({ min: 1, max: 3 }), dndWindowMs: fc.integer({ min: 0, max: 30_000 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('registeredAfresh' as const), ext }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('placedCall' as const), ext, call }) },
    // Fractional talk time checks that Lua's arithmetic and number format give JavaScript's exact doubles.
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('callEnded' as const), ext, call, aim, wrapUpMs: fc.integer({ min: 0, max: 15_000 }), talkSeconds: fc.integer({ min: 0, max: 600_000 }).map((n) => n / 1000), day: fc.constantFrom('2027-01-14', '2027-01-15') }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('pause' as const), ext, reason: fc.constantFrom('lunch', AUTO_PAUSE_REASON, DND_PAUSE_REASON, '') }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('unpause' as const), ext }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('register' as const), ext, on: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 20_000 }) }) },
  );

  /** The step with its manager and call replaced by the live pair `aim` picks in the model, if it aims and one exists. */
  async function aimed(model: AgentStateStore, step: Op & { aim?: number | null }, now: number): Promise<Op> {
    if (step.aim == null) return step;
    const live = [...(await model.read(EXTS, now))].flatMap(([ext, s]) =>
      (step.kind === 'callEnded' ? s.calls : s.ringingFor === null ? [] : [s.ringingFor]).map((call) => ({ ext, call })),
    );
    return { ...step, ...live[step.aim % Math.max(1, live.length)] };
  }

  it('every step returns what the model returns and leaves the states the model has', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 40, size: 'max' }), async (ops) => {
        const p = storeAndModel();
        await p.register('101', '102');
        let now = T0;
        for (const step of ops) {
          if (step.kind === 'advance') now += step.ms;
          else if (step.kind === 'register') await (step.on ? p.register(step.ext) : p.unregister(step.ext));
          else await both(p, await aimed(p.model, step, now), now, EXTS);
        }
      }),
      { numRuns: 200 },
    );
  });
});

/**
 * Two service instances (two connections) reserve ten managers for thousands of calls
 * at once, and release them as concurrently (answer then end, or failure).
 *
 * What proves no manager was ever reserved for two calls at once: record, in the
 * order the results arrive, when each reservation was granted and when its release
 * was sent. Arrival order across two sockets is not Redis's execution order, but
 * causality gives what we need: a grant that Redis ran after the previous holder's
 * release arrives after that release was sent. So for each manager, taking his
 * grants in arrival order, each one must have been released successfully (the
 * release finds him still ringing for that very call) and that release sent before
 * the next grant arrived. A reservation that overlapped another breaks one of the
 * two: either the next grant arrived before the release was even sent, or the
 * overlapping write took the ringing slot and the release found another call there.
 *
 * The control below runs the same harness with a non-atomic reserve (read the
 * states, then HSET ringingFor): it fails this check every time.
 */
describe('redis agent state store: two instances reserving concurrently', () => {
  const MANAGERS = Array.from({ length: 10 }, (_, i) => String(200 + i));
  type Reserve = (store: RedisAgentStateStore, redis: LeadlineRedis, keys: RedisKeys, callId: string, candidates: string[], count: number, rules: OfferRules, now: number) => Promise<string[]>;

  interface Reservation {
    manager: string;
    callId: string;
    grantedAt: number;
    releaseSentAt?: number;
    released?: boolean;
  }

  const shuffled = <T>(xs: readonly T[]) => xs.map((x) => [Math.random(), x] as const).sort((a, b) => a[0] - b[0]).map(([, x]) => x);

  async function race(reserve: Reserve, reservesPerInstance: number) {
    const clients = [await db.connect(), await db.connect()];
    const keys = new RedisKeys(`${db.prefix}${++namespaces}:`);
    const registrations = new RedisRegistrationStore(clients[0]!, keys);
    await Promise.all(MANAGERS.map((e) => registrations.setRegistered(e, { contact: `sip:${e}@127.0.0.1`, source: 'sip:127.0.0.1:5060' }, 3600)));

    let seq = 0; // one clock for both instances: they share this process's single thread
    const reservations: Reservation[] = [];
    let ended = 0;

    async function release(store: RedisAgentStateStore, r: Reservation): Promise<void> {
      const answer = Math.random() < 0.6;
      r.releaseSentAt = ++seq;
      if (answer) {
        r.released = await store.answered(r.manager, r.callId, Date.now());
        if (r.released && (await store.callEnded(r.manager, r.callId, Date.now(), 0, 1, DAY))) ended++;
      } else {
        const failed = await store.offerFailed(r.manager, r.callId, Math.random() < 0.5 ? 'missed' : 'declined', Date.now(), { afterMisses: 3, dndAfterDeclines: 3, dndWindowMs: 60_000 });
        r.released = failed.released;
        if (failed.autoPaused) await store.unpause(r.manager, Date.now());
      }
    }

    async function instance(index: number): Promise<void> {
      const redis = clients[index]!;
      const store = new RedisAgentStateStore(redis, keys);
      let next = 0;
      const worker = async () => {
        while (next < reservesPerInstance) {
          const callId = `i${index}-${next++}`;
          const rules = { maxConcurrentCalls: 2, skipBusy: Math.random() < 0.5 };
          const granted = await reserve(store, redis, keys, callId, shuffled(MANAGERS), Math.random() < 0.7 ? 1 : 2, rules, Date.now());
          const mine = granted.map((manager) => ({ manager, callId, grantedAt: ++seq }));
          reservations.push(...mine);
          await Promise.all(mine.map((r) => release(store, r)));
        }
      };
      await Promise.all(Array.from({ length: 25 }, worker));
    }

    await Promise.all([instance(0), instance(1)]);

    const overlaps: string[] = [];
    for (const manager of MANAGERS) {
      const granted = reservations.filter((r) => r.manager === manager).sort((a, b) => a.grantedAt - b.grantedAt);
      granted.forEach((r, i) => {
        const nextGrant = granted[i + 1];
        if (!r.released) overlaps.push(`${manager}: ${r.callId} lost its reservation to another call`);
        else if (nextGrant && r.releaseSentAt! > nextGrant.grantedAt) overlaps.push(`${manager}: ${nextGrant.callId} granted before ${r.callId} was released`);
      });
    }
    const finalStates = await new RedisAgentStateStore(clients[0]!, keys).read(MANAGERS, Date.now());
    return { reservations, overlaps, ended, finalStates };
  }

  it('never reserves a manager for two calls at once (2 x 2,000 reservations over 10 managers)', async () => {
    const atomic: Reserve = (store, _redis, _keys, ...args) => store.reserve(...args);
    const { reservations, overlaps, ended, finalStates } = await race(atomic, 2000);
    expect(overlaps).toEqual([]);
    expect(reservations.length).toBeGreaterThan(500); // the race really happened (about 1,300 are granted)
    expect([...finalStates.values()].filter((s) => s.ringingFor !== null || s.calls.length > 0)).toEqual([]);
    // Counters grew once per ended call, whichever instance ended it.
    expect([...finalStates.values()].reduce((sum, s) => sum + s.callsToday, 0)).toBe(ended);
  });

  it('control: the same check catches a non-atomic reserve (read, then write)', async () => {
    const readThenWrite: Reserve = async (store, redis, keys, callId, candidates, count, rules, now) => {
      const states = await store.read(candidates, now);
      const chosen = candidates.filter((e) => canOffer(states.get(e)!, now, rules)).slice(0, count);
      await Promise.all(chosen.map((e) => redis.hset(keys.agent(e), { ringingFor: callId, since: now })));
      return chosen;
    };
    const { overlaps } = await race(readThenWrite, 300);
    expect(overlaps.length).toBeGreaterThan(0);
  });
});
