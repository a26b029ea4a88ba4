import type { CallIdClaims } from '../../core/calls/call-id-claims.port.js';
import type { CallbackTurns, Registration, RegistrationStore } from '../../core/agents/agent-ports.js';
import { pickInTurn } from '../../core/routing/rotation.js';
import type { LiveCall } from '../../core/calls/live-call.js';
import type { LiveCallStore } from '../../core/calls/live-call-store.js';

/** In-memory twins of the Redis stores, for unit tests of the services. */
export class MemoryRegistrationStore implements RegistrationStore {
  readonly entries = new Map<string, Registration>();

  async setRegistered(extension: string, reg: Registration): Promise<void> {
    this.entries.set(extension, reg);
  }

  async setUnregistered(extension: string): Promise<void> {
    this.entries.delete(extension);
  }

  async registered(extensions: readonly string[]): Promise<Map<string, Registration>> {
    return new Map(extensions.filter((e) => this.entries.has(e)).map((e) => [e, this.entries.get(e)!]));
  }
}

export class MemoryCallbackTurns implements CallbackTurns {
  private readonly turns = new Map<string, number>();

  async take(line: string, eligible: readonly boolean[]): Promise<number | null> {
    const { offered, turn } = pickInTurn(eligible.length, this.turns.get(line) ?? 0, (i) => eligible[i]!);
    this.turns.set(line, turn);
    return offered;
  }
}

export class MemoryCallIdClaims implements CallIdClaims {
  readonly claimed = new Set<string>();

  async claim(callId: string): Promise<boolean> {
    if (this.claimed.has(callId)) return false;
    this.claimed.add(callId);
    return true;
  }
}

export class MemoryLiveCallStore implements LiveCallStore {
  readonly entries = new Map<string, LiveCall>();

  async get(callId: string): Promise<LiveCall | null> {
    return this.entries.get(callId) ?? null;
  }

  async put(call: LiveCall): Promise<void> {
    this.entries.set(call.callId, call);
  }

  async remove(callId: string): Promise<void> {
    this.entries.delete(callId);
  }

  async ids(): Promise<string[]> {
    return [...this.entries.keys()];
  }
}
