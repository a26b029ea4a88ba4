import type { LiveCall } from '../../core/calls/live-call.js';
import type { LiveCallStore } from '../../core/calls/live-call-store.js';

/**
 * Write-through cache in front of the shared store: the instance that routed a
 * call answers its events from memory (two Redis round trips less per call),
 * while the shared store still has every live call for other instances and
 * for a restart. Entries leave with the call.
 */
export class CachedLiveCallStore implements LiveCallStore {
  private readonly memory = new Map<string, LiveCall>();

  constructor(private readonly shared: LiveCallStore) {}

  async get(callId: string): Promise<LiveCall | null> {
    return this.memory.get(callId) ?? (await this.shared.get(callId));
  }

  put(call: LiveCall): Promise<void> {
    this.memory.set(call.callId, call);
    return this.shared.put(call);
  }

  remove(callId: string): Promise<void> {
    this.memory.delete(callId);
    return this.shared.remove(callId);
  }

  /** Drops the mirror: another instance now changes these calls (this one lost the router lease). */
  forget(): void {
    this.memory.clear();
  }

  ids(): Promise<string[]> {
    return this.shared.ids();
  }

  get size(): number {
    return this.memory.size;
  }
}
