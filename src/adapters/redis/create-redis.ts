import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { StartupError } from '../../core/errors/app-error.js';

const lua = (name: string) => readFileSync(new URL(`./lua/${name}.lua`, import.meta.url), 'utf8');

/** Redis has no includes: each agent script runs with the shared hash helpers in front of it. */
const agentScript = (name: string) => `${lua('agent-hash')}\n${lua(name)}`;

/** The Lua scripts, one per atomic operation on a manager's state (each file says what it takes and why it is atomic). */
const AGENT_COMMANDS: Record<string, { file: string; numberOfKeys?: number }> = {
  reserveAgents: { file: 'reserve-agents' }, // a key pair per candidate: the caller passes the number of keys first
  reserveInTurn: { file: 'reserve-in-turn' }, // the turn key, then a key pair per member: the caller passes the number of keys first
  agentAnswered: { file: 'agent-answered', numberOfKeys: 1 },
  agentOfferFailed: { file: 'agent-offer-failed', numberOfKeys: 1 },
  agentPlacedCall: { file: 'agent-placed-call', numberOfKeys: 1 },
  agentCallEnded: { file: 'agent-call-ended', numberOfKeys: 1 },
  agentRegisteredAfresh: { file: 'agent-registered-afresh', numberOfKeys: 1 },
};

/** Scripts on the router lease (router-lease.port.ts): one key each, no shared helpers. */
const LEASE_COMMANDS: Record<string, string> = {
  takeRouterLease: 'take-router-lease',
  releaseRouterLease: 'release-router-lease',
};

type Arg = string | number;

export interface LeadlineRedis extends Redis {
  /** numKeys, then (agent key, registration key) per candidate, then call id, count, max concurrent calls, skip busy (1/0), now. Returns 0-based indexes. */
  reserveAgents(numKeys: number, ...keysThenArgs: Arg[]): Promise<number[]>;
  /** numKeys, the turn key, (agent key, registration key) per member, then call id, max concurrent calls, skip busy (1/0), now, offerable mask. Returns the index or -1. */
  reserveInTurn(numKeys: number, ...keysThenArgs: Arg[]): Promise<number>;
  agentAnswered(agentKey: string, callId: string, now: Arg, dndReason: string): Promise<0 | 1>;
  /** Returns [released, autoPaused] as 1/0. */
  agentOfferFailed(agentKey: string, callId: string, outcome: string, now: Arg, afterMisses: Arg, dndAfterDeclines: Arg, dndWindowMs: Arg): Promise<[0 | 1, 0 | 1]>;
  agentPlacedCall(agentKey: string, callId: string, now: Arg, dndReason: string): Promise<0 | 1>;
  agentCallEnded(agentKey: string, callId: string, now: Arg, wrapUpMs: Arg, talkSeconds: Arg, day: string): Promise<0 | 1>;
  agentRegisteredAfresh(agentKey: string, now: Arg, dndReason: string): Promise<0 | 1>;
  /** The turn key, then one '1'/'0' per member. Returns the index taken or -1. */
  takeTurn(turnKey: string, eligibleMask: string): Promise<number>;
  /** 1: the lease is this holder's for ttlMs from now; 0: another instance holds it. */
  takeRouterLease(leaseKey: string, holder: string, ttlMs: Arg): Promise<0 | 1>;
  /** 1: the lease was this holder's and is free now. */
  releaseRouterLease(leaseKey: string, holder: string): Promise<0 | 1>;
}

/**
 * Connects to Redis and loads the Lua scripts. Fails fast with a sentence an
 * operator can act on; once running, ioredis reconnects by itself.
 */
export async function createRedis(url: string): Promise<LeadlineRedis> {
  const redis = new Redis(url, { lazyConnect: true, enableAutoPipelining: true, maxRetriesPerRequest: 3 }) as LeadlineRedis;
  for (const [name, { file, numberOfKeys }] of Object.entries(AGENT_COMMANDS)) {
    redis.defineCommand(name, { lua: agentScript(file), numberOfKeys });
  }
  redis.defineCommand('takeTurn', { lua: lua('take-turn'), numberOfKeys: 1 });
  for (const [name, file] of Object.entries(LEASE_COMMANDS)) redis.defineCommand(name, { lua: lua(file), numberOfKeys: 1 });
  redis.on('error', () => {}); // reconnects are logged by health checks; avoid unhandled 'error' events
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    const where = new URL(url);
    throw new StartupError(
      'REDIS_UNREACHABLE',
      `Redis is not reachable at ${where.hostname}:${where.port || 6379}: start it (redis-server --daemonize yes) or set redis.url in the configuration.`,
      { cause: err },
    );
  }
  return redis;
}

export async function checkRedis(redis: Redis): Promise<{ ok: boolean; detail?: string }> {
  try {
    await redis.ping();
    return { ok: true };
  } catch (err) {
    return { ok: false, detail: (err as Error).message };
  }
}
