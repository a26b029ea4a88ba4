import type { Logger } from 'pino';
import type { Config } from '../config/config-schema.js';
import type { CallbackTaskStore } from '../core/calls/missed-call.js';
import { CachedAgentStateStore } from '../adapters/memory/cached-agent-state-store.js';
import { CachedAnswerScoreStore } from '../adapters/memory/cached-answer-score-store.js';
import { CachedLiveCallStore } from '../adapters/memory/cached-live-call-store.js';
import { CachedRegistrationStore } from '../adapters/memory/cached-registration-store.js';
import type { LeadlineRedis } from '../adapters/redis/create-redis.js';
import { RedisAgentStateStore, RedisAnswerScoreStore } from '../adapters/redis/redis-agent-state-store.js';
import { RedisCallIdClaims } from '../adapters/redis/redis-call-id-claims.js';
import { RedisClientHistory } from '../adapters/redis/redis-client-history.js';
import { RedisKeys } from '../adapters/redis/redis-keys.js';
import { RedisLiveCallStore } from '../adapters/redis/redis-live-call-store.js';
import { RedisRegistrationStore } from '../adapters/redis/redis-registration-store.js';
import { RedisCallbackTurns } from '../adapters/redis/redis-callback-turns.js';
import type { CallRecordSink } from '../services/call-record-sink.js';
import type { ServiceStores } from './compose-services.js';

/**
 * The stores of a running service: Redis as the shared truth, with in-memory
 * mirrors in front of what every call reads (registrations, managers' states,
 * answer scores, the calls this instance routes; round-robin turns stay in Redis alone, moved by the reserving script). Loaded before the first call.
 */
export async function openSharedStores(opts: {
  config: Config;
  redis: LeadlineRedis;
  callbacks: CallbackTaskStore;
  records: CallRecordSink;
  log: Logger;
}): Promise<{
  stores: ServiceStores & { registrations: CachedRegistrationStore };
  /** This instance took the router lease: the mirrors are read again from the shared truth. */
  takeOver(): Promise<void>;
  /** It lost the lease: its copies of the live calls are another instance's to change now. */
  standBy(): void;
  stop(): void;
}> {
  const { config, redis } = opts;
  const keys = new RedisKeys(config.redis.keyPrefix);
  const extensions = config.managers.map((m) => m.extension);
  const registrations = new CachedRegistrationStore(new RedisRegistrationStore(redis, keys));
  await registrations.load(extensions);
  const agents = new CachedAgentStateStore(new RedisAgentStateStore(redis, keys), extensions, (e) => registrations.isRegistered(e), opts.log);
  await agents.start(Date.now());
  const scores = new CachedAnswerScoreStore(new RedisAnswerScoreStore(redis, keys));
  await scores.load(extensions);
  const liveCalls = new CachedLiveCallStore(new RedisLiveCallStore(redis, keys));
  return {
    stores: {
      registrations,
      agents,
      scores,
      callbackTurns: new RedisCallbackTurns(redis, keys),
      liveCalls,
      callIds: new RedisCallIdClaims(redis, keys),
      clients: new RedisClientHistory(redis, keys),
      callbacks: opts.callbacks,
      records: opts.records,
    },
    takeOver: async () => {
      await registrations.load(extensions);
      await scores.load(extensions);
    },
    standBy: () => liveCalls.forget(),
    stop: () => agents.stop(),
  };
}
