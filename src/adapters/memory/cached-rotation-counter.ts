import type { RotationCounter } from '../../core/agents/agent-ports.js';

/**
 * Round-robin turns counted in memory, seeded from the shared counter and kept
 * moving there in the background: a round-robin call costs no round trip, and a
 * restart continues the rotation where it was. With several instances each keeps
 * its own turn order, which still spreads calls evenly.
 */
export class CachedRotationCounter implements RotationCounter {
  private readonly local = new Map<string, number>();

  constructor(
    private readonly shared: RotationCounter,
    private readonly onError: (err: unknown) => void,
  ) {}

  async next(line: string): Promise<number> {
    const current = this.local.get(line);
    if (current === undefined) {
      const seeded = await this.shared.next(line);
      this.local.set(line, seeded + 1);
      return seeded;
    }
    this.local.set(line, current + 1);
    this.shared.next(line).catch(this.onError);
    return current;
  }
}
