import type { Registration, RegistrationStore } from '../../core/agents/agent-ports.js';

/**
 * Registrations change only on REGISTER (Kamailio broadcasts each to every
 * connected instance), but every call reads all of them: keep them in memory,
 * write through to the shared store, and load it once at start. Expiry is kept
 * here too, so a phone that stops refreshing goes offline without any event.
 */
export class CachedRegistrationStore implements RegistrationStore {
  private readonly memory = new Map<string, { registration: Registration; expiresAt: number }>();

  constructor(
    private readonly shared: RegistrationStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Loads what the shared store knows (after a restart); remaining lifetimes are not known, so the shared TTL governs until the next REGISTER. */
  async load(extensions: readonly string[], assumedSeconds = 60): Promise<void> {
    for (const [extension, registration] of await this.shared.registered(extensions)) {
      this.memory.set(extension, { registration, expiresAt: this.now() + assumedSeconds * 1000 });
    }
  }

  setRegistered(extension: string, registration: Registration, expiresSeconds: number): Promise<void> {
    this.memory.set(extension, { registration, expiresAt: this.now() + expiresSeconds * 1000 });
    return this.shared.setRegistered(extension, registration, expiresSeconds);
  }

  setUnregistered(extension: string): Promise<void> {
    this.memory.delete(extension);
    return this.shared.setUnregistered(extension);
  }

  /**
   * A registration another instance is storing (this one stands by and hears the same
   * REGISTER): the mirror stays warm, the shared store is that instance's to write.
   */
  remember(extension: string, registration: Registration, expiresSeconds: number): void {
    this.memory.set(extension, { registration, expiresAt: this.now() + expiresSeconds * 1000 });
  }

  forget(extension: string): void {
    this.memory.delete(extension);
  }

  /** Synchronous check for the agent-state mirror. */
  isRegistered(extension: string): boolean {
    const entry = this.memory.get(extension);
    return entry !== undefined && entry.expiresAt > this.now();
  }

  async registered(extensions: readonly string[]): Promise<Map<string, Registration>> {
    const now = this.now();
    const out = new Map<string, Registration>();
    for (const extension of extensions) {
      const entry = this.memory.get(extension);
      if (entry && entry.expiresAt > now) out.set(extension, entry.registration);
    }
    return out;
  }
}
