import type { Logger } from 'pino';
import type { AgentStateStore, CallbackTurns } from '../core/agents/agent-ports.js';
import type { LiveCall } from '../core/calls/live-call.js';
import { lastManagerWithin, type CallbackTaskStore, type ClientHistory } from '../core/calls/missed-call.js';
import { orderByStrategy } from '../core/routing/strategies.js';
import type { Scenario } from '../core/scenarios/scenario-schema.js';
import type { DomainEvents } from './domain-events.js';

export interface MissedCallsDeps {
  agents: AgentStateStore;
  turns: CallbackTurns;
  tasks: CallbackTaskStore;
  clients: ClientHistory;
  events: DomainEvents;
  log: Logger;
  random?: () => number;
  clock?: () => number;
}

/** How long a client stays his last manager's for callbacks, when no sticky step says otherwise. */
const CALLBACK_STICKY_DAYS = 30;

/** Retries of a task write that failed (PostgreSQL down): 1 s, 2 s, 4 s ... capped at a minute, never given up. */
const RETRY_BASE_MS = 1000;
const RETRY_MAX_MS = 60_000;

/**
 * A call nobody answered: a callback task for the client's own manager, or for
 * one of the callback group chosen by its strategy, and a `call.missed` event.
 */
export class MissedCalls {
  private pending = 0;

  constructor(private readonly deps: MissedCallsDeps) {}

  /** Not awaited by routing: the caller's answer does not wait for the task's write. */
  report(call: LiveCall, scenario: Scenario): void {
    void this.handle(call, scenario).catch((err: unknown) => this.deps.log.error({ err, callId: call.callId }, 'missed call not handled'));
  }

  /** Task writes still being retried (for health and tests). */
  get backlog(): number {
    return this.pending;
  }

  private async handle(call: LiveCall, scenario: Scenario): Promise<void> {
    const now = (this.deps.clock ?? Date.now)();
    const reason = call.missed?.reason ?? 'missed';
    const callback = scenario.missed.callback;
    const manager = callback ? await this.chooseManager(scenario, call, callback) : null;
    if (callback) {
      await this.persist({
        callId: call.callId,
        scenario: scenario.name,
        clientNumber: call.callerNumber,
        companyNumber: call.companyNumber ?? call.calleeNumber,
        manager,
        reason,
        createdAt: new Date(now),
      });
    }
    this.deps.log.info({ callId: call.callId, scenario: scenario.name, reason, callbackManager: manager }, 'call missed');
    if (scenario.missed.event) {
      this.deps.events.emit('call.missed', {
        callId: call.callId,
        scenario: scenario.name,
        callerNumber: call.callerNumber,
        companyNumber: call.companyNumber ?? call.calleeNumber,
        reason,
        callbackManager: manager,
        at: new Date(now).toISOString(),
      });
    }
  }

  private async chooseManager(scenario: Scenario, call: LiveCall, callback: NonNullable<Scenario['missed']['callback']>): Promise<string | null> {
    if (callback.sticky) {
      const own = call.progress?.stickyManager ?? (await lastManagerWithin(this.deps.clients, call.callerNumber, CALLBACK_STICKY_DAYS, (this.deps.clock ?? Date.now)()));
      if (own) return own;
    }
    const members = scenario.groups[callback.group] ?? [];
    const states = await this.deps.agents.read(members, (this.deps.clock ?? Date.now)());
    // Whoever is signed in (registered, not paused) can call back; if nobody is, the whole group.
    const isPresent = members.map((m) => Boolean(states.get(m)?.registered && states.get(m)?.pauseReason === null));
    const eligible = isPresent.includes(true) ? isPresent : members.map(() => true);
    if (callback.strategy === 'round-robin') {
      // A turn over the full member list, not a counter over those present: that list
      // changes between missed calls, and an index into it would skip managers.
      const index = await this.deps.turns.take(`${scenario.name}:callbacks`, eligible);
      return index === null ? null : members[index]!;
    }
    const pool = members.filter((_, i) => eligible[i]).map((extension) => {
      const s = states.get(extension);
      return { extension, freeSince: s?.freeSince ?? null, callsToday: s?.callsToday ?? 0, talkSecondsToday: s?.talkSecondsToday ?? 0, weight: 1 };
    });
    return orderByStrategy(callback.strategy, { agents: pool, sequence: 0, random: this.deps.random ?? Math.random }).order[0] ?? null;
  }

  private async persist(task: Parameters<CallbackTaskStore['add']>[0]): Promise<void> {
    this.pending++;
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          await this.deps.tasks.add(task);
          return;
        } catch (err) {
          const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** attempt);
          this.deps.log.warn({ err, callId: task.callId, retryInMs: delay }, 'callback task not saved yet: retrying');
          await new Promise((r) => setTimeout(r, delay));
        }
      }
    } finally {
      this.pending--;
    }
  }
}
