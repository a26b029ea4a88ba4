import type { ChainableCommander } from 'ioredis';
import type { AgentStateStore, AnswerScoreStore } from '../../core/agents/agent-ports.js';
import { DND_PAUSE_REASON, type AgentState, type AutoPausePolicy, type OfferOutcome, type OfferRules } from '../../core/agents/agent-state.js';
import type { AnswerScore } from '../../core/routing/answer-score.js';
import type { LeadlineRedis } from './create-redis.js';
import type { RedisKeys } from './redis-keys.js';

/**
 * Managers' live state in Redis: one hash per manager (layout in lua/agent-hash.lua),
 * changed only by one Lua script per transition, each following applyAgentEvent in
 * agent-state.ts; the integration tests hold the two to the same results.
 */
export class RedisAgentStateStore implements AgentStateStore {
  constructor(private readonly redis: LeadlineRedis, private readonly keys: RedisKeys) {}

  /** One round trip: each manager's hash and whether his registration key exists. */
  async read(extensions: readonly string[], now: number): Promise<Map<string, AgentState>> {
    const out = new Map<string, AgentState>();
    if (extensions.length === 0) return out;
    const pipeline = this.redis.pipeline();
    for (const e of extensions) pipeline.hgetall(this.keys.agent(e)).exists(this.keys.registration(e));
    const replies = await execOrThrow(pipeline);
    extensions.forEach((e, i) => {
      out.set(e, agentStateFromHash(replies[2 * i] as Record<string, string>, replies[2 * i + 1] === 1, now));
    });
    return out;
  }

  async reserve(callId: string, candidates: readonly string[], count: number, rules: OfferRules, now: number): Promise<string[]> {
    if (candidates.length === 0 || count <= 0) return [];
    const keys = candidates.flatMap((e) => [this.keys.agent(e), this.keys.registration(e)]);
    const reserved = await this.redis.reserveAgents(keys.length, ...keys, callId, count, rules.maxConcurrentCalls, rules.skipBusy ? 1 : 0, now);
    return reserved.map((i) => candidates[i]!);
  }

  async reserveInTurn(line: string, callId: string, members: readonly string[], offerable: ReadonlySet<string>, rules: OfferRules, now: number): Promise<string | null> {
    if (members.length === 0) return null;
    const keys = [this.keys.turn(line), ...members.flatMap((e) => [this.keys.agent(e), this.keys.registration(e)])];
    const mask = members.map((e) => (offerable.has(e) ? '1' : '0')).join('');
    const index = await this.redis.reserveInTurn(keys.length, ...keys, callId, rules.maxConcurrentCalls, rules.skipBusy ? 1 : 0, now, mask);
    return index < 0 ? null : members[index]!;
  }

  async answered(extension: string, callId: string, now: number): Promise<boolean> {
    return (await this.redis.agentAnswered(this.keys.agent(extension), callId, now, DND_PAUSE_REASON)) === 1;
  }

  async offerFailed(extension: string, callId: string, outcome: OfferOutcome, now: number, policy: AutoPausePolicy): Promise<{ released: boolean; autoPaused: boolean }> {
    const [released, autoPaused] = await this.redis.agentOfferFailed(this.keys.agent(extension), callId, outcome, now, policy.afterMisses, policy.dndAfterDeclines, policy.dndWindowMs);
    return { released: released === 1, autoPaused: autoPaused === 1 };
  }

  async placedCall(extension: string, callId: string, now: number): Promise<void> {
    await this.redis.agentPlacedCall(this.keys.agent(extension), callId, now, DND_PAUSE_REASON);
  }

  async callEnded(extension: string, callId: string, now: number, wrapUpMs: number, talkSeconds: number, day: string): Promise<boolean> {
    return (await this.redis.agentCallEnded(this.keys.agent(extension), callId, now, wrapUpMs, talkSeconds, day)) === 1;
  }

  /** One HSET: atomic by itself. */
  async pause(extension: string, reason: string, now: number): Promise<void> {
    await this.redis.hset(this.keys.agent(extension), { pauseReason: reason, since: now });
  }

  /** HSET and HDEL in one MULTI, so no reader sees him unpaused with his old misses or refusals. */
  async unpause(extension: string, now: number): Promise<void> {
    const key = this.keys.agent(extension);
    await execOrThrow(this.redis.multi().hset(key, { consecutiveMisses: 0, since: now }).hdel(key, 'pauseReason', 'consecutiveDeclines', 'declinesSince'));
  }

  async registeredAfresh(extension: string, now: number): Promise<boolean> {
    return (await this.redis.agentRegisteredAfresh(this.keys.agent(extension), now, DND_PAUSE_REASON)) === 1;
  }
}

/** Answer scores in one hash apart from the state, so no state change ever resets them. */
export class RedisAnswerScoreStore implements AnswerScoreStore {
  constructor(private readonly redis: LeadlineRedis, private readonly keys: RedisKeys) {}

  async read(extensions: readonly string[]): Promise<Map<string, AnswerScore>> {
    const out = new Map<string, AnswerScore>();
    if (extensions.length === 0) return out;
    const values = await this.redis.hmget(this.keys.answerScores(), ...extensions);
    values.forEach((v, i) => {
      if (v) out.set(extensions[i]!, JSON.parse(v) as AnswerScore);
    });
    return out;
  }

  async write(extension: string, score: AnswerScore): Promise<void> {
    await this.redis.hset(this.keys.answerScores(), extension, JSON.stringify({ score: score.score, updatedAt: score.updatedAt }));
  }
}

/** The hash as the Lua scripts write it: an absent field is the AgentState default (null, [], 0; `since` = now). */
function agentStateFromHash(hash: Record<string, string>, registered: boolean, now: number): AgentState {
  const orNull = (v: string | undefined) => (v === undefined ? null : Number(v));
  return {
    registered,
    ringingFor: hash.ringingFor ?? null,
    calls: hash.calls === undefined ? [] : (JSON.parse(hash.calls) as string[]),
    wrapUpUntil: orNull(hash.wrapUpUntil),
    pauseReason: hash.pauseReason ?? null,
    consecutiveMisses: Number(hash.consecutiveMisses ?? 0),
    consecutiveDeclines: Number(hash.consecutiveDeclines ?? 0),
    declinesSince: orNull(hash.declinesSince),
    since: Number(hash.since ?? now),
    freeSince: orNull(hash.freeSince),
    day: hash.day ?? null,
    callsToday: Number(hash.callsToday ?? 0),
    talkSecondsToday: Number(hash.talkSecondsToday ?? 0),
  };
}

/** A pipeline's or MULTI's replies; ioredis reports a failed command in its slot instead of rejecting. */
async function execOrThrow(commands: ChainableCommander): Promise<unknown[]> {
  const replies = (await commands.exec()) ?? [];
  return replies.map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}
