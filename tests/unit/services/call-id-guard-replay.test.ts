import { describe, expect, it } from 'vitest';
import type { CallIdClaims } from '../../../src/core/calls/call-id-claims.port.js';
import { CallIdGuard } from '../../../src/services/call-id-guard.js';

class Claims implements CallIdClaims {
  readonly taken = new Set<string>();
  async claim(callId: string): Promise<boolean> {
    if (this.taken.has(callId)) return false;
    this.taken.add(callId);
    return true;
  }
}

describe('Call-ID claims of a route request replayed at a takeover', () => {
  it('counts a claim the dead router took for the same call as this call, but never a stored call’s Call-ID', async () => {
    const claims = new Claims();
    const stored = new Set(['old-call']);
    const guard = new CallIdGuard(claims, { hasCall: async (id) => stored.has(id) });
    // The dead router claimed it, then died before storing anything.
    await claims.claim('in-flight');
    expect(await guard.claim('in-flight')).toBe(false);
    expect(await guard.claimReplayed('in-flight')).toBe(true);
    // Never heard of: claimed now.
    expect(await guard.claimReplayed('fresh')).toBe(true);
    expect(claims.taken.has('fresh')).toBe(true);
    // A finished call's Call-ID stays refused, replayed or not.
    expect(await guard.claimReplayed('old-call')).toBe(false);
    expect(await guard.claim('old-call')).toBe(false);
  });
});
