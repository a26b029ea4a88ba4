/**
 * The manager who takes a lead whose owner let its SLA pass: among the candidates
 * (registered managers), not the owner, the one with the fewest undialled leads;
 * ties go to the first in the candidates' order (the configuration's), so the choice
 * is the same on every instance. null when nobody else can take it.
 */
export function leastLoadedManager(candidates: readonly string[], openLeads: ReadonlyMap<string, number>, owner: string | null): string | null {
  let best: string | null = null;
  let bestLoad = Infinity;
  for (const manager of candidates) {
    if (manager === owner) continue;
    const load = openLeads.get(manager) ?? 0;
    if (load < bestLoad) {
      best = manager;
      bestLoad = load;
    }
  }
  return best;
}
