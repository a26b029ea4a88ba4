import type { Logger } from 'pino';
import type { LiveCallStore } from '../core/calls/live-call-store.js';
import { ringingAttempts } from '../core/calls/live-call.js';
import type { SipEdgeView } from '../core/calls/sip-edge-view.port.js';
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
  extensions: readonly string[];
  heartbeat: ServiceHeartbeat;
  /** When the call's media first and last ran (its pcap in the spool), if it has any. */
  mediaTimes: (callId: string) => Promise<{ firstAt: number; lastAt: number } | null>;
  log: Logger;
  clock?: () => number;
}

export interface ReconciliationReport {
  stillUp: number;
  answeredWhileAway: number;
  endedWhileAway: number;
  rejoinedLine: number;
  registrations: number;
}

/** While connected, the heartbeat says "events were being heard" this often. */
const BEAT_EVERY_MS = 1000;
/** Between connections, live calls are checked against Kamailio this often (events lost on a busy channel). */
const SWEEP_EVERY_MS = 30_000;

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
  private running: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: ReconciliationDeps) {
    this.clock = deps.clock ?? Date.now;
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
  }

  private async reconcile(): Promise<ReconciliationReport> {
    // Read before this instance beats: the last moment anyone heard events.
    const connectedAt = this.clock();
    const lastSeen = (await this.deps.heartbeat.lastSeen()) ?? connectedAt;
    this.startBeating();
    const report: ReconciliationReport = { stillUp: 0, answeredWhileAway: 0, endedWhileAway: 0, rejoinedLine: 0, registrations: 0 };
    for (const callId of await this.deps.liveCalls.ids()) {
      const outcome = await this.check(callId, lastSeen, connectedAt).catch((err: unknown) => {
        this.deps.log.error({ err, callId }, 'reconciliation: call not checked');
        return null;
      });
      if (outcome) report[outcome]++;
      this.deps.log.debug({ callId, outcome }, 'reconciliation: call checked');
    }
    report.registrations = await this.rereadRegistrations();
    this.deps.log.info(report, 'reconciled with kamailio after the channel opened');
    this.sweepTimer = setInterval(() => void this.sweep(), SWEEP_EVERY_MS);
    this.sweepTimer.unref();
    return report;
  }

  /** `awayUntil`: the moment the channel opened after an absence; null for the sweep while connected. */
  private async check(callId: string, lastSeen: number, awayUntil: number | null): Promise<Exclude<keyof ReconciliationReport, 'registrations'> | null> {
    const call = await this.deps.liveCalls.get(callId);
    // A call that came in after the channel opened is this connection's own.
    if (!call || (awayUntil !== null && call.startedAt >= awayUntil)) return null;
    const away = awayUntil !== null;
    const dialog = await this.deps.edge.dialog(callId);
    if (dialog === null) {
      // While connected, an end event may be on its way: close only what stays gone.
      if (!away && !this.goneOnce.has(callId)) {
        this.goneOnce.add(callId);
        return null;
      }
      this.goneOnce.delete(callId);
      const media = await this.deps.mediaTimes(callId);
      await this.deps.callEvents.endedWhileAway(callId, {
        answeredAt: call.answeredAt ?? media?.firstAt ?? null,
        endedAt: media?.lastAt ?? lastSeen,
      });
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

  private startBeating(): void {
    clearInterval(this.beatTimer);
    const beat = () => void this.deps.heartbeat.beat(this.clock()).catch((err: unknown) => this.deps.log.warn({ err }, 'service heartbeat not written'));
    beat();
    this.beatTimer = setInterval(beat, BEAT_EVERY_MS);
    this.beatTimer.unref();
  }
}
