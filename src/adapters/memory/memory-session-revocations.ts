import type { SessionRevocations } from '../../core/auth/session-revocations.port.js';

/** One process's memory: for a single instance and tests. The launcher uses Redis (redis-session-revocations.ts). */
export class MemorySessionRevocations implements SessionRevocations {
  private readonly revoked = new Map<string, number>();
  private readonly generations = new Map<string, number>();

  constructor(private readonly clock: () => number = Date.now) {}

  async generation(login: string): Promise<number> {
    return this.generations.get(login) ?? 0;
  }

  async isAlive({ login, sid, gen }: { login: string; sid: string; gen: number }): Promise<boolean> {
    const until = this.revoked.get(sid);
    if (until !== undefined && until <= this.clock()) this.revoked.delete(sid);
    return !this.revoked.has(sid) && gen === (this.generations.get(login) ?? 0);
  }

  async revoke(sid: string, expiresAt: number): Promise<void> {
    this.revoked.set(sid, expiresAt);
  }

  async revokeAll(login: string): Promise<number> {
    const next = (this.generations.get(login) ?? 0) + 1;
    this.generations.set(login, next);
    return next;
  }
}
