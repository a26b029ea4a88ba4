import type { Scenario, Step } from '../scenarios/scenario-schema.js';

/**
 * Where an inbound call is in its scenario. Pure data, stored with the live call.
 * A step ends when its max_wait is spent, or when everyone it may ring has been
 * rung once for this call; the next step then starts with a clean slate.
 */
export interface CallProgress {
  scenario: string;
  step: number;
  stepStartedAt: number;
  /** Managers already offered this call in the current step (not rung twice per step). */
  tried: string[];
  /** The client's own manager (sticky), if known. */
  stickyManager: string | null;
  /** Known clients are served before the others while waiting. */
  priority: boolean;
  /** SIP branches used so far: Kamailio allows at most 30 per transaction. */
  branches: number;
}

/** Kamailio's max_branches is 30 (tm's ceiling); keep two in hand for the last suspension. */
export const MAX_BRANCHES = 28;

export function startProgress(scenario: Scenario, now: number, stickyManager: string | null): CallProgress {
  return { scenario: scenario.name, step: 0, stepStartedAt: now, tried: [], stickyManager, priority: stickyManager !== null, branches: 0 };
}

export type StepPlan =
  | { kind: 'ring'; step: Step; candidates: string[]; deadline: number }
  | { kind: 'next-step' }
  | { kind: 'missed'; reason: string };

/** What the current step may do now: ring some of these managers, or give way to the next step. */
export function planStep(scenario: Scenario, progress: CallProgress, now: number): StepPlan {
  if (progress.branches >= MAX_BRANCHES) return { kind: 'missed', reason: `gave up after ${progress.branches} ring attempts` };
  const step = scenario.steps[progress.step];
  if (!step) return { kind: 'missed', reason: missedReason(scenario, progress) };
  const deadline = progress.stepStartedAt + step.maxWait * 1000;
  if (now >= deadline) return { kind: 'next-step' };
  const members = step.kind === 'sticky' ? (progress.stickyManager ? [progress.stickyManager] : []) : scenario.groups[step.group] ?? [];
  const candidates = members.filter((m) => !progress.tried.includes(m));
  if (candidates.length === 0) return { kind: 'next-step' };
  return { kind: 'ring', step, candidates, deadline };
}

export function nextStep(progress: CallProgress, now: number): CallProgress {
  return { ...progress, step: progress.step + 1, stepStartedAt: now, tried: [] };
}

export function markOffered(progress: CallProgress, managers: readonly string[]): CallProgress {
  return { ...progress, tried: [...progress.tried, ...managers], branches: progress.branches + managers.length };
}

/** A suspension (waiting in line) costs Kamailio one blind branch too. */
export function markSuspended(progress: CallProgress): CallProgress {
  return { ...progress, branches: progress.branches + 1 };
}

function missedReason(scenario: Scenario, progress: CallProgress): string {
  return `no manager answered in ${scenario.steps.length} step${scenario.steps.length === 1 ? '' : 's'} of ${progress.scenario}`;
}
