import { z } from 'zod';

/**
 * failover: several service instances on one Kamailio (docs/operations.md). Every
 * instance competes for one lease in Redis; the holder routes, the others stand by,
 * hear every event and take over when the holder's lease runs out.
 */
export const failoverSchema = z.object({
  /**
   * How long a router that died keeps the lease: the longest routing pauses when it
   * dies (a standby tries every eighth of it). Callers whose INVITE comes in meanwhile
   * wait for the takeover, within sipSecurity.firstDecisionSeconds.
   */
  leaseSeconds: z.number().min(0.5).max(30).default(2),
}).prefault({});

/** The longest a standby can take to replace a dead router, in seconds (RouterElection). */
export function worstTakeoverSeconds(leaseSeconds: number): number {
  return leaseSeconds + leaseSeconds / 8;
}

/** Margin left for the replayed answer to reach Kamailio before its own 503 (StandbyGate). */
const ANSWER_MARGIN_SECONDS = 0.25;

/** A lease so long that callers coming in during a takeover would all get Kamailio's 503 is a mistake. */
export function checkLeaseFitsFirstDecision(
  config: { failover: { leaseSeconds: number }; sipSecurity: { firstDecisionSeconds: number } },
  ctx: z.RefinementCtx,
): void {
  const takeover = worstTakeoverSeconds(config.failover.leaseSeconds);
  const needed = Math.ceil(takeover + ANSWER_MARGIN_SECONDS + 0.001);
  if (config.sipSecurity.firstDecisionSeconds < needed) {
    ctx.addIssue({
      code: 'custom',
      path: ['failover', 'leaseSeconds'],
      message: `a standby may take ${takeover} s to replace a dead router, longer than Kamailio waits for a first decision (sipSecurity.firstDecisionSeconds: ${config.sipSecurity.firstDecisionSeconds}): lower leaseSeconds or raise firstDecisionSeconds to ${needed}`,
    });
  }
}
