import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { checkLeaseFitsFirstDecision, failoverSchema, worstTakeoverSeconds } from '../../../src/config/failover-config-schema.js';
import { sipSecuritySchema } from '../../../src/config/sip-security-config-schema.js';

const both = z.object({ failover: failoverSchema, sipSecurity: sipSecuritySchema }).superRefine(checkLeaseFitsFirstDecision);

describe('failover config', () => {
  it('defaults to a 2 s lease, replaced within 2.25 s: inside the default 3 s Kamailio gives a first decision', () => {
    const parsed = both.parse({});
    expect(parsed.failover.leaseSeconds).toBe(2);
    expect(worstTakeoverSeconds(parsed.failover.leaseSeconds)).toBe(2.25);
  });

  it('refuses a lease whose takeover would outlast the first-decision timer, saying what to raise it to', () => {
    const result = both.safeParse({ failover: { leaseSeconds: 4 } });
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([
      expect.objectContaining({ path: ['failover', 'leaseSeconds'], message: expect.stringMatching(/4\.5 s .*firstDecisionSeconds: 3\).*raise firstDecisionSeconds to 5$/) }),
    ]);
    expect(both.safeParse({ failover: { leaseSeconds: 4 }, sipSecurity: { firstDecisionSeconds: 5 } }).success).toBe(true);
  });

  it('refuses a lease too short to renew over a loaded network, or not a number', () => {
    expect(both.safeParse({ failover: { leaseSeconds: 0.2 } }).success).toBe(false);
    expect(both.safeParse({ failover: { leaseSeconds: 'two' } }).success).toBe(false);
  });
});
