import type { VoicemailService } from '../../src/services/voicemail.js';
import type { CallStore } from '../../src/core/calls/call-store.port.js';
import pino from 'pino';
import { onTestFinished, vi } from 'vitest';
import { stringify } from 'yaml';
import { MemoryAgentStateStore, MemoryAnswerScoreStore } from '../../src/adapters/memory/memory-agent-state-store.js';
import { MemoryCallbackTaskStore, MemoryClientHistory } from '../../src/adapters/memory/memory-missed-call-stores.js';
import { MemoryCallIdClaims, MemoryLiveCallStore, MemoryRegistrationStore, MemoryCallbackTurns } from '../../src/adapters/memory/memory-stores.js';
import { configSchema, type Config } from '../../src/config/config-schema.js';
import type { AgentState } from '../../src/core/agents/agent-state.js';
import type { LeadStore } from '../../src/core/leads/lead-store.port.js';
import type { CallRecord } from '../../src/core/calls/call-record.js';
import type { LiveCall } from '../../src/core/calls/live-call.js';
import type { RoutingDecision } from '../../src/core/calls/routing-decision.js';
import { digitsOf } from '../../src/core/phone/phone-number.js';
import { findSetProblems, parseScenario, type LoadedScenario } from '../../src/core/scenarios/parse-scenario.js';
import { formatProblem, ScenarioError } from '../../src/core/scenarios/scenario-error.js';
import type { Scenario } from '../../src/core/scenarios/scenario-schema.js';
import { composeServices, type ServiceStores } from '../../src/launcher/compose-services.js';
import { seeded } from './seeded-random.js';
import type { DomainEventMap, DomainEventName } from '../../src/services/domain-events.js';
import type { ScenarioSource } from '../../src/services/inbound-distributor.js';

export { seeded };

export const COMPANY = '+74951234567';
export const CLIENT = '+79161112233';
/** Wednesday 4 March 2026, 09:00 UTC (12:00 in Moscow): a working day, inside office hours in both zones. */
export const T0 = Date.UTC(2026, 2, 4, 9, 0, 0);
export const SECOND = 1000;

export interface FakeConfigOptions {
  managers?: string[];
  routing?: Partial<Config['routing']>;
}

export function fakeConfig({ managers = ['101', '102', '103'], routing = {} }: FakeConfigOptions = {}): Config {
  return configSchema.parse({
    api: { tokens: [{ name: 't', token: 'unit-test-token-0123456789' }] },
    managers: managers.map((extension) => ({ extension, name: `M${extension}`, password: `secret-${extension}` })),
    trunks: [{ name: 'trunk', address: '127.0.0.2', port: 5080, callerId: COMPANY }],
    routing: { ringTimeoutSeconds: 10, autoPauseAfterMisses: 3, maxCallWaitSeconds: 900, wrapUpSeconds: 0, timezone: 'UTC', ...routing },
  });
}

/**
 * A dial plan file's text from its snake_case content, with defaults for the
 * fields a test does not care about (one number, UTC, always open). The text
 * still goes through parseScenario like a file in dialplans/.
 */
export function scenarioYaml(content: Record<string, unknown>): string {
  return stringify({ name: 'sales-line', numbers: [COMPANY], timezone: 'UTC', ...content });
}

/** sales (101, 102, 103) rung top-down, 15 s each, waiting up to 60 s; wrap-up 10 s. */
export const SALES_LINE = scenarioYaml({
  groups: { sales: ['101', '102', '103'] },
  steps: [{ group: 'sales', strategy: 'sequential', ring_timeout: 15, max_wait: 60, wrap_up: 10 }],
});

/** The scenarios of the tests, read from YAML texts as ScenarioDirectory reads files. */
export class FakeScenarios implements ScenarioSource {
  private loaded: LoadedScenario[] = [];
  private problems: { file: string; message: string }[] = [];

  constructor(files: Record<string, string>) {
    for (const [file, text] of Object.entries(files)) this.load(file, text);
  }

  /** Adds or replaces one file; a file with problems is listed in errors() and changes nothing. */
  load(file: string, text: string): void {
    try {
      const scenario = parseScenario(text, file);
      const next = [...this.loaded.filter((l) => l.file !== file), { file, scenario }];
      const clash = findSetProblems(next);
      if (clash.length > 0) throw new ScenarioError(clash);
      this.loaded = next;
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      this.problems.push({ file, message: error.problems.map(formatProblem).join('\n') });
    }
  }

  scenarioFor(dialled: string): Scenario | undefined {
    const digits = digitsOf(dialled);
    if (!digits) return undefined;
    return this.loaded.find(({ scenario }) => scenario.numbers.some((n) => digitsOf(n) === digits))?.scenario;
  }

  byName(name: string): Scenario | undefined {
    return this.loaded.find(({ scenario }) => scenario.name === name)?.scenario;
  }

  active(): LoadedScenario[] {
    return [...this.loaded];
  }

  errors(): { file: string; message: string }[] {
    return [...this.problems];
  }
}

/** Where the fake trunk's INVITEs (and its callers' CANCELs) come from. */
export const TRUNK_SOURCE = '127.0.0.2:5060';

export interface FakeServicesOptions {
  config?: Config;
  /** Dial plan files by name; default: SALES_LINE only. */
  scenarios?: Record<string, string>;
  /** Where the fake clock starts (default T0). */
  now?: number;
  random?: () => number;
  /** Leads from the CRM (owners for sticky steps, first-dial tracking); none by default. */
  leads?: LeadStore;
  /** Finished calls already stored (PostgreSQL in production); none by default. */
  callHistory?: Pick<CallStore, 'listCalls' | 'hasCall'>;
  /**
   * The live-state stores to use instead of the in-memory ones (the real Redis stores
   * and their mirrors). A test that passes them uses only the ports of these stores.
   */
  stores?: Pick<ServiceStores, 'registrations' | 'agents' | 'scores' | 'liveCalls'>;
  /** The voice mailbox (missed.voicemail, after_hours: voicemail); none by default. */
  voicemail?: VoicemailService;
}

export interface DomainEventRecord<K extends DomainEventName = DomainEventName> {
  name: K;
  payload: DomainEventMap[K];
}

/** Lets every promise chain started so far run to its end (the in-memory stores do no I/O). */
export async function flush(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** The phone of extension 101 registers from 10.0.1.1 (contact) through 192.0.2.1 (source). */
export const contactOf = (extension: string) => `sip:${extension}@10.0.${extension.slice(0, 1)}.${Number(extension.slice(1))}:5060`;
export const sourceOf = (extension: string) => `sip:192.0.2.${Number(extension.slice(1))}:${5000 + Number(extension.slice(1))}`;

/** The managers a routing decision rings, read from the contacts of their phones. */
export function managersOf(decision: RoutingDecision): string[] {
  if (decision.action !== 'route') return [];
  return decision.targets.map((t) => /^sip:(\d+)@10\.0\./.exec(t.uri)?.[1] ?? t.uri);
}

/**
 * The services exactly as the launcher composes them (composeServices), over the
 * in-memory stores, a scenario source built from YAML, and fake time: Date,
 * setTimeout and setInterval are vitest's fake timers (the distributor's wait
 * deadlines, wrap-up ends and dispatch ticker all run on them). Call inside a
 * test: the fake timers and the services are stopped when the test finishes.
 */
export function createFakeServices(options: FakeServicesOptions = {}) {
  vi.useFakeTimers({ now: options.now ?? T0, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  const config = options.config ?? fakeConfig();
  const scenarios = new FakeScenarios(options.scenarios ?? { 'sales-line.yaml': SALES_LINE });
  const records: CallRecord[] = [];
  const resumed: { callId: string; call: LiveCall; decision: RoutingDecision }[] = [];
  const domainEvents: DomainEventRecord[] = [];
  const registrationStore = new MemoryRegistrationStore();
  const stores = {
    registrations: registrationStore,
    agents: new MemoryAgentStateStore((extension) => registrationStore.entries.has(extension)),
    scores: new MemoryAnswerScoreStore(),
    callbackTurns: new MemoryCallbackTurns(),
    liveCalls: new MemoryLiveCallStore(),
    callIds: new MemoryCallIdClaims(),
    clients: new MemoryClientHistory(),
    callbacks: new MemoryCallbackTaskStore(),
    records: { write: (record: CallRecord) => void records.push(record) },
    ...(options.leads ? { leads: options.leads } : {}),
    ...(options.callHistory ? { callHistory: options.callHistory } : {}),
  } satisfies ServiceStores;
  if (options.stores) Object.assign(stores, options.stores);
  const services = composeServices({ config, stores, scenarios, voicemail: options.voicemail, log: pino({ level: process.env.FAKE_SERVICES_LOG ?? 'silent' }), random: options.random ?? seeded(7), clock: () => Date.now() });
  services.setResume((call, decision) => void resumed.push({ callId: call.callId, call, decision }));
  for (const name of ['call.started', 'call.answered', 'call.ended', 'call.missed', 'manager.auto_paused'] as const) {
    services.events.on(name, (payload) => void domainEvents.push({ name, payload }));
  }
  services.start(); // as the launcher does: the stale-hold sweep runs on the fake timers too
  onTestFinished(() => {
    services.stop();
    vi.useRealTimers();
  });

  const clock = {
    now: () => Date.now(),
    /** Moves time on, firing every timer due on the way, then lets the work they started finish. */
    async advance(ms: number): Promise<void> {
      await vi.advanceTimersByTimeAsync(ms);
      await flush();
    },
  };
  let transactions = 0;

  return {
    config,
    scenarios,
    stores,
    ...services,
    records,
    resumed,
    domainEvents,
    clock,
    flush,
    eventsNamed<K extends DomainEventName>(name: K): DomainEventMap[K][] {
      return domainEvents.filter((e): e is DomainEventRecord<K> => e.name === name).map((e) => e.payload);
    },
    /** Phones register through the Registrations service (as Kamailio reports them). */
    async register(...extensions: string[]): Promise<void> {
      for (const e of extensions) await services.registrations.registered(e, { contact: contactOf(e), source: sourceOf(e), callId: `reg-${e}` }, 3600, Date.now());
    },
    /** A REGISTER with this Call-ID: the one register() used is a refresh, a new one a phone registering anew. */
    async registerWith(extension: string, registerCallId: string): Promise<void> {
      await services.registrations.registered(extension, { contact: contactOf(extension), source: sourceOf(extension), callId: registerCallId }, 3600, Date.now());
    },
    async unregister(...extensions: string[]): Promise<void> {
      for (const e of extensions) await services.registrations.unregistered(e);
    },
    async state(extension: string): Promise<AgentState> {
      return (await stores.agents.read([extension], Date.now())).get(extension)!;
    },
    /** A call from the trunk to a company number. */
    inbound(callId: string, from = CLIENT, dialled = COMPANY): Promise<RoutingDecision> {
      transactions++;
      return services.router.decide({
        callId, source: 'trunk', fromUser: from, dialled, receivedAt: Date.now(), transaction: { tindex: transactions, tlabel: 1 }, invitedFrom: TRUNK_SOURCE,
      });
    },
    /** A manager's phone dials a number or an extension. */
    dial(callId: string, from: string, dialled: string): Promise<RoutingDecision> {
      return services.router.decide({ callId, source: 'phone', fromUser: from, dialled, receivedAt: Date.now() });
    },
    /** The ringing branch rang out (408). */
    noAnswer: (callId: string) => services.callEvents.branchFailed(callId, 408, false, Date.now()),
    /** The ringing manager declined (486). */
    busy: (callId: string) => services.callEvents.branchFailed(callId, 486, false, Date.now()),
    /** The caller hung up while a phone rang (Kamailio's CANCEL: branch failed, cancelled). */
    callerCancelled: (callId: string) => services.callEvents.branchFailed(callId, 487, true, Date.now()),
    /** The caller hung up while waiting in line (his CANCEL comes from where his INVITE did, unless `from` says otherwise). */
    hungUpWaiting: (callId: string, from = TRUNK_SOURCE) => services.callEvents.cancelled(callId, Date.now(), from),
    /** `extension` picked up (the answer came from his phone's registration source). */
    answer: (callId: string, extension?: string) => services.callEvents.answered(callId, Date.now(), extension ? sourceOf(extension) : undefined),
    hangUp: (callId: string) => services.callEvents.ended(callId, Date.now()),
    /** Call ids waiting in line, per scenario, in serving order. */
    waitingLine(scenario = 'sales-line'): string[] {
      return (services.distributor.waiting.byScenario().find(([name]) => name === scenario)?.[1] ?? []).map((e) => e.callId);
    },
    resumedFor(callId: string) {
      return resumed.filter((r) => r.callId === callId);
    },
    recordOf(callId: string): CallRecord | undefined {
      return records.find((r) => r.callId === callId);
    },
  };
}

export type FakeServices = ReturnType<typeof createFakeServices>;
