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
    // PostgreSQL down: the day-long claim still refuses every recent collision, and
    // calls keep being routed instead of refused for as long as the outage lasts.
    const stored = this.stored?.hasCall(callId).catch(() => false) ?? false;
    const [fresh, found] = await Promise.all([this.claims.claim(callId), stored]);
    return fresh && !found;
  }

  /**
   * A route request heard by a standby and replayed at its takeover: its claim may be
   * the dead router's, taken for this very call before it died (nothing stored yet).
   * Claimed as usual; taken already, it is this call's unless a stored call has it. (A
   * live call with it was checked by the caller: that request was answered.)
   */
  async claimReplayed(callId: string): Promise<boolean> {
    const stored = this.stored?.hasCall(callId).catch(() => false) ?? false;
    const [, found] = await Promise.all([this.claims.claim(callId), stored]);
    return !found;
  }
}
