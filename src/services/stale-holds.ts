import type { Logger } from 'pino';
import { NEVER_AUTO_PAUSE } from '../core/agents/agent-state.js';
import type { AgentStateStore } from '../core/agents/agent-ports.js';
import type { LiveCallStore } from '../core/calls/live-call-store.js';
import { localDate } from '../core/scenarios/business-hours.js';

export interface StaleHoldsDeps {
  agents: AgentStateStore;
  liveCalls: LiveCallStore;
  /** The managers swept; a Set a reload changes is read afresh at every sweep. */
  extensions: Iterable<string>;
  timezone: string;
  log: Logger;
  clock?: () => number;
}

/**
 * A manager is freed by the events of the call that holds him. If the instance
 * handling that call died (or Redis lost the call), no event will ever come and
 * he would never be offered a call again. This sweep frees managers held by a
 * call that no longer exists. The grace period covers the moment between a
 * reservation and the live call's first write.
 */
const GRACE_MS = 60_000;
const SWEEP_EVERY_MS = 30_000;

export class StaleHolds {
  private timer: NodeJS.Timeout | undefined;
  private readonly clock: () => number;

  constructor(private readonly deps: StaleHoldsDeps) {
    this.clock = deps.clock ?? Date.now;
  }

  start(): void {
    this.timer = setInterval(() => {
      this.sweep().catch((err: unknown) => this.deps.log.warn({ err }, 'stale hold sweep failed'));
    }, SWEEP_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Frees every manager held by a call that is gone; returns how many holds were freed. */
  async sweep(): Promise<number> {
    const now = this.clock();
    const states = await this.deps.agents.read([...this.deps.extensions], now);
    let freed = 0;
    for (const [extension, state] of states) {
      if (now - state.since < GRACE_MS) continue;
      for (const callId of [state.ringingFor, ...state.calls]) {
        if (callId === null || (await this.deps.liveCalls.get(callId))) continue;
        this.deps.log.warn({ callId, manager: extension }, 'manager held by a call that no longer exists: freed');
        if (callId === state.ringingFor) await this.deps.agents.offerFailed(extension, callId, 'cancelled', now, NEVER_AUTO_PAUSE);
        else await this.deps.agents.callEnded(extension, callId, now, 0, 0, localDate(this.deps.timezone, new Date(now)));
        freed++;
      }
    }
    return freed;
  }
}
