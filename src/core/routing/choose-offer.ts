import { canOffer, countersFor, type AgentState } from '../agents/agent-state.js';
import type { Step } from '../scenarios/scenario-schema.js';
import { routingWeight, type AnswerScore, initialScore } from './answer-score.js';
import { orderByStrategy, type AgentSnapshot, type StrategyChoice } from './strategies.js';

export interface OfferContext {
  states: ReadonlyMap<string, AgentState>;
  scores: ReadonlyMap<string, AnswerScore>;
  random: () => number;
  now: number;
  /** Local date of the scenario (YYYY-MM-DD): today's counters belong to it. */
  day: string;
}

/**
 * Who of the step's candidates may be offered the call now, in the order the
 * step's strategy prefers. The caller reserves from this list atomically: the
 * snapshot may be stale by the time it reaches Redis, the reservation is not.
 */
export function chooseOffer(step: Step, candidates: readonly string[], ctx: OfferContext): StrategyChoice {
  const rules = { maxConcurrentCalls: step.maxConcurrentCalls, skipBusy: step.skipBusy };
  const eligible: AgentSnapshot[] = [];
  for (const extension of candidates) {
    const state = ctx.states.get(extension);
    if (!state || !canOffer(state, ctx.now, rules)) continue;
    const today = countersFor(state, ctx.day);
    eligible.push({
      extension,
      freeSince: state.freeSince,
      callsToday: today.callsToday,
      talkSecondsToday: today.talkSecondsToday,
      weight: routingWeight(ctx.scores.get(extension) ?? initialScore(ctx.now), ctx.now),
    });
  }
  if (step.kind === 'sticky') return { mode: 'serial', order: eligible.map((a) => a.extension) };
  // Round-robin's turn is kept with the reservation (rotation.ts, reserve-in-turn.lua), not here:
  // this order is the configured one, from the first member.
  return orderByStrategy(step.strategy, { agents: eligible, sequence: 0, random: ctx.random });
}
