import type { CoachSession, CoachSessionStore } from '../../core/calls/coaching.js';

/** One process's memory: for a single instance and tests. The launcher uses Redis (redis-coach-sessions.ts). */
export class MemoryCoachSessions implements CoachSessionStore {
  private readonly sessions = new Map<string, { session: CoachSession; until: number }>();

  constructor(private readonly clock: () => number = Date.now) {}

  async put(session: CoachSession, ttlSeconds: number): Promise<void> {
    this.sessions.set(session.coachId, { session, until: this.clock() + ttlSeconds * 1000 });
  }

  async get(coachId: string): Promise<CoachSession | null> {
    const held = this.sessions.get(coachId);
    if (held === undefined) return null;
    if (held.until <= this.clock()) {
      this.sessions.delete(coachId);
      return null;
    }
    return held.session;
  }

  async forExtension(extension: string): Promise<CoachSession[]> {
    const out: CoachSession[] = [];
    for (const id of [...this.sessions.keys()]) {
      const s = await this.get(id);
      if (s !== null && s.extension === extension) out.push(s);
    }
    return out.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  }

  async remove(coachId: string): Promise<void> {
    this.sessions.delete(coachId);
  }
}
