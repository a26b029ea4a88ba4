import type { Logger } from 'pino';
import type { Config } from '../config/config-schema.js';

export type TrunkState = 'trusted' | 'pending' | 'registered' | 'unregistered';

export interface TrunkView {
  name: string;
  kind: 'address' | 'registering';
  state: TrunkState;
  /** Epoch ms of the last change of state (null while nothing is known yet). */
  since: number | null;
}

/**
 * The registering trunks' state as Kamailio reports it every few seconds (uac_reg_status:
 * 1 registered, anything else not). Kept per service instance: each one hears Kamailio's
 * reports; a change is logged once per instance.
 */
export class TrunkStatus {
  private readonly trunks = new Map<string, TrunkView>();

  constructor(config: Config, private readonly log: Logger) {
    for (const t of config.trunks) {
      this.trunks.set(t.name, t.register
        ? { name: t.name, kind: 'registering', state: 'pending', since: null }
        : { name: t.name, kind: 'address', state: 'trusted', since: null });
    }
  }

  /** A report from Kamailio; `status` is uac_reg_status's return code. */
  reported(name: string, status: number, at: number): void {
    const trunk = this.trunks.get(name);
    if (!trunk || trunk.kind !== 'registering') return;
    const state: TrunkState = status === 1 ? 'registered' : 'unregistered';
    if (state === trunk.state) return;
    const was = trunk.state;
    trunk.state = state;
    trunk.since = at;
    if (state === 'registered') this.log.info({ trunk: name, was }, 'trunk registered with its provider');
    else this.log.warn({ trunk: name, was, status }, 'trunk not registered with its provider: its inbound calls cannot reach us');
  }

  list(): TrunkView[] {
    return [...this.trunks.values()].map((t) => ({ ...t }));
  }

  /** For /healthz: every registering trunk registered. */
  health(): { ok: boolean; detail?: string } {
    const down = this.list().filter((t) => t.kind === 'registering' && t.state !== 'registered');
    return down.length === 0 ? { ok: true } : { ok: false, detail: down.map((t) => `${t.name}: ${t.state}`).join(', ') };
  }
}
