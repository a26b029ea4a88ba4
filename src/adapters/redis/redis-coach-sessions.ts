import type { CoachSession, CoachSessionStore } from '../../core/calls/coaching.js';
import type { LeadlineRedis } from './create-redis.js';
import type { RedisKeys } from './redis-keys.js';

/**
 * Coaching sessions in Redis, so the supervisor may start one on any service instance and
 * the manager's phone find it on another. Each session expires by itself (a supervisor
 * whose page died never ends his); the manager's set is pruned of expired ids on read.
 */
export class RedisCoachSessions implements CoachSessionStore {
  constructor(private readonly redis: LeadlineRedis, private readonly keys: RedisKeys) {}

  async put(session: CoachSession, ttlSeconds: number): Promise<void> {
    const setKey = this.keys.coachSessionsOf(session.extension);
    await this.redis
      .multi()
      .set(this.keys.coachSession(session.coachId), JSON.stringify(session), 'EX', ttlSeconds)
      .sadd(setKey, session.coachId)
      .expire(setKey, ttlSeconds)
      .exec();
  }

  async get(coachId: string): Promise<CoachSession | null> {
    const text = await this.redis.get(this.keys.coachSession(coachId));
    return text === null ? null : (JSON.parse(text) as CoachSession);
  }

  async forExtension(extension: string): Promise<CoachSession[]> {
    const setKey = this.keys.coachSessionsOf(extension);
    const ids = await this.redis.smembers(setKey);
    if (ids.length === 0) return [];
    const texts = await this.redis.mget(...ids.map((id) => this.keys.coachSession(id)));
    const gone = ids.filter((_, i) => texts[i] === null);
    if (gone.length > 0) await this.redis.srem(setKey, ...gone);
    return texts
      .filter((t): t is string => t !== null)
      .map((t) => JSON.parse(t) as CoachSession)
      .sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  }

  async remove(coachId: string): Promise<void> {
    const session = await this.get(coachId);
    if (session === null) return;
    await this.redis.multi().del(this.keys.coachSession(coachId)).srem(this.keys.coachSessionsOf(session.extension), coachId).exec();
  }
}
