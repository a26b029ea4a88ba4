import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { StartupError } from '../../core/errors/app-error.js';

const script = (name: string) => readFileSync(new URL(`./lua/${name}.lua`, import.meta.url), 'utf8');

export interface LeadlineRedis extends Redis {
  releaseAgent(holdsKey: string, extension: string, callId: string): Promise<number>;
}

/**
 * Connects to Redis and loads the Lua scripts. Fails fast with a sentence an
 * operator can act on; once running, ioredis reconnects by itself.
 */
export async function createRedis(url: string): Promise<LeadlineRedis> {
  const redis = new Redis(url, { lazyConnect: true, enableAutoPipelining: true, maxRetriesPerRequest: 3 }) as LeadlineRedis;
  redis.defineCommand('releaseAgent', { numberOfKeys: 1, lua: script('release-agent-1') });
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
