import type {
  AgentActivity,
  AgentActivityStore,
  AgentHold,
  Registration,
  RegistrationStore,
  RotationCounter,
} from '../../core/agents/agent-ports.js';
import type { LeadlineRedis } from './create-redis.js';
import type { RedisKeys } from './redis-keys.js';

/** Registrations expire in Redis with the phone's own expiry, so a phone that vanishes goes offline by itself. */
export class RedisRegistrationStore implements RegistrationStore {
  constructor(private readonly redis: LeadlineRedis, private readonly keys: RedisKeys) {}

  async setRegistered(extension: string, reg: Registration, expiresSeconds: number): Promise<void> {
    await this.redis.set(this.keys.registration(extension), JSON.stringify(reg), 'EX', Math.max(1, expiresSeconds));
  }

  async setUnregistered(extension: string): Promise<void> {
    await this.redis.del(this.keys.registration(extension));
  }

  async registered(extensions: readonly string[]): Promise<Map<string, Registration>> {
    const out = new Map<string, Registration>();
    if (extensions.length === 0) return out;
    const values = await this.redis.mget(extensions.map((e) => this.keys.registration(e)));
    values.forEach((v, i) => {
      if (v) out.set(extensions[i]!, JSON.parse(v) as Registration);
    });
    return out;
  }
}

export class RedisAgentActivityStore implements AgentActivityStore {
  constructor(private readonly redis: LeadlineRedis, private readonly keys: RedisKeys) {}

  async hold(extension: string, activity: AgentActivity, callId: string, at: number): Promise<void> {
    const hold: AgentHold = { activity, callId, since: at };
    await this.redis.hset(this.keys.agentHolds(), extension, JSON.stringify(hold));
  }

  async release(extension: string, callId: string): Promise<boolean> {
    return (await this.redis.releaseAgent(this.keys.agentHolds(), extension, callId)) === 1;
  }

  async holds(extensions: readonly string[]): Promise<Map<string, AgentHold>> {
    const out = new Map<string, AgentHold>();
    if (extensions.length === 0) return out;
    const values = await this.redis.hmget(this.keys.agentHolds(), ...extensions);
    values.forEach((v, i) => {
      if (v) out.set(extensions[i]!, JSON.parse(v) as AgentHold);
    });
    return out;
  }
}

export class RedisRotationCounter implements RotationCounter {
  constructor(private readonly redis: LeadlineRedis, private readonly keys: RedisKeys) {}

  async next(line: string): Promise<number> {
    return (await this.redis.incr(this.keys.rotation(line))) - 1;
  }
}
