/**
 * The distribution strategies of a scenario step. Each orders the eligible
 * managers of a group for one call; the caller then reserves the first who is
 * still free (atomically, in Redis). Pure: the snapshot and the dice come in.
 */
export const STRATEGIES = [
  'ring-all',
  'round-robin',
  'longest-idle',
  'fewest-calls-today',
  'least-talk-time-today',
  'sequential',
  'random',
  'performance-weighted',
] as const;

export type StrategyName = (typeof STRATEGIES)[number];

/** What routing knows about one eligible manager at the moment of the call. */
export interface AgentSnapshot {
  extension: string;
  /** When the manager last became free (end of wrap-up), epoch ms; null if never on a call. */
  freeSince: number | null;
  callsToday: number;
  talkSecondsToday: number;
  /** Performance weight from the answer score (see answer-score.ts). */
  weight: number;
}

export interface StrategyInput {
  /** The group's members in their configured order, already filtered to eligible managers. */
  agents: readonly AgentSnapshot[];
  /** A per-group counter that grows by one per call (round-robin). */
  sequence: number;
  /** Uniform in [0, 1): injected so tests are deterministic. */
  random: () => number;
}

export interface StrategyChoice {
  /** ring-all rings everyone at once; every other strategy rings one at a time. */
  mode: 'parallel' | 'serial';
  order: string[];
}

type Orderer = (input: StrategyInput) => AgentSnapshot[];

/**
 * Performance-weighted's guaranteed share. With n managers free, manager i is
 * offered a call first with probability
 *   PERFORMANCE_FLOOR / n + (1 - PERFORMANCE_FLOOR) * w_i / sum(w)
 * so at least 0.2 / n of the calls, whatever his answer score (w from answer-score.ts).
 */
export const PERFORMANCE_FLOOR = 0.2;

/** The list started at position n (mod its length): the n-th call's round-robin order. */
export function rotate<T>(items: readonly T[], n: number): T[] {
  if (items.length === 0) return [];
  const start = ((n % items.length) + items.length) % items.length;
  return [...items.slice(start), ...items.slice(0, start)];
}

/** Ties fall back to the configured order, so results are stable. */
const byThenConfigured = (key: (a: AgentSnapshot) => number): Orderer => ({ agents }) =>
  agents
    .map((agent, index) => ({ agent, index }))
    .sort((a, b) => key(a.agent) - key(b.agent) || a.index - b.index)
    .map(({ agent }) => agent);

const orderers: Record<StrategyName, Orderer> = {
  'ring-all': ({ agents }) => [...agents],
  sequential: ({ agents }) => [...agents],
  'round-robin': ({ agents, sequence }) => rotate(agents, sequence),
  // Never on a call counts as idle the longest.
  'longest-idle': byThenConfigured((a) => a.freeSince ?? Number.NEGATIVE_INFINITY),
  'fewest-calls-today': byThenConfigured((a) => a.callsToday),
  'least-talk-time-today': byThenConfigured((a) => a.talkSecondsToday),
  random: ({ agents, random }) => weightedShuffle(agents, () => 1, random),
  // The floor: one call in PERFORMANCE_FLOOR is shared evenly, so a weak manager still gets calls to prove himself.
  'performance-weighted': ({ agents, random }) => weightedShuffle(agents, random() < PERFORMANCE_FLOOR ? () => 1 : (a) => a.weight, random),
};

export function orderByStrategy(strategy: StrategyName, input: StrategyInput): StrategyChoice {
  return {
    mode: strategy === 'ring-all' ? 'parallel' : 'serial',
    order: orderers[strategy](input).map((a) => a.extension),
  };
}

/**
 * Weighted random order without replacement (Efraimidis–Spirakis: sort by u^(1/w)),
 * so each manager comes first with probability proportional to his weight.
 */
function weightedShuffle(agents: readonly AgentSnapshot[], weightOf: (a: AgentSnapshot) => number, random: () => number): AgentSnapshot[] {
  return agents
    .map((agent) => ({ agent, key: Math.pow(Math.max(random(), Number.MIN_VALUE), 1 / Math.max(weightOf(agent), 1e-9)) }))
    .sort((a, b) => b.key - a.key)
    .map(({ agent }) => agent);
}
