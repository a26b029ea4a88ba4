import type { Logger } from 'pino';
import type { Config, ManagerConfig } from '../config/config-schema.js';
import { planReload, type ReloadPlan } from '../config/reload-plan.js';

/** Where a reload's changes land; each is a port the launcher fills with the real part. */
export interface ReloadTargets {
  /** Pushes a manager's digest credential to Kamailio (null withdraws it). False when the channel is down. */
  credential(extension: string, manager: ManagerConfig | null): boolean;
  /** The extensions whose registrations are heard and whose calls are routed as managers' own (shared, mutable). */
  extensions: Set<string>[];
  /** Forgets a withdrawn manager's registration, so no call is offered to his phone. */
  unregister(extension: string): Promise<void>;
  /** The managers the console and `GET /api/managers` list (optional: not every process has one). */
  roster?(managers: ManagerConfig[]): void;
  /** Replaces the API tokens and console accounts. */
  access(tokens: Config['api']['tokens'], users: Config['console']['users']): void;
}

export interface ReloadReport {
  /** What was applied, in words, one line per change. */
  applied: string[];
  /** Settings that differ in the file but take effect only at the next restart. */
  needsRestart: string[];
  /** False when a manager's credential could not be pushed (Kamailio disconnected: pushed again on reconnect). */
  kamailioUpdated: boolean;
}

/**
 * Reads the configuration file again and applies what can change while running (see
 * reload-plan.ts). A file that does not validate throws the loader's ConfigError
 * (file:line sentences) and changes nothing: the running configuration stays.
 * Reloads run one at a time (a SIGHUP and a CLI call together apply in turn).
 */
export class ConfigReloader {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private current: Config,
    private readonly deps: { read: () => Config; targets: ReloadTargets; log: Logger },
  ) {}

  /** The configuration in force (managers, tokens and accounts as last reloaded). */
  get config(): Config {
    return this.current;
  }

  reload(trigger: string): Promise<ReloadReport> {
    const run = this.chain.then(() => this.reloadNow(trigger));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async reloadNow(trigger: string): Promise<ReloadReport> {
    const log = this.deps.log;
    let next: Config;
    try {
      next = this.deps.read();
    } catch (err) {
      log.error({ trigger, err: (err as Error).message }, 'configuration reload refused, the running configuration stays');
      throw err;
    }
    const plan = planReload(this.current, next);
    const report = await this.apply(plan, next);
    // Only the live parts are taken over; the rest stays as started until a restart.
    this.current = { ...this.current, managers: next.managers, api: { ...this.current.api, tokens: next.api.tokens }, console: { ...this.current.console, users: next.console.users } };
    if (report.needsRestart.length > 0) log.warn({ trigger, needsRestart: report.needsRestart }, 'configuration reloaded: these settings need a restart to take effect');
    log.info({ trigger, applied: report.applied, kamailioUpdated: report.kamailioUpdated }, plan.unchanged ? 'configuration reloaded: nothing changed' : 'configuration reloaded');
    return report;
  }

  private async apply(plan: ReloadPlan, next: Config): Promise<ReloadReport> {
    const { targets } = this.deps;
    const applied: string[] = [];
    let pushed = true;
    const push = (extension: string, m: ManagerConfig | null) => {
      pushed = targets.credential(extension, m) && pushed;
    };
    const { managers: mp } = plan;
    // Withdrawn first: their phones stop being offered calls before anything else changes.
    for (const m of [...mp.removed, ...mp.disabled]) {
      push(m.extension, null);
      await targets.unregister(m.extension);
      for (const set of targets.extensions) set.delete(m.extension);
      applied.push(`manager ${m.extension} ${mp.removed.includes(m) ? 'removed' : 'disabled'}: credential withdrawn, not routed`);
    }
    for (const m of [...mp.added.filter((a) => !a.disabled), ...mp.enabled]) {
      for (const set of targets.extensions) set.add(m.extension);
      push(m.extension, m);
      applied.push(`manager ${m.extension} ${mp.enabled.includes(m) ? 'enabled' : 'added'}: credential pushed, routed`);
    }
    for (const m of mp.added.filter((a) => a.disabled)) applied.push(`manager ${m.extension} added disabled: no credential`);
    for (const m of mp.passwordChanged) {
      push(m.extension, m);
      applied.push(`manager ${m.extension}: new password pushed`);
    }
    if (mp.added.length + mp.removed.length > 0) targets.roster?.(next.managers);
    const access = [plan.tokens, plan.consoleUsers];
    if (access.some((d) => d.added.length + d.removed.length + d.changed.length > 0)) {
      targets.access(next.api.tokens, next.console.users);
      for (const [what, d] of [['API token', plan.tokens], ['console account', plan.consoleUsers]] as const) {
        for (const n of d.added) applied.push(`${what} "${n}" added`);
        for (const n of d.removed) applied.push(`${what} "${n}" removed`);
        for (const n of d.changed) applied.push(`${what} "${n}" changed`);
      }
    }
    const needsRestart = [
      ...plan.needsRestart,
      // Read at start by webhooks (names), lead ownership checks and the console's settings: the rest of him is live.
      ...mp.added.map((m) => `managers (${m.extension}): his name in CRM webhooks and the console, and leads owned by him`),
      ...mp.otherwiseChanged.map((e) => `managers (${e}): name, crmUserId or line (read at start by webhooks, the console and outbound calls)`),
    ];
    return { applied, needsRestart, kamailioUpdated: pushed };
  }
}
