import type { VoicemailService } from '../services/voicemail.js';
import type { Announcer } from '../services/announcer.js';
import type { DtmfMenu } from '../services/dtmf-menu.js';
import type { Logger } from 'pino';
import { activeManagers, type Config } from '../config/config-schema.js';
import type { AgentStateStore, AnswerScoreStore, CallbackTurns, RegistrationStore } from '../core/agents/agent-ports.js';
import type { LiveCall } from '../core/calls/live-call.js';
import type { LiveCallStore } from '../core/calls/live-call-store.js';
import type { CallbackTaskStore, ClientHistory } from '../core/calls/missed-call.js';
import type { RoutingDecision } from '../core/calls/routing-decision.js';
import type { LoadedScenario } from '../core/scenarios/parse-scenario.js';
import type { CallIdClaims } from '../core/calls/call-id-claims.port.js';
import type { CallStore } from '../core/calls/call-store.port.js';
import type { LeadStore } from '../core/leads/lead-store.port.js';
import { toE164 } from '../core/phone/e164.js';
import { CallEvents } from '../services/call-events.js';
import { BoardFeed } from '../services/board-feed.js';
import { CallIdGuard } from '../services/call-id-guard.js';
import { CallLedger } from '../services/call-ledger.js';
import { startOfLocalDay, todayIn } from '../core/kpi/kpi-period.js';
import type { CallRecordSink } from '../services/call-record-sink.js';
import { CallRouter } from '../services/call-router.js';
import { DomainEvents } from '../services/domain-events.js';
import { InboundDistributor, type ScenarioSource } from '../services/inbound-distributor.js';
import { KeyedQueue } from '../services/keyed-queue.js';
import { LeadTracker } from '../services/lead-tracker.js';
import { MissedCalls } from '../services/missed-calls.js';
import { Registrations } from '../services/registrations.js';
import { RoutingConsoleService } from '../services/routing-console-service.js';
import { StaleHolds } from '../services/stale-holds.js';
import { forwardRoutes } from '../services/trunk-route.js';
import { failoverPattern } from '../core/trunks/choose-trunks.js';

/** The stores the services run on: Redis and PostgreSQL in production, memory in unit tests. */
export interface ServiceStores {
  /** Leads from the CRM (PostgreSQL); without it no lead is tracked and the leads API is off. */
  leads?: LeadStore;
  /** Finished calls, searched when a lead arrives later than it was created. */
  callHistory?: Pick<CallStore, 'listCalls' | 'hasCall'>;
  /** Claims of new calls' Call-IDs (Redis), checked with callHistory so no new call takes an old one's. */
  callIds: CallIdClaims;
  registrations: RegistrationStore;
  agents: AgentStateStore;
  scores: AnswerScoreStore;
  callbackTurns: CallbackTurns;
  liveCalls: LiveCallStore;
  clients: ClientHistory;
  callbacks: CallbackTaskStore;
  records: CallRecordSink;
}

export interface ServiceOptions {
  config: Config;
  stores: ServiceStores;
  scenarios: ScenarioSource & { active(): LoadedScenario[]; errors(): { file: string; message: string }[] };
  log: Logger;
  /** Announcements through rtpengine (greeting, music, place in line); absent: ringback only. */
  announcer?: Announcer;
  /** The scenario's DTMF menu (keys from rtpengine's reports); absent: menus are skipped. */
  menu?: DtmfMenu;
  voicemail?: VoicemailService;
  /** The bus, when something built before the services raises events on it (the mailbox). */
  events?: DomainEvents;
  random?: () => number;
  clock?: () => number;
}

/**
 * Wires the services together, the same way for the launcher, the bench and the
 * unit tests. `resume` is late-bound: the Kamailio bridge that sends decisions
 * is built after the services it calls.
 */
export function composeServices({ config, stores, scenarios, log, announcer, menu, voicemail, events: givenEvents, random, clock }: ServiceOptions) {
  const queue = new KeyedQueue();
  const events = givenEvents ?? new DomainEvents();
  const calls = new CallLedger(stores.liveCalls, stores.records, events);
  let resume: (call: LiveCall, decision: RoutingDecision) => void = () => {
    throw new Error('no Kamailio bridge is connected to resume waiting calls');
  };
  const missed = new MissedCalls({ agents: stores.agents, turns: stores.callbackTurns, tasks: stores.callbacks, clients: stores.clients, events, log, random, clock });
  const distributor = new InboundDistributor({
    scenarios,
    registrations: stores.registrations,
    agents: stores.agents,
    scores: stores.scores,
    calls,
    clients: stores.clients,
    crmOwnerOf: stores.leads ? crmOwnerLookup(stores.leads, config.phone.defaultRegion, log) : undefined,
    trunkRoutes: (number) => ({ targets: forwardRoutes(config, number), failover: failoverPattern(config.outbound.failoverOn) }),
    missed,
    queue,
    autoPause: {
      afterMisses: config.routing.autoPauseAfterMisses,
      dndAfterDeclines: config.routing.dndAfterRejections,
      dndWindowMs: config.routing.dndWindowSeconds * 1000,
    },
    maxCallWaitMs: config.routing.maxCallWaitSeconds * 1000,
    resume: (call, decision) => resume(call, decision),
    announcer,
    menu,
    voicemail,
    log,
    random,
    clock,
  });
  const callIds = new CallIdGuard(stores.callIds, stores.callHistory);
  const clientLine = clientLineLookup(stores, scenarios, config.phone.defaultRegion, log);
  // A disabled manager's registration is not heard, so he is never offered a call. One set
  // for the router and the registrations: a configuration reload changes it live.
  const extensions = new Set(activeManagers(config).map((m) => m.extension));
  const router = new CallRouter({ config, scenarios, registrations: stores.registrations, agents: stores.agents, calls, callIds, distributor, extensions, queue, events, clientLine, log });
  const callEvents = new CallEvents({
    agents: stores.agents,
    calls,
    distributor,
    scenarios,
    clients: stores.clients,
    callbacks: stores.callbacks,
    events,
    queue,
    wrapUpMs: config.routing.wrapUpSeconds * 1000,
    timezone: config.routing.timezone,
    log,
  });
  const registrations = new Registrations(stores.registrations, stores.agents, extensions, log, () => distributor.dispatchSoon());
  const staleHolds = new StaleHolds({ agents: stores.agents, liveCalls: stores.liveCalls, extensions, timezone: config.routing.timezone, log, clock });
  const leads = stores.leads
    ? new LeadTracker({ store: stores.leads, events, config, registrations: stores.registrations, callStore: stores.callHistory, log: log.child({ component: 'leads' }), clock })
    : null;
  const routingConsole = new RoutingConsoleService({ config, agents: stores.agents, scores: stores.scores, calls, distributor, scenarios, clock });
  const timezone = config.routing.timezone;
  const board = new BoardFeed({
    routing: routingConsole,
    liveCalls: calls,
    history: stores.callHistory,
    events,
    today: (now) => {
      const date = todayIn(timezone, now);
      return { date, start: startOfLocalDay(timezone, date) };
    },
    log: log.child({ component: 'board' }),
    clock,
  });
  return {
    router,
    extensions,
    callEvents,
    distributor,
    registrations,
    console: routingConsole,
    board,
    events,
    missed,
    calls,
    staleHolds,
    leads,
    setResume(fn: (call: LiveCall, decision: RoutingDecision) => void) {
      resume = fn;
    },
    /** Timers that run while the service does: stale-hold sweep, waiting-line dispatch. */
    start() {
      staleHolds.start();
      leads?.start();
      board.start();
    },
    /** Stops the timers, then lets work already started by events finish. */
    async stop() {
      staleHolds.stop();
      board.stop();
      distributor.stop();
      leads?.stop();
      await leads?.idle();
    },
  };
}

export type Services = ReturnType<typeof composeServices>;

/**
 * A caller's owner in the CRM: his number as E.164, then the newest lead with an owner.
 * The leads live in PostgreSQL: while it is down the call is routed without the owner
 * (to the group) rather than refused.
 */
/**
 * The company line a client knows: the number he last called (Redis), else the first
 * number of the scenario his lead was placed in (PostgreSQL). A store that does not answer
 * costs the call only its line choice: the manager's line is used.
 */
function clientLineLookup(stores: ServiceStores, scenarios: ScenarioSource, defaultRegion: string, log: Logger): (clientNumber: string) => Promise<string | null> {
  return async (clientNumber) => {
    try {
      const called = await stores.clients.lastLine(clientNumber);
      if (called || !stores.leads) return called;
      const phone = toE164(clientNumber, defaultRegion);
      const lead = phone ? (await stores.leads.newestByPhones([phone])).get(phone) : undefined;
      return lead?.scenario ? scenarios.byName(lead.scenario)?.numbers[0] ?? null : null;
    } catch (err) {
      log.warn({ err }, 'client line not looked up (store unavailable): the manager\'s line is used');
      return null;
    }
  };
}

function crmOwnerLookup(leads: LeadStore, defaultRegion: string, log: Logger): (callerNumber: string) => Promise<string | null> {
  return async (callerNumber) => {
    const phone = toE164(callerNumber, defaultRegion);
    if (!phone) return null;
    return leads.ownerOf(phone).catch((err: unknown) => {
      log.warn({ err }, 'lead owner not looked up (database unavailable): routed without the sticky step');
      return null;
    });
  };
}
