import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Config } from '../config/config-schema.js';
import type { LeadlineRedis } from '../adapters/redis/create-redis.js';
import { RedisKeys } from '../adapters/redis/redis-keys.js';
import { RedisHandledEvents, RedisRouterLease } from '../adapters/redis/redis-router-lease.js';
import { RouterElection } from '../services/router-election.js';

/**
 * The router lease and what the bridge needs to follow it: every instance of one
 * install (one Redis prefix) competes; the holder routes, the others stand by.
 */
export function routerFailover(config: Config, redis: LeadlineRedis, log: Logger) {
  const keys = new RedisKeys(config.redis.keyPrefix);
  const leaseMs = config.failover.leaseSeconds * 1000;
  const election = new RouterElection({
    lease: new RedisRouterLease(redis, keys),
    holder: `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`,
    leaseMs,
    log,
  });
  return {
    election,
    leadership: {
      isActive: () => election.isActive,
      handled: new RedisHandledEvents(redis, keys),
      // What a standby keeps: the longest a dead router goes unreplaced, twice, and the
      // first-decision timer, plus slack for a loaded machine.
      windowMs: 2 * leaseMs + config.sipSecurity.firstDecisionSeconds * 1000 + 10_000,
    },
  };
}
