import { z } from 'zod';

/**
 * sipSecurity: how Kamailio answers password guessing and a silent service
 * (docs/security-sip.md). Failed digest attempts are counted per source address and
 * per user name; either reaching maxAuthFailures within failureWindowSeconds (since
 * the last failure) is refused for banSeconds.
 */
export const sipSecuritySchema = z.object({
  maxAuthFailures: z.number().int().min(3).max(1000).default(10),
  failureWindowSeconds: z.number().int().min(10).max(86_400).default(300),
  banSeconds: z.number().int().min(10).max(604_800).default(900),
  /**
   * How long Kamailio waits for the service's first answer to a new call before it
   * answers 503 itself (a call the service puts in line then waits up to routing.maxCallWaitSeconds).
   */
  firstDecisionSeconds: z.number().int().min(1).max(30).default(3),
}).prefault({});

/**
 * Per trunk: new calls per second and calls in progress it may bring. A trunk is trusted
 * by its address alone, so these bound what a spoofed or compromised one can cost.
 * The excess gets 503 with Retry-After (rate) or 486 (concurrent calls).
 */
export const trunkLimitsSchema = {
  maxCallsPerSecond: z.number().int().min(1).max(10_000).default(100),
  maxConcurrentCalls: z.number().int().min(1).max(100_000).default(300),
};
