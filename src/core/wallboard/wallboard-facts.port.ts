import type { PastDayHours } from './hourly-profile.js';
import type { WallboardCall } from './wallboard-figures.js';

/** A local day and the instants [from, to) it spans. */
export interface LocalDaySpan {
  day: string;
  from: Date;
  to: Date;
}

/** What the wallboard reads of the call history (src/adapters/postgres/wallboard-facts.ts). */
export interface WallboardFacts {
  /** Inbound calls started in [from, to), finished (the history holds only finished calls). */
  inboundCalls(from: Date, to: Date): Promise<WallboardCall[]>;
  /** Per day, inbound calls per local hour of their start in the zone. */
  inboundByHour(days: readonly LocalDaySpan[], timeZone: string): Promise<PastDayHours[]>;
}
