import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { RouterLeaseStore } from './router-lease.port.js';

export interface RouterElectionDeps {
  lease: RouterLeaseStore;
  /** This instance's id in the lease (host, pid, random): unique among the instances. */
  holder: string;
  /** failover.leaseSeconds in ms: how long a dead active keeps the lease at most. */
  leaseMs: number;
  log: Logger;
  clock?: () => number;
}

export interface RouterElectionEvents {
  /** This instance now holds the lease: it answers Kamailio from now on. */
  promoted: [];
  /** It lost the lease (another took it, Redis unreachable past its end, channel closed): it stands by. */
  demoted: [reason: string];
}

/**
 * Which of the service instances on one Kamailio is the router. Each competes for the
 * lease while its channel to Kamailio is open; the holder renews it every quarter of its
 * length, the others try every eighth, so a holder that dies is replaced within
 * leaseMs + leaseMs/8 of its last renewal. The holder counts its lease from the moment
 * it asked (before Redis set it), less a tenth for clock drift, and stops acting the
 * moment that runs out even if Redis cannot be reached to say so: two instances never
 * both think they hold it, unless one's process stalls in the middle of handling an event.
 */
export class RouterElection extends EventEmitter<RouterElectionEvents> {
  private readonly clock: () => number;
  private active = false;
  private validUntil = 0;
  private competing = false;
  private timer: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;

  constructor(private readonly deps: RouterElectionDeps) {
    super();
    this.clock = deps.clock ?? Date.now;
  }

  /** Whether this instance may answer Kamailio now. */
  get isActive(): boolean {
    return this.active && this.clock() < this.validUntil;
  }

  get holder(): string {
    return this.deps.holder;
  }

  /** Starts competing for the lease (the channel to Kamailio is open: this instance could route). */
  compete(): void {
    if (this.competing) return;
    this.competing = true;
    void this.attempt();
  }

  /**
   * Stops competing and gives the lease back if held: the channel closed, or an orderly
   * stop. `beforeRelease` runs between the two (events in hand finish), so the standby
   * that takes over does not replay what this instance is still doing.
   */
  async withdraw(reason: string, beforeRelease?: () => Promise<void>): Promise<void> {
    this.competing = false;
    clearTimeout(this.timer);
    const wasActive = this.active;
    this.demote(reason);
    if (wasActive) await beforeRelease?.().catch(() => undefined);
    if (wasActive) await this.deps.lease.release(this.deps.holder).catch((err: unknown) => this.deps.log.warn({ err }, 'router lease not given back: it expires by itself'));
  }

  private async attempt(): Promise<void> {
    if (!this.competing) return;
    const askedAt = this.clock();
    let held: boolean | null;
    try {
      held = await withTimeout(this.deps.lease.take(this.deps.holder, this.deps.leaseMs), this.deps.leaseMs / 2);
    } catch (err) {
      held = null;
      this.deps.log.warn({ err: (err as Error).message, active: this.active }, 'router lease not reached');
    }
    if (!this.competing) return;
    if (held === true) {
      this.validUntil = askedAt + this.deps.leaseMs - this.deps.leaseMs / 10;
      this.armWatchdog();
      if (!this.active) {
        this.active = true;
        this.deps.log.info({ holder: this.deps.holder }, 'router lease taken: this instance answers kamailio');
        this.emit('promoted');
      }
    } else if (held === false) {
      this.demote('another instance holds the router lease');
    }
    // Not reached (held null): an active instance stays active until its lease runs out (the watchdog).
    this.timer = setTimeout(() => void this.attempt(), this.active ? this.deps.leaseMs / 4 : this.deps.leaseMs / 8);
    this.timer.unref();
  }

  private armWatchdog(): void {
    clearTimeout(this.watchdog);
    // A timer can fire a little before its time (Node counts from the loop's cached
    // clock, stale after a long tick): then it waits again rather than never demoting.
    this.watchdog = setTimeout(() => {
      if (this.clock() >= this.validUntil) this.demote('router lease not renewed in time');
      else this.armWatchdog();
    }, Math.max(0, this.validUntil - this.clock()));
    this.watchdog.unref();
  }

  private demote(reason: string): void {
    clearTimeout(this.watchdog);
    if (!this.active) return;
    this.active = false;
    this.validUntil = 0;
    this.deps.log.warn({ holder: this.deps.holder, reason }, 'router lease lost: this instance stands by');
    this.emit('demoted', reason);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err as Error);
      },
    );
  });
}
