import type { Config } from '../config/config-schema.js';
import type { AgentStateStore, AnswerScoreStore } from '../core/agents/agent-ports.js';
import { countersFor, statusAt, type AgentState } from '../core/agents/agent-state.js';
import { NotFoundError } from '../core/errors/app-error.js';
import { initialScore, routingWeight, type AnswerScore } from '../core/routing/answer-score.js';
import { isOpen, localDate } from '../core/scenarios/business-hours.js';
import type { LoadedScenario } from '../core/scenarios/parse-scenario.js';
import type { CallLedger } from './call-ledger.js';
import type { InboundDistributor } from './inbound-distributor.js';
import type { ManagerView, RoutingConsole, ScenarioView, WaitingCallView } from './routing-console.js';

export interface RoutingConsoleDeps {
  config: Config;
  agents: AgentStateStore;
  scores: AnswerScoreStore;
  calls: CallLedger;
  distributor: InboundDistributor;
  scenarios: { active(): LoadedScenario[]; errors(): { file: string; message: string }[] };
  clock?: () => number;
}

/** Live routing as the API shows it: managers' states, the waiting line, the scenarios. */
export class RoutingConsoleService implements RoutingConsole {
  private names: Map<string, string>;
  private readonly clock: () => number;

  constructor(private readonly deps: RoutingConsoleDeps) {
    this.names = new Map(deps.config.managers.map((m) => [m.extension, m.name]));
    this.clock = deps.clock ?? Date.now;
  }

  /** The managers after a configuration reload: the list and the pause/unpause routes follow it. */
  setManagers(managers: { extension: string; name: string }[]): void {
    this.names = new Map(managers.map((m) => [m.extension, m.name]));
  }

  async managers(): Promise<ManagerView[]> {
    return this.views([...this.names.keys()]);
  }

  async pause(extension: string, reason: string): Promise<ManagerView> {
    this.requireKnown(extension);
    await this.deps.agents.pause(extension, reason, this.clock());
    return (await this.views([extension]))[0]!;
  }

  async unpause(extension: string): Promise<ManagerView> {
    this.requireKnown(extension);
    await this.deps.agents.unpause(extension, this.clock());
    this.deps.distributor.dispatchSoon();
    return (await this.views([extension]))[0]!;
  }

  async waiting(): Promise<{ scenario: string; calls: WaitingCallView[] }[]> {
    const now = this.clock();
    return Promise.all(
      this.deps.distributor.waiting.byScenario().map(async ([scenario, line]) => {
        const calls = await Promise.all(line.map((entry) => this.deps.calls.get(entry.callId)));
        return {
          scenario,
          calls: line.flatMap((entry, i) => {
            const call = calls[i];
            if (!call) return [];
            return [{
              callId: entry.callId,
              callerNumber: call.callerNumber,
              companyNumber: call.companyNumber ?? call.calleeNumber,
              step: call.progress?.step ?? 0,
              priority: entry.priority,
              waitingSeconds: Math.max(0, Math.round((now - entry.since) / 100) / 10),
              since: new Date(entry.since).toISOString(),
            }];
          }),
        };
      }),
    );
  }

  scenarios(): { active: ScenarioView[]; errors: { file: string; message: string }[] } {
    const now = new Date(this.clock());
    return {
      active: this.deps.scenarios.active().map(({ file, scenario }) => ({ file, name: scenario.name, numbers: scenario.numbers, open: isOpen(scenario, now) })),
      errors: this.deps.scenarios.errors(),
    };
  }

  private requireKnown(extension: string): void {
    if (!this.names.has(extension)) throw new NotFoundError(`Manager ${extension}`);
  }

  private async views(extensions: string[]): Promise<ManagerView[]> {
    const now = this.clock();
    const [states, scores] = await Promise.all([this.deps.agents.read(extensions, now), this.deps.scores.read(extensions)]);
    const today = localDate(this.deps.config.routing.timezone, new Date(now));
    return extensions.map((extension) => toView(extension, this.names.get(extension) ?? extension, states.get(extension)!, scores.get(extension), now, today));
  }
}

function toView(extension: string, name: string, state: AgentState, score: AnswerScore | undefined, now: number, today: string): ManagerView {
  const counters = countersFor(state, today);
  return {
    extension,
    name,
    status: statusAt(state, now),
    since: new Date(state.since).toISOString(),
    pauseReason: state.pauseReason,
    callIds: [...(state.ringingFor ? [state.ringingFor] : []), ...state.calls],
    consecutiveMisses: state.consecutiveMisses,
    callsToday: counters.callsToday,
    talkSecondsToday: Math.round(counters.talkSecondsToday),
    answerScore: Math.round(routingWeight(score ?? initialScore(now), now) * 1000) / 1000,
  };
}
