// Routing-decision benchmark: the decision INSIDE the service, without Kamailio or SIP.
// Run: npx tsx bench/routing-decision.ts            (2 to 2.5 min)
//      npx tsx bench/routing-decision.ts --quick    (about 35 s smoke run)
// Profile: node --cpu-prof --cpu-prof-dir=bench/results --import tsx bench/routing-decision.ts --quick
//
// Real Redis stores (a unique key prefix, removed at the end), the real services from
// composeServices, N managers registered with fake contacts, one scenario parsed from
// YAML: a group of every manager, wrap_up 0, max_wait 60.
//   (a) open loop: new calls at fixed rates (100, 250, 500, 1000 calls/s by default) for a
//       few seconds each, after an uncounted warm-up. Each decision (router.decide) is timed
//       with performance.now(); the call then lives on its own: it rings for a while, then
//       answered + ended (or, for a share of calls, branchFailed 408 and a failover decision
//       first). Waiting in line is a decision (counted); a reject is a failure. Calls still
//       in line at the end of a run hang up (cancelled) so runs do not leak into each other.
//       Per rate, medians over the runs: decisions, p50/p99/max decision latency, the share
//       routed/waiting/rejected, event-loop delay p99 (monitorEventLoopDelay), and the GC
//       pauses of the run (count, longest, share of the time: they are what stalls the loop).
//       The call's length follows the rate so the managers stay about 60 % busy
//       (ring + talk at most 220 ms; 20-200 ms rings at 100 calls/s, shorter above): the
//       aim is the decision, not a line that overflows into ever longer queues.
//   (b) closed loop, in the same run: C callers (default 40, fewer than the managers so a
//       free manager always exists) place calls back to back for a few seconds: decide,
//       answered, ended. Calls/s and decision p50/p99 of the routing engine and of the
//       baseline, the foundation's rotation as it was before the routing engine (commit
//       d81e2a1: registrations from the in-memory cache, HMGET of the holds hash + INCR of
//       the rotation counter, then HSET of the hold and SET of the live call not awaited;
//       on end the release-agent Lua script), re-implemented below. Engine and baseline
//       runs alternate (A B A B ...) so drift on a noisy machine hits both. Also this process's
//       CPU per call (user + system), the figure a loaded machine distorts least.
//   Yardsticks from the same run, since this machine's noise alone can exceed 1 ms at p99:
//   a bare Redis PING every 5 ms in the idle process, and the rotation baseline through the
//   same open loop at the target rate (500 calls/s).
// Targets (printed, not asserted): decision p99 <= 1 ms at 500 calls/s; engine >= 90 % of
// the rotation's calls/s.
// Options: --quick, --rates 100,250,500,1000, --seconds 3, --runs 3, --managers 50,
//   --strategies performance-weighted,round-robin,longest-idle (the first gets the full
//   sweep, the others the target rate only), --concurrency 40, --closed-seconds 5, --closed-runs 3,
//   --fail-share 0.1 (share of rings that end 408 -> failover), --busy 0.6 (managers' load)
// Redis: LEADLINE_REDIS_URL (default redis://127.0.0.1:6379/0). Logs go through pino as in
// production (level info, buffered) into /dev/null: their cost is part of a decision.
import { randomBytes } from 'node:crypto';
import { constants as perfConstants, monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino, { type Logger } from 'pino';
import { configSchema, type Config } from '../src/config/config-schema.js';
import { createRedis, type LeadlineRedis } from '../src/adapters/redis/create-redis.js';
import { RedisKeys } from '../src/adapters/redis/redis-keys.js';
import { RedisLiveCallStore } from '../src/adapters/redis/redis-live-call-store.js';
import { CachedLiveCallStore } from '../src/adapters/memory/cached-live-call-store.js';
import { CachedRegistrationStore } from '../src/adapters/memory/cached-registration-store.js';
import { composeServices, type ServiceStores, type Services } from '../src/launcher/compose-services.js';
import { openSharedStores } from '../src/launcher/shared-stores.js';
import { parseScenario } from '../src/core/scenarios/parse-scenario.js';
import type { Scenario } from '../src/core/scenarios/scenario-schema.js';
import { digitsOf } from '../src/core/phone/phone-number.js';
import { rotate } from '../src/core/routing/strategies.js';
import { addAttempts, answeringManager, applyAnswer, finishCall, rejectedLiveCall, startLiveCall, type NewLiveCall } from '../src/core/calls/live-call.js';
import { reject, type NewCallRequest, type RoutingDecision } from '../src/core/calls/routing-decision.js';
import type { CallRecord } from '../src/core/calls/call-record.js';
import type { CallbackTaskStore } from '../src/core/calls/missed-call.js';
import { KeyedQueue } from '../src/services/keyed-queue.js';
import { median, quantile } from './lib/sipp-load.js';

const NUMBER = '2000';
const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const fmt = (x: number, d = 3): string => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const pct = (part: number, whole: number): string => (whole > 0 ? `${((100 * part) / whole).toFixed(1)} %` : 'n/a');
const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);

interface Options {
  quick: boolean;
  rates: number[];
  seconds: number;
  runs: number;
  managers: number;
  strategies: string[];
  concurrency: number;
  closedSeconds: number;
  closedRuns: number;
  failShare: number;
  busy: number;
  warmupSeconds: number;
}

export function parseOptions(argv: string[]): Options {
  const quick = argv.includes('--quick');
  const arg = (name: string): string | undefined => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
  const num = (name: string, dflt: number): number => (arg(name) !== undefined ? Number(arg(name)) : dflt);
  return {
    quick,
    rates: arg('--rates')?.split(',').map(Number) ?? (quick ? [100, 500] : [100, 250, 500, 1000]),
    seconds: num('--seconds', quick ? 2 : 3),
    runs: num('--runs', quick ? 1 : 3),
    managers: num('--managers', 50),
    strategies: arg('--strategies')?.split(',') ?? ['performance-weighted', 'round-robin', 'longest-idle'],
    concurrency: num('--concurrency', 40),
    closedSeconds: num('--closed-seconds', quick ? 3 : 5),
    closedRuns: num('--closed-runs', quick ? 1 : 3),
    failShare: num('--fail-share', 0.1),
    busy: num('--busy', 0.6),
    warmupSeconds: quick ? 1 : 3,
  };
}

// ---------------------------------------------------------------- shared set-up

interface Bench {
  redis: LeadlineRedis;
  keys: RedisKeys;
  prefix: string;
  config: Config;
  extensions: string[];
  registrations: CachedRegistrationStore;
  shared: Awaited<ReturnType<typeof openSharedStores>>;
  log: Logger;
  records: { count: number };
}

export async function setUp(opts: Options): Promise<Bench> {
  const prefix = `bench-routing:${randomBytes(3).toString('hex')}:`;
  const redis = await createRedis(process.env.LEADLINE_REDIS_URL ?? 'redis://127.0.0.1:6379/0');
  redis.defineCommand('benchReleaseAgent', { numberOfKeys: 1, lua: RELEASE_AGENT_LUA });
  const keys = new RedisKeys(prefix);
  const extensions = Array.from({ length: opts.managers }, (_, i) => String(1000 + i));
  const config = configSchema.parse({
    api: { tokens: [{ name: 'bench', token: 'bench-token-0123456789' }] },
    redis: { keyPrefix: prefix },
    // 408s are part of the load: no manager may be paused for them mid-run
    routing: { ringTimeoutSeconds: 15, autoPauseAfterMisses: 100 },
    managers: extensions.map((extension) => ({ extension, name: `M${extension}`, password: `bench-pass-${extension}` })),
    trunks: [{ name: 'bench-trunk', address: '127.0.0.9', port: 5080, callerId: '+74951234567' }],
  });
  // As the launcher does: pino, level info, buffered; here into /dev/null.
  const log = pino({ level: 'info', base: { service: 'leadline' } }, pino.destination({ dest: '/dev/null', sync: false, minLength: 4096 }));
  const records = { count: 0 };
  // The stores exactly as the launcher opens them (Redis with in-memory mirrors).
  const shared = await openSharedStores({ config, redis, callbacks: noCallbacks, records: { write: () => void records.count++ }, log });
  const registrations = shared.stores.registrations;
  await Promise.all(
    extensions.map((e, i) => registrations.setRegistered(e, { contact: `sip:${e}@10.1.${Math.floor(i / 200)}.${(i % 200) + 10}:5060`, source: `sip:192.0.2.10:${20000 + i}` }, 3600)),
  );
  return { redis, keys, prefix, config, extensions, registrations, shared, log, records };
}

export async function tearDown(b: Bench): Promise<void> {
  let cursor = '0';
  let removed = 0;
  do {
    const [next, found] = await b.redis.scan(cursor, 'MATCH', `${b.prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (found.length > 0) removed += await b.redis.del(...found);
  } while (cursor !== '0');
  b.shared.stop();
  b.redis.disconnect();
  console.log(`\nRedis keys removed: ${removed} (prefix ${b.prefix})`);
}

// ---------------------------------------------------------------- systems under test

/** What a driver does with a call; the engine and the baseline both implement it. */
interface System {
  name: string;
  decide(request: NewCallRequest): Promise<RoutingDecision>;
  answered(callId: string): Promise<void>;
  ended(callId: string): Promise<void>;
  /** The ringing branch ended 408: the next decision (failover), or null. */
  branchFailed(callId: string): Promise<RoutingDecision | null>;
  /** The caller hung up while waiting in line. */
  cancelled(callId: string): Promise<void>;
  /** Told when a waiting call is resumed with its decision. */
  onResume: (callId: string, decision: RoutingDecision) => void;
  stop(): void;
}

function scenarioYaml(strategy: string, extensions: string[]): string {
  return [
    'name: bench-routing',
    `numbers: ["${NUMBER}"]`,
    'timezone: UTC',
    `groups: { all: [${extensions.map((e) => `"${e}"`).join(', ')}] }`,
    'steps:',
    `  - { group: all, strategy: ${strategy}, ring_timeout: 15, max_wait: 60, wrap_up: 0 }`,
    '',
  ].join('\n');
}

function scenarioSource(scenario: Scenario) {
  const numbers = new Set(scenario.numbers.map(digitsOf));
  return {
    scenarioFor: (dialled: string) => (numbers.has(digitsOf(dialled)) ? scenario : undefined),
    byName: (name: string) => (name === scenario.name ? scenario : undefined),
    active: () => [{ file: 'bench-routing.yaml', scenario }],
    errors: () => [],
  };
}

const noCallbacks: CallbackTaskStore = { add: async () => {}, closeFor: async () => 0 };

/**
 * The routing engine as the launcher wires it, on Redis; one fresh composition per strategy.
 * `replace` swaps stores, to measure a candidate change of an adapter with this same harness.
 */
export function engine(b: Bench, strategy: string, replace: Partial<ServiceStores> = {}): System & { services: Services } {
  const scenario = parseScenario(scenarioYaml(strategy, b.extensions), 'bench-routing.yaml');
  const services = composeServices({
    config: b.config,
    scenarios: scenarioSource(scenario),
    log: b.log.child({ component: 'calls' }),
    stores: { ...b.shared.stores, ...replace },
  });
  const system = {
    name: `engine (${strategy})`,
    services,
    onResume: (_callId: string, _d: RoutingDecision) => {},
    decide: (request: NewCallRequest) => services.router.decide(request),
    answered: (callId: string) => services.callEvents.answered(callId, Date.now()),
    ended: (callId: string) => services.callEvents.ended(callId, Date.now()),
    branchFailed: (callId: string) => services.callEvents.branchFailed(callId, 408, false, Date.now()),
    cancelled: (callId: string) => services.callEvents.cancelled(callId, Date.now(), null),
    stop: () => services.stop(),
  };
  services.setResume((call, decision) => system.onResume(call.callId, decision));
  return system;
}

// git show d81e2a1:src/adapters/redis/lua/release-agent-1.lua
const RELEASE_AGENT_LUA = `
local hold = redis.call('HGET', KEYS[1], ARGV[1])
if hold and cjson.decode(hold).callId == ARGV[2] then
  redis.call('HDEL', KEYS[1], ARGV[1])
  return 1
end
return 0`;

type BaselineRedis = LeadlineRedis & { benchReleaseAgent(holdsKey: string, extension: string, callId: string): Promise<0 | 1> };

/**
 * The foundation's rotation (d81e2a1 CallRouter.routeInbound + open, CallEvents.answered/ended,
 * RedisAgentActivityStore), on today's live-call and registration stores, which it used too.
 */
export function rotationBaseline(b: Bench): System {
  const redis = b.redis as BaselineRedis;
  const holdsKey = `${b.prefix}agents:holds`;
  const log = b.log.child({ component: 'calls' });
  const liveCalls = new CachedLiveCallStore(new RedisLiveCallStore(redis, b.keys));
  const queue = new KeyedQueue();
  const maxRingAttempts = 5; // the foundation's routing.maxRingAttempts default
  const ringTimeoutMs = b.config.routing.ringTimeoutSeconds * 1000;
  const hold = (extension: string, activity: string, callId: string, at: number) =>
    redis.hset(holdsKey, extension, JSON.stringify({ activity, callId, since: at }));
  const holds = async (extensions: readonly string[]) => {
    const out = new Map<string, unknown>();
    const values = await redis.hmget(holdsKey, ...extensions);
    values.forEach((v, i) => {
      if (v) out.set(extensions[i]!, JSON.parse(v));
    });
    return out;
  };
  const withCall = (callId: string, task: (call: NonNullable<Awaited<ReturnType<typeof liveCalls.get>>>) => Promise<void>) =>
    queue.run(callId, async () => {
      const call = await liveCalls.get(callId);
      if (call) await task(call);
    });

  return {
    name: 'rotation baseline (d81e2a1)',
    onResume: () => {},
    async decide(request) {
      const startedAt = performance.now();
      const callLog = log.child({ callId: request.callId });
      const base: NewLiveCall = { callId: request.callId, direction: 'inbound', callerNumber: request.fromUser, calleeNumber: request.dialled, companyNumber: NUMBER, placedBy: null, startedAt: request.receivedAt };
      const [registered, held, sequence] = await Promise.all([
        b.registrations.registered(b.extensions),
        holds(b.extensions),
        redis.incr(b.keys.turn(`simple-rotation:${NUMBER}`)).then((n) => n - 1),
      ]);
      const order = rotate(b.extensions, sequence).filter((e) => registered.has(e) && !held.has(e)).slice(0, maxRingAttempts);
      let decision: RoutingDecision;
      if (order.length === 0) {
        b.records.count++;
        void finishCall(rejectedLiveCall(base, 480, 'every registered manager is on a call'), base.startedAt);
        decision = reject(480);
      } else {
        const targets = order.map((e) => ({ manager: e, target: registered.get(e)!.contact, nextHop: registered.get(e)!.source }));
        const call = addAttempts(startLiveCall(base), targets, request.receivedAt);
        // As the foundation did: queued on the connection before answering, not awaited.
        Promise.all([liveCalls.put(call), hold(order[0]!, 'ringing', call.callId, call.startedAt)]).catch((err: unknown) => callLog.error({ err }, 'could not store the new call'));
        decision = { action: 'route', targets: targets.map((t) => ({ uri: t.target, nextHop: t.nextHop, ringTimeoutMs })) };
      }
      const decisionMs = Math.round((performance.now() - startedAt) * 1000) / 1000;
      callLog.info({ intent: 'inbound', action: decision.action, decisionMs }, 'call routed');
      return decision;
    },
    answered: (callId) =>
      withCall(callId, async (call) => {
        // d81e2a1: only the current (first) attempt rang; the later ones were Kamailio's serial fork
        const first = { ...call, attempts: call.attempts.slice(0, 1) };
        const { call: answered } = applyAnswer(first, Date.now());
        log.child({ callId }).info({ manager: answeringManager(answered) }, 'call answered');
        const manager = answeringManager(answered);
        await Promise.all([manager ? hold(manager, 'on-call', callId, Date.now()) : undefined, liveCalls.put(answered)]);
      }),
    ended: (callId) =>
      withCall(callId, async (call) => {
        log.child({ callId }).info('call ended');
        const at = Date.now();
        const record: CallRecord = finishCall(call, at); // the record the foundation wrote; the sink here only counts
        const manager = answeringManager(call) ?? call.attempts[0]?.manager ?? null;
        await Promise.all([manager ? redis.benchReleaseAgent(holdsKey, manager, callId) : undefined, liveCalls.remove(callId)]);
        if (record) b.records.count++;
      }),
    branchFailed: async () => null, // not used: the baseline runs closed loop only
    cancelled: async () => {},
    stop: () => {},
  };
}

// ---------------------------------------------------------------- drivers

interface OpenRun {
  rate: number;
  offered: number;
  decisions: number;
  latencies: number[];
  failoverLatencies: number[];
  routed: number;
  waiting: number;
  rejected: number;
  errors: number;
  resumedRouted: number;
  resumedRejected: number;
  hungUpInLine: number;
  lagP99Ms: number;
  lagMaxMs: number;
  lateStarts: number;
  leftover: number;
  /** Garbage-collection pauses during the run (they stop the event loop): count, total and longest, ms. */
  gc: { pauses: number; totalMs: number; maxMs: number; over1Ms: number; majorMs: number };
}

/** Counts the GC pauses from now until the returned function is called. */
function watchGc(): () => OpenRun['gc'] {
  const gc = { pauses: 0, totalMs: 0, maxMs: 0, over1Ms: 0, majorMs: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gc.pauses++;
      gc.totalMs += e.duration;
      gc.maxMs = Math.max(gc.maxMs, e.duration);
      if (e.duration > 1) gc.over1Ms++;
      // The rest are scavenges (young generation), incremental marking steps and callbacks.
      if ((e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR) gc.majorMs += e.duration;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => {
    observer.disconnect();
    return gc;
  };
}

/** monitorEventLoopDelay's sampling period; its values include it. */
const LAG_RESOLUTION_MS = 2;

let callerSeq = 0;
const callerNumber = (): string => `+7916${String(1_000_000 + ((callerSeq++ * 7919) % 9_000_000)).padStart(7, '0')}`;

function request(callId: string): NewCallRequest {
  return { callId, source: 'trunk', fromUser: callerNumber(), dialled: NUMBER, receivedAt: Date.now(), transaction: { tindex: 1, tlabel: 1 } };
}

/** Open loop: `rate` new calls per second for `seconds`, whatever the system's answers. */
export async function openLoop(sys: System, tag: string, rate: number, seconds: number, opts: Options, failShare = opts.failShare): Promise<OpenRun> {
  const run: OpenRun = { rate, offered: 0, decisions: 0, latencies: [], failoverLatencies: [], routed: 0, waiting: 0, rejected: 0, errors: 0, resumedRouted: 0, resumedRejected: 0, hungUpInLine: 0, lagP99Ms: NaN, lagMaxMs: NaN, lateStarts: 0, leftover: 0, gc: { pauses: 0, totalMs: 0, maxMs: 0, over1Ms: 0, majorMs: 0 } };
  const live = new Set<string>();
  const inLine = new Set<string>();
  // Ring + talk, on average: the managers stay about `busy` loaded at this rate (20-200 ms rings at low rates).
  const lifeMs = Math.min(220, (opts.busy * opts.managers * 1000) / rate);
  const spread = () => (lifeMs / 2) * (0.2 + 1.6 * Math.random());
  const done = (callId: string) => void live.delete(callId);
  const fail = (callId: string) => (err: unknown) => {
    run.errors++;
    if (run.errors <= 3) console.error(`    error in call ${callId}:`, err);
    done(callId);
  };

  const ring = (callId: string, attempt: number) => {
    setTimeout(() => {
      if (attempt === 1 && Math.random() < failShare) {
        const t0 = performance.now();
        sys.branchFailed(callId).then((d) => {
          run.failoverLatencies.push(performance.now() - t0);
          if (d === null || d.action === 'reject') done(callId);
          else if (d.action === 'wait') inLine.add(callId);
          else ring(callId, attempt + 1);
        }, fail(callId));
        return;
      }
      sys.answered(callId).then(() => setTimeout(() => void sys.ended(callId).then(() => done(callId), fail(callId)), spread()), fail(callId));
    }, spread());
  };
  sys.onResume = (callId, decision) => {
    inLine.delete(callId);
    if (decision.action === 'route') {
      run.resumedRouted++;
      ring(callId, 2);
    } else {
      run.resumedRejected++;
      done(callId);
    }
  };

  const lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  lag.enable();
  const gcDone = watchGc();
  const decisions: Promise<void>[] = [];
  const total = Math.round(rate * seconds);
  const started = performance.now();
  await new Promise<void>((resolveAll) => {
    const tick = () => {
      const now = performance.now();
      const due = Math.min(total, Math.floor(((now - started) * rate) / 1000) + 1);
      if (due - run.offered > 1 + rate / 200) run.lateStarts += due - run.offered - 1; // the loop fell behind by more than ~5 ms
      while (run.offered < due) {
        const callId = `${tag}-${run.offered++}`;
        live.add(callId);
        const t0 = performance.now();
        decisions.push(
          sys.decide(request(callId)).then((d) => {
            run.latencies.push(performance.now() - t0);
            run.decisions++;
            if (d.action === 'route') {
              run.routed++;
              ring(callId, 1);
            } else if (d.action === 'wait') {
              run.waiting++;
              inLine.add(callId);
            } else {
              run.rejected++;
              done(callId);
            }
          }, fail(callId)),
        );
      }
      if (run.offered >= total) resolveAll();
      else setTimeout(tick, 1);
    };
    tick();
  });
  await Promise.all(decisions);
  lag.disable();
  run.gc = gcDone();
  // The histogram holds the timer's whole period: the delay is what exceeds the resolution.
  run.lagP99Ms = Math.max(0, lag.percentile(99) / 1e6 - LAG_RESOLUTION_MS);
  run.lagMaxMs = Math.max(0, lag.max / 1e6 - LAG_RESOLUTION_MS);

  // Drain: calls still in line hang up; the others finish their ring and talk.
  for (const callId of [...inLine]) {
    await sys.cancelled(callId);
    if (inLine.delete(callId)) {
      run.hungUpInLine++;
      done(callId);
    }
  }
  const deadline = Date.now() + 10_000;
  while (live.size > 0 && Date.now() < deadline) await pause(20);
  run.leftover = live.size;
  sys.onResume = () => {};
  return run;
}

/** The machine's floor: a bare PING on the same connection every 5 ms, nothing else running in this process. */
async function pingFloor(redis: LeadlineRedis, seconds: number): Promise<{ p50: number; p99: number; lagP99: number }> {
  const pings: number[] = [];
  const lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  lag.enable();
  const timer = setInterval(() => {
    const t0 = performance.now();
    void redis.ping().then(() => pings.push(performance.now() - t0));
  }, 5);
  await pause(seconds * 1000);
  clearInterval(timer);
  lag.disable();
  await pause(20);
  const s = sorted(pings);
  return { p50: quantile(s, 0.5), p99: quantile(s, 0.99), lagP99: Math.max(0, lag.percentile(99) / 1e6 - LAG_RESOLUTION_MS) };
}

interface ClosedRun {
  system: string;
  calls: number;
  callsPerSecond: number;
  /** This process's CPU (user + system) per completed call: the load generator's share is the same for every system; Redis's own is not in it. */
  cpuMsPerCall: number;
  latencies: number[];
  waits: number;
  rejects: number;
  /** First offers per manager (the extension in the first target's URI). */
  offers: Map<string, number>;
}

/** Closed loop: `concurrency` callers, each placing its next call as soon as the last one ended. */
export async function closedLoop(sys: System, tag: string, concurrency: number, seconds: number): Promise<ClosedRun> {
  const run: ClosedRun = { system: sys.name, calls: 0, callsPerSecond: 0, cpuMsPerCall: 0, latencies: [], waits: 0, rejects: 0, offers: new Map() };
  const cpu0 = process.cpuUsage();
  const resumed = new Map<string, (d: RoutingDecision) => void>();
  sys.onResume = (callId, d) => resumed.get(callId)?.(d);
  let n = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  const caller = async () => {
    while (performance.now() < until) {
      const callId = `${tag}-${n++}`;
      const t0 = performance.now();
      let d = await sys.decide(request(callId));
      run.latencies.push(performance.now() - t0);
      if (d.action === 'wait') {
        run.waits++;
        d = await new Promise<RoutingDecision>((r) => resumed.set(callId, r));
        resumed.delete(callId);
      }
      if (d.action === 'route') {
        const manager = /^sip:([^@]+)@/.exec(d.targets[0]?.uri ?? '')?.[1] ?? '?';
        run.offers.set(manager, (run.offers.get(manager) ?? 0) + 1);
        await sys.answered(callId);
        await sys.ended(callId);
        run.calls++;
      } else run.rejects++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  run.callsPerSecond = run.calls / ((performance.now() - started) / 1000);
  const cpu = process.cpuUsage(cpu0);
  run.cpuMsPerCall = (cpu.user + cpu.system) / 1000 / Math.max(1, run.calls);
  sys.onResume = () => {};
  return run;
}

// ---------------------------------------------------------------- report

interface RateSummary {
  strategy: string;
  rate: number;
  runs: OpenRun[];
  decisions: number;
  p50: number;
  p99: number;
  max: number;
  failoverP99: number;
  routedShare: number;
  waitingShare: number;
  rejectedShare: number;
  lagP99: number;
  gcMaxMs: number;
  /** Share of the run's wall time spent in GC pauses. */
  gcShare: number;
}

function summarise(strategy: string, rate: number, runs: OpenRun[]): RateSummary {
  const m = (f: (r: OpenRun) => number) => median(runs.map(f));
  return {
    strategy,
    rate,
    runs,
    decisions: m((r) => r.decisions),
    p50: m((r) => quantile(sorted(r.latencies), 0.5)),
    p99: m((r) => quantile(sorted(r.latencies), 0.99)),
    max: m((r) => Math.max(...r.latencies)),
    failoverP99: m((r) => quantile(sorted(r.failoverLatencies), 0.99)),
    routedShare: m((r) => r.routed / Math.max(1, r.decisions)),
    waitingShare: m((r) => r.waiting / Math.max(1, r.decisions)),
    rejectedShare: m((r) => r.rejected / Math.max(1, r.decisions)),
    lagP99: m((r) => r.lagP99Ms),
    gcMaxMs: m((r) => r.gc.maxMs),
    gcShare: m((r) => r.gc.totalMs / (1000 * (r.decisions / r.rate))),
  };
}

function printRun(r: OpenRun, i: number): void {
  const s = sorted(r.latencies);
  const extra = [
    r.failoverLatencies.length > 0 ? `failover decisions ${r.failoverLatencies.length} (p99 ${fmt(quantile(sorted(r.failoverLatencies), 0.99))} ms)` : '',
    r.resumedRouted + r.resumedRejected > 0 ? `resumed from line ${r.resumedRouted} routed / ${r.resumedRejected} rejected` : '',
    r.hungUpInLine > 0 ? `${r.hungUpInLine} hung up in line at the end` : '',
    r.errors > 0 ? `${r.errors} ERRORS` : '',
    r.lateStarts > 0 ? `${r.lateStarts} calls started >5 ms late` : '',
    r.leftover > 0 ? `${r.leftover} calls not finished 10 s after the run` : '',
  ].filter(Boolean);
  console.log(
    `  ${r.rate} calls/s run ${i + 1}: ${r.decisions} decisions, p50 ${fmt(quantile(s, 0.5))} ms, p99 ${fmt(quantile(s, 0.99))} ms, max ${fmt(s[s.length - 1] ?? NaN)} ms; ` +
      `routed ${pct(r.routed, r.decisions)}, waiting ${pct(r.waiting, r.decisions)}, rejected ${pct(r.rejected, r.decisions)}; event-loop delay p99 ${fmt(r.lagP99Ms, 2)} ms (max ${fmt(r.lagMaxMs, 1)}); ` +
      `GC ${r.gc.pauses} pauses, ${fmt(r.gc.totalMs, 1)} ms in all, longest ${fmt(r.gc.maxMs, 2)} ms, ${r.gc.over1Ms} over 1 ms, ${fmt(r.gc.majorMs, 1)} ms of them mark-compact` +
      (extra.length > 0 ? `; ${extra.join(', ')}` : ''),
  );
}

interface Yardsticks {
  floor: { p50: number; p99: number; lagP99: number };
  baselineAtTarget: RateSummary | null;
}

/**
 * Fairness of each closed-loop run: offers per manager (every manager of the group,
 * never offered = 0). With fewer callers than managers someone is always free, so
 * round-robin should stay within a few offers; the spread of a weighted or random
 * strategy is chance, and of the baseline whatever its rotation gave.
 */
function printFairness(runs: ClosedRun[], managers: number): void {
  console.log(`\nFairness (closed loop, ${managers} managers: offers per manager in one run):`);
  console.log('| system | offers | min | median | max | spread (max - min) | spread / mean |');
  console.log('|---|---|---|---|---|---|---|');
  for (const run of runs) {
    const counts = sorted([...run.offers.values(), ...new Array<number>(Math.max(0, managers - run.offers.size)).fill(0)]);
    const total = counts.reduce((a, b) => a + b, 0);
    const spread = counts[counts.length - 1]! - counts[0]!;
    console.log(`| ${run.system} | ${total} | ${counts[0]} | ${median(counts)} | ${counts[counts.length - 1]} | ${spread} | ${fmt(spread / (total / managers), 2)} |`);
  }
}

function printTables(summaries: RateSummary[], closed: { engine: ClosedRun[]; baseline: ClosedRun[]; others: ClosedRun[] }, yard: Yardsticks, opts: Options): void {
  console.log(`\nOpen loop (${opts.managers} managers, one group; medians of ${opts.runs} run${opts.runs === 1 ? '' : 's'} of ${opts.seconds} s; latency of router.decide):`);
  console.log('| strategy | calls/s | decisions | p50 (ms) | p99 (ms) | max (ms) | failover p99 (ms) | routed | waiting | rejected | event-loop delay p99 (ms) | longest GC pause (ms) | time in GC |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const s of [...summaries, ...(yard.baselineAtTarget ? [yard.baselineAtTarget] : [])]) {
    console.log(
      `| ${s.strategy} | ${s.rate} | ${s.decisions} | ${fmt(s.p50)} | ${fmt(s.p99)} | ${fmt(s.max)} | ${fmt(s.failoverP99)} | ${(100 * s.routedShare).toFixed(1)} % | ${(100 * s.waitingShare).toFixed(1)} % | ${(100 * s.rejectedShare).toFixed(1)} % | ${fmt(s.lagP99, 2)} | ${fmt(s.gcMaxMs, 2)} | ${(100 * s.gcShare).toFixed(1)} % |`,
    );
  }

  const cl = (runs: ClosedRun[]) => ({
    cps: median(runs.map((r) => r.callsPerSecond)),
    p50: median(runs.map((r) => quantile(sorted(r.latencies), 0.5))),
    p99: median(runs.map((r) => quantile(sorted(r.latencies), 0.99))),
    waits: runs.reduce((a, r) => a + r.waits, 0),
    rejects: runs.reduce((a, r) => a + r.rejects, 0),
    cpu: median(runs.map((r) => r.cpuMsPerCall)),
  });
  const e = cl(closed.engine);
  const b = cl(closed.baseline);
  console.log(`\nClosed loop (${opts.concurrency} callers, decide -> answered -> ended back to back, ${opts.closedSeconds} s; medians of ${closed.engine.length} run${closed.engine.length === 1 ? '' : 's'}):`);
  console.log('| system | calls/s | decision p50 (ms) | decision p99 (ms) | waited | rejected | run calls/s | CPU per call (ms) |');
  console.log('|---|---|---|---|---|---|---|---|');
  const row = (name: string, runs: ClosedRun[]) => {
    const x = cl(runs);
    console.log(`| ${name} | ${fmt(x.cps, 0)} | ${fmt(x.p50)} | ${fmt(x.p99)} | ${x.waits} | ${x.rejects} | ${runs.map((r) => fmt(r.callsPerSecond, 0)).join(', ')} | ${fmt(x.cpu)} |`);
  };
  row(closed.baseline[0]?.system ?? 'baseline', closed.baseline);
  row(closed.engine[0]?.system ?? 'engine', closed.engine);
  for (const o of closed.others) row(o.system, [o]);
  const ratio = e.cps / b.cps;
  const pairRatios = closed.engine.map((r, i) => r.callsPerSecond / (closed.baseline[i]?.callsPerSecond ?? NaN));
  printFairness([...closed.baseline, ...closed.engine, ...closed.others], opts.managers);
  console.log(`engine / rotation calls/s: x${fmt(ratio, 2)} (per pair: ${pairRatios.map((x) => fmt(x, 2)).join(', ')}); decision p50 x${fmt(e.p50 / b.p50, 2)}, p99 x${fmt(e.p99 / b.p99, 2)}; CPU per call x${fmt(e.cpu / b.cpu, 2)} (the figure a loaded machine distorts least)`);

  console.log(`\nYardsticks, same run: bare Redis PING on the connection (idle process, every 5 ms) p50 ${fmt(yard.floor.p50)} ms, p99 ${fmt(yard.floor.p99)} ms, event-loop delay p99 ${fmt(yard.floor.lagP99, 2)} ms`);
  if (yard.baselineAtTarget) console.log(`rotation baseline (d81e2a1) at ${yard.baselineAtTarget.rate} calls/s, open loop, no failover: decision p50 ${fmt(yard.baselineAtTarget.p50)} ms, p99 ${fmt(yard.baselineAtTarget.p99)} ms`);

  console.log('\nTargets:');
  console.log('| target | measured | pass | same run, for reference |');
  console.log('|---|---|---|---|');
  const atTarget = yard.baselineAtTarget?.rate === 500 ? `rotation baseline p99 ${fmt(yard.baselineAtTarget.p99)} ms; bare PING p99 ${fmt(yard.floor.p99)} ms` : `bare PING p99 ${fmt(yard.floor.p99)} ms`;
  for (const s of summaries.filter((x) => x.rate === 500)) {
    const waited = s.waitingShare > 0 ? `, ${(100 * s.waitingShare).toFixed(1)} % waited` : '';
    console.log(`| decision p99 <= 1 ms at 500 calls/s (${s.strategy}) | ${fmt(s.p99)} ms${waited} | ${s.p99 <= 1 ? 'yes' : 'NO'} | ${atTarget} |`);
  }
  if (!summaries.some((x) => x.rate === 500)) console.log('| decision p99 <= 1 ms at 500 calls/s | not measured (500 not in --rates) | - | - |');
  console.log(`| engine >= 90 % of rotation's calls/s (${opts.strategies[0]}) | ${fmt(100 * ratio, 1)} % (${fmt(e.cps, 0)} vs ${fmt(b.cps, 0)} calls/s) | ${ratio >= 0.9 ? 'yes' : 'NO'} | per pair ${pairRatios.map((x) => fmt(100 * x, 0)).join(', ')} % |`);
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const startedAt = Date.now();
  console.log(
    `routing-decision bench: ${opts.managers} managers, strategies ${opts.strategies.join(', ')}, rates ${opts.rates.join(', ')} calls/s x ${opts.seconds} s x ${opts.runs}, ` +
      `closed loop ${opts.concurrency} callers x ${opts.closedSeconds} s x ${opts.closedRuns}, ${opts.failShare * 100} % of rings fail 408`,
  );
  const b = await setUp(opts);
  const summaries: RateSummary[] = [];
  const closed = { engine: [] as ClosedRun[], baseline: [] as ClosedRun[], others: [] as ClosedRun[] };
  let tag = 0;
  const yard: Yardsticks = { floor: { p50: NaN, p99: NaN, lagP99: NaN }, baselineAtTarget: null };
  try {
    yard.floor = await pingFloor(b.redis, 2);
    console.log(`\n== yardstick: bare Redis PING every 5 ms: p50 ${fmt(yard.floor.p50)} ms, p99 ${fmt(yard.floor.p99)} ms, event-loop delay p99 ${fmt(yard.floor.lagP99, 2)} ms`);
    for (const [i, strategy] of opts.strategies.entries()) {
      const rates = i === 0 ? opts.rates : opts.rates.filter((r) => r === 500).length > 0 ? [500] : opts.rates.slice(-1);
      const sys = engine(b, strategy);
      console.log(`\n== ${sys.name}: open loop`);
      // Not counted: JIT, the connection and Redis's script cache settle first.
      await openLoop(sys, `w${tag++}`, 200, opts.warmupSeconds, opts);
      for (const rate of rates) {
        const runs: OpenRun[] = [];
        for (let r = 0; r < opts.runs; r++) {
          await pause(200);
          const run = await openLoop(sys, `o${tag++}`, rate, opts.seconds, opts);
          printRun(run, r);
          runs.push(run);
        }
        summaries.push(summarise(strategy, rate, runs));
      }
      sys.stop();
    }

    // The same open loop through the foundation's rotation, at the target rate: what this machine allows.
    const targetRate = opts.rates.includes(500) ? 500 : opts.rates[opts.rates.length - 1]!;
    {
      const base = rotationBaseline(b);
      console.log(`\n== ${base.name}: open loop at ${targetRate} calls/s (no failover: the foundation had none to decide)`);
      await openLoop(base, `wb${tag++}`, 200, opts.warmupSeconds, opts, 0);
      const runs: OpenRun[] = [];
      for (let r = 0; r < opts.runs; r++) {
        await pause(200);
        const run = await openLoop(base, `ob${tag++}`, targetRate, opts.seconds, opts, 0);
        printRun(run, r);
        runs.push(run);
      }
      yard.baselineAtTarget = summarise(base.name, targetRate, runs);
    }

    console.log(`\n== closed loop: ${opts.concurrency} callers, ${opts.closedSeconds} s per run`);
    const eng = engine(b, opts.strategies[0]!);
    const base = rotationBaseline(b);
    await closedLoop(base, `wb${tag++}`, opts.concurrency, 1);
    await closedLoop(eng, `we${tag++}`, opts.concurrency, 1);
    for (let r = 0; r < opts.closedRuns; r++) {
      for (const sys of r % 2 === 0 ? [base, eng] : [eng, base]) {
        await pause(200);
        const run = await closedLoop(sys, `c${tag++}`, opts.concurrency, opts.closedSeconds);
        (sys === base ? closed.baseline : closed.engine).push(run);
        const s = sorted(run.latencies);
        console.log(`  ${run.system} run ${r + 1}: ${run.calls} calls, ${fmt(run.callsPerSecond, 0)} calls/s, decision p50 ${fmt(quantile(s, 0.5))} ms, p99 ${fmt(quantile(s, 0.99))} ms, waited ${run.waits}, rejected ${run.rejects}`);
      }
    }
    eng.stop();
    for (const strategy of opts.strategies.slice(1)) {
      const sys = engine(b, strategy);
      await closedLoop(sys, `wo${tag++}`, opts.concurrency, 1);
      const run = await closedLoop(sys, `c${tag++}`, opts.concurrency, opts.closedSeconds);
      const s = sorted(run.latencies);
      console.log(`  ${run.system}: ${run.calls} calls, ${fmt(run.callsPerSecond, 0)} calls/s, decision p50 ${fmt(quantile(s, 0.5))} ms, p99 ${fmt(quantile(s, 0.99))} ms, waited ${run.waits}, rejected ${run.rejects}`);
      closed.others.push(run);
      sys.stop();
    }
    printTables(summaries, closed, yard, opts);
  } finally {
    await tearDown(b);
  }
  console.log(`bench took ${fmt((Date.now() - startedAt) / 1000, 0)} s`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
