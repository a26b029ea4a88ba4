import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { createRedis, type LeadlineRedis } from '../../src/adapters/redis/create-redis.js';
import { RedisKeys } from '../../src/adapters/redis/redis-keys.js';

export const TEST_REDIS_URL = process.env.LEADLINE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

/**
 * A real Redis for one test file: connects before its tests, and afterwards deletes
 * every key under a random prefix of its own (so files and runs never share keys)
 * and closes every client it handed out.
 */
export function useTestRedis() {
  const prefix = `itest:${randomBytes(4).toString('hex')}:`;
  const clients: LeadlineRedis[] = [];
  let main: LeadlineRedis | undefined;

  /** One more client: another connection, as a second service instance would have. */
  const connect = async (): Promise<LeadlineRedis> => {
    const redis = await createRedis(TEST_REDIS_URL);
    clients.push(redis);
    return redis;
  };

  beforeAll(async () => {
    main = await connect();
  });

  afterAll(async () => {
    if (main) {
      const found = await main.keys(`${prefix}*`);
      if (found.length) await main.del(...found);
    }
    for (const client of clients) client.disconnect();
  });

  return {
    prefix,
    keys: new RedisKeys(prefix),
    connect,
    get redis(): LeadlineRedis {
      if (!main) throw new Error('useTestRedis: the client connects in beforeAll');
      return main;
    },
  };
}
