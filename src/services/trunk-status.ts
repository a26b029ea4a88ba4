import type { Logger } from 'pino';
import type { Config } from '../config/config-schema.js';
import type { DomainEventMap, DomainEvents } from './domain-events.js';

export type TrunkState = 'trusted' | 'pending' | 'registered' | 'unregistered';

export interface TrunkView {
  name: string;
  kind: 'address' | 'registering';
  state: TrunkState;
  /** Epoch ms of the last change of state (null while nothing is known yet). */
  since: number | null;
}

interface Tracked extends TrunkView {
  /** trunk.down was raised and trunk.up not yet. */
  alerted: boolean;
  everRegistered: boolean;
}

/** uac_reg_status: 1 registered, -2 a registration attempt (or refresh) under way; others: not registered. */
const REGISTERED = 1;
const ATTEMPT_UNDER_WAY = -2;

/**
 * The registering trunks' state as Kamailio reports it every few seconds. Raises
 * trunk.down when a registration is lost (or none came within startGraceMs of the
 * first report), and trunk.up when it is back. Kept per service instance.
 */
export class TrunkStatus {
  private readonly trunks = new Map<string, Tracked>();
  private firstReportAt: number | null = null;

  constructor(
    config: Config,
    private readonly deps: { log: Logger; events: DomainEvents; startGraceMs?: number },
  ) {
    for (const t of config.trunks) {
      const kind = t.register ? 'registering' : 'address';
      this.trunks.set(t.name, { name: t.name, kind, state: t.register ? 'pending' : 'trusted', since: null, alerted: false, everRegistered: false });
    }
  }

  /**
   * A report from Kamailio; `status` is uac_reg_status's return code. `quiet`: heard by
   * a standby instance, which keeps the same state (its /api/trunks and health) while the
   * router raises the events.
   */
  reported(name: string, status: number, at: number, { quiet = false } = {}): void {
    this.quiet = quiet;
    try {
      this.apply(name, status, at);
    } finally {
      this.quiet = false;
    }
  }

  private quiet = false;

  private emit<K extends 'trunk.down' | 'trunk.up'>(name: K, payload: DomainEventMap[K]): void {
    if (!this.quiet) this.deps.events.emit(name, payload);
  }

  private apply(name: string, status: number, at: number): void {
    const trunk = this.trunks.get(name);
    if (!trunk || trunk.kind !== 'registering') return;
    this.firstReportAt ??= at;
    // An attempt under way changes nothing: every refresh of a live registration is one,
    // and the first attempt after start-up is not a loss. Its outcome comes next.
    if (status === ATTEMPT_UNDER_WAY) return;
    const state: TrunkState = status === REGISTERED ? 'registered' : 'unregistered';
    if (state !== trunk.state) this.change(trunk, state, status, at);
    if (state === 'registered') {
      trunk.everRegistered = true;
      return;
    }
    const graceOver = at - this.firstReportAt >= (this.deps.startGraceMs ?? 30_000);
    if (!trunk.alerted && (trunk.everRegistered || graceOver)) {
      trunk.alerted = true;
      this.emit('trunk.down', { trunk: name, status, at: new Date(at).toISOString() });
    }
  }

  private change(trunk: Tracked, state: TrunkState, status: number, at: number): void {
    const was = trunk.state;
    trunk.state = state;
    trunk.since = at;
    if (state === 'registered') {
      this.deps.log.info({ trunk: trunk.name, was }, 'trunk registered with its provider');
      if (trunk.alerted) {
        trunk.alerted = false;
        this.emit('trunk.up', { trunk: trunk.name, at: new Date(at).toISOString() });
      }
    } else {
      this.deps.log.warn({ trunk: trunk.name, was, status }, 'trunk not registered with its provider: its inbound calls cannot reach us');
    }
  }

  list(): TrunkView[] {
    return [...this.trunks.values()].map(({ name, kind, state, since }) => ({ name, kind, state, since }));
  }

  /** For /healthz: every registering trunk registered. */
  health(): { ok: boolean; detail?: string } {
    const down = this.list().filter((t) => t.kind === 'registering' && t.state !== 'registered');
    return down.length === 0 ? { ok: true } : { ok: false, detail: down.map((t) => `${t.name}: ${t.state}`).join(', ') };
  }
}
