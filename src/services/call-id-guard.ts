import type { CallIdClaims } from '../core/calls/call-id-claims.port.js';
import type { CallStore } from '../core/calls/call-store.port.js';

/**
 * A Call-ID is free when no live or recent call claimed it (the shared claim, atomic)
 * and no stored record carries it (older calls, whose claims have expired). Both are
 * asked at once, so the check costs one round trip on the routing path.
 */
export class CallIdGuard implements CallIdClaims {
  constructor(
    private readonly claims: CallIdClaims,
    private readonly stored?: Pick<CallStore, 'hasCall'>,
  ) {}

  async claim(callId: string): Promise<boolean> {
    const [fresh, stored] = await Promise.all([this.claims.claim(callId), this.stored?.hasCall(callId) ?? false]);
    return fresh && !stored;
  }
}
