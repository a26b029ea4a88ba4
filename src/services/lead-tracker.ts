import type { Logger } from 'pino';
import type { Config } from '../config/config-schema.js';
import type { RegistrationStore } from '../core/agents/agent-ports.js';
import type { CallStore } from '../core/calls/call-store.port.js';
import { callFactOf, type CallFact, type CallSides } from '../core/leads/first-dial.js';
import { firstDialStats, type ManagerFirstDialStats } from '../core/leads/first-dial-stats.js';
import type { Lead } from '../core/leads/lead.js';
import { newLeadFrom, type IntakeRules, type LeadInput } from '../core/leads/lead-intake.js';
import type { LeadContact, LeadFilter, LeadOrder, LeadPage, LeadStore, SlowLead } from '../core/leads/lead-store.port.js';
import { leastLoadedManager } from '../core/leads/reassignment.js';
import type { DomainEvents } from './domain-events.js';

/** What the HTTP API asks of the leads (src/adapters/http/routes/leads.ts). */
export interface LeadDesk {
  receive(input: LeadInput): Promise<{ lead: Lead; created: boolean }>;
  get(id: string): Promise<Lead | null>;
  list(filter: LeadFilter, page: { limit: number; offset: number; order?: LeadOrder }): Promise<LeadPage>;
  stats(from: Date, to: Date, ownerManager?: string): Promise<ManagerFirstDialStats[]>;
  /** The leads of the period that waited longest for a first dial, as of now(). */
  slowest(from: Date, to: Date, limit: number, ownerManager?: string): Promise<SlowLead[]>;
  /** The tracker's clock, so replies judge "within SLA" by the same time as the sweep. */
  now(): Date;
}

export interface LeadTrackerDeps {
  store: LeadStore;
  events: DomainEvents;
  config: Pick<Config, 'phone' | 'leads' | 'managers'>;
  /** Who can take a lead on a breach (leads.reassignOnBreach); without it nobody is reassigned. */
  registrations?: Pick<RegistrationStore, 'registered'>;
  /** Finished calls, searched for dials made before a late lead reached us. */
  callStore?: Pick<CallStore, 'listCalls'>;
  log: Logger;
  clock?: () => number;
}

/**
 * A dial that started just before the deadline is learnt from an event a few
 * milliseconds later; the sweep waits this long past a deadline so it does not
 * raise a breach for a lead that was in fact dialled in time.
 */
const BREACH_GRACE_MS = 5_000;
/** Finished calls read when a lead arrives after its creation (newest first; the CRM is usually seconds late). */
const BACKFILL_CALLS = 500;

/**
 * Follows calls for the leads the CRM sent: records each lead's first dial, first
 * connected call and first inbound call (rules in core/leads/first-dial.ts), and
 * raises lead.sla_breached for leads nobody dialled in time.
 *
 * The SLA is a periodic sweep over PostgreSQL rather than a BullMQ delayed job per
 * lead: the deadline is already a column, so one indexed UPDATE finds and marks every
 * overdue lead atomically (one instance wins each lead), a restart loses nothing, and
 * there is no job to cancel on a dial or to move when the CRM changes a lead's SLA.
 * The cost is up to leads.checkIntervalSeconds of delay on an alarm.
 */
export class LeadTracker implements LeadDesk {
  private readonly clock: () => number;
  private readonly rules: IntakeRules;
  private readonly pending = new Set<Promise<void>>();
  private unsubscribe: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private sweeping = false;

  constructor(private readonly deps: LeadTrackerDeps) {
    this.clock = deps.clock ?? Date.now;
    const { leads, phone, managers } = deps.config;
    this.rules = {
      defaultRegion: phone.defaultRegion,
      slaMinutes: leads.slaMinutes,
      slaMinutesByScenario: leads.slaMinutesByScenario,
      managers: managers.map((m) => m.extension),
    };
  }

  /** Subscribes to the call events and starts the SLA sweep. */
  start(): void {
    const { events, config } = this.deps;
    this.unsubscribe = [
      events.on('call.started', (p) => this.follow(p.callId, { ...p, startedAt: new Date(p.at), answeredAt: null })),
      events.on('call.ended', ({ record: r }) =>
        this.follow(r.callId, { ...r, startedAt: new Date(r.startedAt), answeredAt: r.answeredAt === null ? null : new Date(r.answeredAt) }),
      ),
    ];
    this.timer = setInterval(() => this.background('sla sweep', () => this.sweep()), config.leads.checkIntervalSeconds * 1000);
    this.timer.unref();
  }

  stop(): void {
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
    clearInterval(this.timer);
  }

  /** Resolves when the work started by events so far is done (tests, and a graceful stop). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  now(): Date {
    return new Date(this.clock());
  }

  async receive(input: LeadInput): Promise<{ lead: Lead; created: boolean }> {
    const result = await this.deps.store.upsert(newLeadFrom(input, this.rules, this.now()));
    const { lead } = result;
    this.deps.log.info({ leadId: lead.id, created: result.created, owner: lead.ownerManager, slaMinutes: lead.slaMinutes }, 'lead received');
    if (!result.created || lead.createdAt >= lead.receivedAt) return result;
    try {
      await this.backfill(lead);
    } catch (err) {
      // The lead is stored and live calls will find it; only dials from the gap may be missing.
      this.deps.log.warn({ err, leadId: lead.id }, 'calls made before the lead arrived could not be checked');
    }
    return { lead: (await this.deps.store.get(lead.id)) ?? lead, created: true };
  }

  get(id: string): Promise<Lead | null> {
    return this.deps.store.get(id);
  }

  list(filter: LeadFilter, page: { limit: number; offset: number; order?: LeadOrder }): Promise<LeadPage> {
    return this.deps.store.list(filter, page);
  }

  async stats(from: Date, to: Date, ownerManager?: string): Promise<ManagerFirstDialStats[]> {
    return firstDialStats(await this.deps.store.statsLeads(from, to, ownerManager), this.now());
  }

  slowest(from: Date, to: Date, limit: number, ownerManager?: string): Promise<SlowLead[]> {
    return this.deps.store.slowestLeads(from, to, this.now(), limit, ownerManager);
  }

  /**
   * Marks every lead whose SLA has passed without a dial and raises lead.sla_breached
   * for each (after moving it to another manager when leads.reassignOnBreach is on).
   */
  async sweep(): Promise<Lead[]> {
    if (this.sweeping) return [];
    this.sweeping = true;
    try {
      const now = this.clock();
      const breached = await this.deps.store.markBreached(new Date(now - BREACH_GRACE_MS), new Date(now));
      for (const lead of breached) {
        const reassignedTo = this.deps.config.leads.reassignOnBreach ? await this.reassign(lead) : null;
        this.deps.log.warn({ leadId: lead.id, owner: lead.ownerManager, slaMinutes: lead.slaMinutes, reassignedTo }, 'lead not dialled within its SLA');
        this.deps.events.emit('lead.sla_breached', {
          leadId: lead.id,
          phone: lead.phone,
          ownerManager: lead.ownerManager,
          minutes: lead.slaMinutes,
          at: new Date(now).toISOString(),
          reassignedTo,
        });
      }
      return breached;
    } finally {
      this.sweeping = false;
    }
  }

  /**
   * The hook of leads.reassignOnBreach: the registered manager with the fewest undialled
   * leads takes it (core/leads/reassignment.ts). A failure leaves the owner as he was;
   * the breach is raised either way.
   */
  private async reassign(lead: Lead): Promise<string | null> {
    const { registrations, store, config, log } = this.deps;
    if (!registrations) return null;
    try {
      const extensions = config.managers.map((m) => m.extension);
      const registered = await registrations.registered(extensions);
      const candidates = extensions.filter((e) => registered.has(e));
      const to = leastLoadedManager(candidates, await store.openLeadCounts(candidates), lead.ownerManager);
      if (to === null) return null;
      return (await store.reassign(lead.id, lead.ownerManager, to)) ? to : null;
    } catch (err) {
      log.warn({ err, leadId: lead.id }, 'lead could not be reassigned after its SLA breach');
      return null;
    }
  }

  /** Calls that ended before a late lead arrived: its events are gone, the records are not. */
  private async backfill(lead: Lead): Promise<void> {
    if (!this.deps.callStore) return;
    const page = await this.deps.callStore.listCalls({ from: lead.createdAt, to: lead.receivedAt }, { limit: BACKFILL_CALLS });
    if (page.total > page.items.length) {
      this.deps.log.warn({ leadId: lead.id, calls: page.total }, `only the latest ${BACKFILL_CALLS} calls before the lead arrived were checked`);
    }
    for (const record of page.items) {
      const fact = callFactOf(record, this.rules.defaultRegion);
      if (fact.clientPhone === lead.phone) this.announce(await this.deps.store.recordCall(fact));
    }
  }

  private follow(callId: string, call: CallSides): void {
    if (call.direction === 'internal') return;
    this.background(`call ${callId}`, async () => this.announce(await this.deps.store.recordCall(this.factOf(call))));
  }

  private factOf(call: CallSides): CallFact {
    return callFactOf(call, this.rules.defaultRegion);
  }

  private announce(contacts: LeadContact[]): void {
    for (const { lead, kind } of contacts) {
      this.deps.log.info({ leadId: lead.id, kind, firstDial: lead.firstDial }, 'lead contact recorded');
      if (kind !== 'dial' || !lead.firstDial) continue;
      const { callId, manager, seconds, at } = lead.firstDial;
      this.deps.events.emit('lead.first_dial', { leadId: lead.id, callId, manager, seconds, at: at.toISOString() });
    }
  }

  /** Event listeners cannot wait: the work runs on, tracked for idle(), and a failure is logged. */
  private background(what: string, work: () => Promise<unknown>): void {
    const running = work()
      .then(() => undefined)
      .catch((err: unknown) => this.deps.log.error({ err, what }, 'lead tracking failed'))
      .finally(() => this.pending.delete(running));
    this.pending.add(running);
  }
}
