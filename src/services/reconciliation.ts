import type { Logger } from 'pino';
import type { RegistrationStore } from '../core/agents/agent-ports.js';
import type { LiveCallStore } from '../core/calls/live-call-store.js';
import { ringingAttempts } from '../core/calls/live-call.js';
import type { DialogView, SipEdgeView } from '../core/calls/sip-edge-view.port.js';
import type { CallEvents } from './call-events.js';
import type { InboundDistributor } from './inbound-distributor.js';
import type { Registrations } from './registrations.js';

/** The last moment a service instance was connected to Kamailio (and so heard its events). */
export interface ServiceHeartbeat {
  lastSeen(): Promise<number | null>;
  beat(at: number): Promise<void>;
}

export interface ReconciliationDeps {
  liveCalls: LiveCallStore;
  edge: SipEdgeView;
  callEvents: CallEvents;
  distributor: Pick<InboundDistributor, 'rejoinLine'>;
  registrations: Registrations;
  /** The service's own registrations: given back to a Kamailio that restarted and lost its own. */
  registrationStore: RegistrationStore;
  extensions: readonly string[];
  heartbeat: ServiceHeartbeat;
  /** When the call's media first and last ran (its pcap in the spool), if it has any. */
  mediaTimes: (callId: string) => Promise<{ firstAt: number; lastAt: number } | null>;
  /** Answers a route request the dead process never answered (the call is suspended in Kamailio). */
  routeAgain: (request: NonNullable<DialogView['request']>) => Promise<void>;
  /** Whether the media relay still carries the call (it outlives a Kamailio restart). */
  mediaUp: (callId: string) => Promise<boolean>;
  log: Logger;
  clock?: () => number;
}

export interface ReconciliationReport {
  /** Kamailio started after the service last heard it: its dialogs and registrations were lost. */
  kamailioRestarted: boolean;
  stillUp: number;
  /** Kamailio lost the dialog but the media goes on: closed when the media stops. */
  mediaOnly: number;
  answeredWhileAway: number;
  endedWhileAway: number;
  rejoinedLine: number;
  /** Calls whose route request was never answered (in flight when the service died): routed now. */
  routedAgain: number;
  registrations: number;
}

type CallOutcome = 'stillUp' | 'mediaOnly' | 'answeredWhileAway' | 'endedWhileAway' | 'rejoinedLine';

/** While connected, the heartbeat says "events were being heard" this often. */
const BEAT_EVERY_MS = 1000;
/** While connected, live calls are checked against Kamailio this often (an event lost, a transaction that timed out unanswered). */
const SWEEP_EVERY_MS = 30_000;
/** Calls carried by media alone (Kamailio lost their dialog) are watched this often: their end comes as no event. */
const MEDIA_WATCH_EVERY_MS = 2000;

/**
 * Kamailio sends its events to whoever is connected; while the service is away
 * (killed, restarting) they go to nobody. When the channel (re)opens this puts the
 * shared state back in step with Kamailio: every live call is either still up
 * (answered meanwhile: noted), waiting in a line that died with the old process
 * (rejoins it), or gone (closed with estimated times, its managers freed, its
 * webhooks and recording sent as for any call); and every manager's registration
 * is read again. A slower sweep repeats the call check while connected, closing a
 * call only when it is found gone twice, so an end event in flight is never raced.
 */
export class Reconciliation {
  private readonly clock: () => number;
  private beatTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private goneOnce = new Set<string>();
  private readonly mediaOnly = new Set<string>();
  private readonly mediaTimer: NodeJS.Timeout;
  private running: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: ReconciliationDeps) {
    this.clock = deps.clock ?? Date.now;
    this.mediaTimer = setInterval(() => void this.watchMediaOnly(), MEDIA_WATCH_EVERY_MS);
    this.mediaTimer.unref();
  }

  /** The channel opened: reconcile, then keep the heartbeat and the sweep going. */
  connected(): Promise<ReconciliationReport> {
    const run = this.running.then(() => this.reconcile());
    this.running = run.catch(() => undefined);
    return run;
  }

  /** The channel closed: stop saying we hear Kamailio's events. */
  disconnected(): void {
    clearInterval(this.beatTimer);
    clearInterval(this.sweepTimer);
    this.beatTimer = this.sweepTimer = undefined;
  }

  stop(): void {
    this.disconnected();
    clearInterval(this.mediaTimer);
  }

  private async reconcile(): Promise<ReconciliationReport> {
    // Read before this instance beats: the last moment anyone heard events.
    const connectedAt = this.clock();
    const heard = await this.deps.heartbeat.lastSeen();
    const lastSeen = heard ?? connectedAt;
    // Kamailio's start is known to the second (rounded down); a restart takes longer than that.
    const kamailioRestarted = heard === null || (await this.deps.edge.startedAt()) > heard - 500;
    this.startBeating();
    const report: ReconciliationReport = { kamailioRestarted, stillUp: 0, mediaOnly: 0, answeredWhileAway: 0, endedWhileAway: 0, rejoinedLine: 0, routedAgain: 0, registrations: 0 };
    const known = await this.deps.liveCalls.ids();
    for (const callId of known) {
      const outcome = await this.check(callId, lastSeen, connectedAt).catch((err: unknown) => {
        this.deps.log.error({ err, callId }, 'reconciliation: call not checked');
        return null;
      });
      if (outcome) report[outcome]++;
      this.deps.log.debug({ callId, outcome }, 'reconciliation: call checked');
    }
    report.routedAgain = await this.routeUnanswered(new Set(known), connectedAt);
    report.registrations = kamailioRestarted ? await this.restoreRegistrations() : await this.rereadRegistrations();
    this.deps.log.info(report, 'reconciled with kamailio after the channel opened');
    this.sweepTimer = setInterval(() => void this.sweep(), SWEEP_EVERY_MS);
    this.sweepTimer.unref();
    return report;
  }

  /** `awayUntil`: the moment the channel opened after an absence; null for the sweep while connected. */
  private async check(callId: string, lastSeen: number, awayUntil: number | null): Promise<CallOutcome | null> {
    const call = await this.deps.liveCalls.get(callId);
    // A call that came in after the channel opened is this connection's own.
    if (!call || (awayUntil !== null && call.startedAt > awayUntil)) return null;
    const away = awayUntil !== null;
    const dialog = await this.deps.edge.dialog(callId);
    if (dialog === null && (this.mediaOnly.has(callId) || (await this.deps.mediaUp(callId)))) {
      this.mediaOnly.add(callId);
      return 'mediaOnly';
    }
    if (dialog === null) {
      // While connected, an end event may be on its way: close only what stays gone.
      if (!away && !this.goneOnce.has(callId)) {
        this.goneOnce.add(callId);
        return null;
      }
      this.goneOnce.delete(callId);
      await this.closeGone(call, lastSeen);
      return 'endedWhileAway';
    }
    this.goneOnce.delete(callId);
    if (dialog.state === 'answered' && call.answeredAt === null) {
      await this.deps.callEvents.answeredWhileAway(callId, dialog.answeredAt ?? lastSeen);
      return 'answeredWhileAway';
    }
    if (away && dialog.state === 'early' && call.progress && ringingAttempts(call).length === 0) {
      await this.deps.distributor.rejoinLine(callId);
      return 'rejoinedLine';
    }
    return 'stillUp';
  }

  /**
   * A route request in flight when the service died left a suspended call that no
   * live call names. Kamailio kept the request with the dialog: it is routed now.
   * Dialogs from the last second before the channel opened are this connection's own
   * (Kamailio refuses calls while no service is connected, so none comes in between).
   */
  private async routeUnanswered(known: ReadonlySet<string>, connectedAt: number): Promise<number> {
    let routed = 0;
    try {
      for (const early of await this.deps.edge.earlyDialogs()) {
        if (known.has(early.callId) || early.startedAt >= connectedAt - 1000) continue;
        if (await this.deps.liveCalls.get(early.callId)) continue;
        const dialog = await this.deps.edge.dialog(early.callId);
        if (!dialog?.request) continue;
        this.deps.log.warn({ callId: early.callId }, 'reconciliation: a route request the previous process never answered: routing it now');
        await this.deps.routeAgain(dialog.request);
        routed++;
      }
    } catch (err) {
      this.deps.log.error({ err }, 'reconciliation: unanswered route requests not checked');
    }
    return routed;
  }

  private async closeGone(call: { callId: string; answeredAt: number | null }, lastSeen: number): Promise<void> {
    const media = await this.deps.mediaTimes(call.callId);
    await this.deps.callEvents.endedWhileAway(call.callId, {
      answeredAt: call.answeredAt ?? media?.firstAt ?? null,
      endedAt: media?.lastAt ?? lastSeen,
    });
  }

  /** A call Kamailio forgot ends when its media does: closed then, with the recording's times. */
  private async watchMediaOnly(): Promise<void> {
    for (const callId of this.mediaOnly) {
      try {
        const call = await this.deps.liveCalls.get(callId);
        if (!call) {
          this.mediaOnly.delete(callId);
          continue;
        }
        if (await this.deps.mediaUp(callId)) continue;
        this.mediaOnly.delete(callId);
        this.deps.log.info({ callId }, 'reconciliation: the media of a call kamailio had lost stopped: closing it');
        await this.closeGone(call, this.clock());
      } catch (err) {
        this.deps.log.warn({ err, callId }, 'reconciliation: media of a call not checked');
      }
    }
  }

  private async sweep(): Promise<void> {
    try {
      const now = this.clock();
      for (const callId of await this.deps.liveCalls.ids()) await this.check(callId, now, null);
    } catch (err) {
      this.deps.log.warn({ err }, 'reconciliation sweep failed');
    }
  }

  /** Registrations and expiries while away were reported to nobody: read each manager's binding again. */
  private async rereadRegistrations(): Promise<number> {
    let registered = 0;
    for (const extension of this.deps.extensions) {
      try {
        const binding = await this.deps.edge.registration(extension);
        if (binding) {
          registered++;
          const registration = { contact: binding.contact, source: binding.source, ...(binding.callId ? { callId: binding.callId } : {}) };
          await this.deps.registrations.registered(extension, registration, binding.expiresSeconds, this.clock());
        } else {
          await this.deps.registrations.unregistered(extension);
        }
      } catch (err) {
        this.deps.log.error({ err, extension }, 'reconciliation: registration not re-read');
      }
    }
    return registered;
  }

  /** A restarted Kamailio lost every binding: give back the ones still valid in the service's store. */
  private async restoreRegistrations(): Promise<number> {
    const now = this.clock();
    let restored = 0;
    for (const [extension, binding] of await this.deps.registrationStore.registered(this.deps.extensions)) {
      const expiresSeconds = binding.expiresAt === undefined ? 0 : Math.floor((binding.expiresAt - now) / 1000);
      if (expiresSeconds <= 0) continue;
      try {
        await this.deps.edge.restoreRegistration(extension, { contact: binding.contact, source: binding.source, expiresSeconds });
        restored++;
      } catch (err) {
        this.deps.log.error({ err, extension }, 'reconciliation: registration not given back to kamailio');
      }
    }
    return restored;
  }

  private startBeating(): void {
    clearInterval(this.beatTimer);
    const beat = () => void this.deps.heartbeat.beat(this.clock()).catch((err: unknown) => this.deps.log.warn({ err }, 'service heartbeat not written'));
    beat();
    this.beatTimer = setInterval(beat, BEAT_EVERY_MS);
    this.beatTimer.unref();
  }
}
