import { fork, type ChildProcess } from 'node:child_process';
import pino, { type Logger } from 'pino';
import type { Config } from '../config/config-schema.js';
import type { WorkerRole } from './process-roles.js';
import { lowestCpuPriority } from './process-priority.js';

export interface WorkerSupervisorOptions {
  /** The config every worker runs with, handed over the IPC channel (never in the environment). */
  config: Config;
  /** How many processes of each role. */
  workers: { role: WorkerRole; count: number }[];
  /** The program to fork (src/main.ts), run with `--role <role> --forked`. */
  entry: string;
  lowPriority: boolean;
  restartDelayMs: number;
  log: Logger;
}

interface Slot {
  role: WorkerRole;
  n: number;
  child: ChildProcess | null;
  startedAt: number;
  delayMs: number;
  timer: NodeJS.Timeout | null;
}

/** After running this long, a worker that dies is restarted after the base delay again. */
const HEALTHY_AFTER_MS = 60_000;
const MAX_RESTART_DELAY_MS = 30_000;

/**
 * Forks the background workers (recordings, webhooks), puts them at the lowest CPU
 * priority, and starts each again when it dies, whatever killed it: their jobs are in
 * queues whose claims lapse, so another worker (or the restarted one) takes them over.
 */
export class WorkerSupervisor {
  private readonly slots: Slot[];
  private stopping = false;
  private readonly logFd: number | 'inherit';

  constructor(private readonly opts: WorkerSupervisorOptions) {
    this.logFd = logFileDescriptor(opts.log);
    this.slots = opts.workers.flatMap(({ role, count }) =>
      Array.from({ length: count }, (_, n) => ({ role, n, child: null, startedAt: 0, delayMs: opts.restartDelayMs, timer: null })),
    );
  }

  /** Process ids of the workers running now, by role (for tests and the health check). */
  pids(role?: WorkerRole): number[] {
    return this.slots.filter((s) => (role === undefined || s.role === role) && s.child?.pid !== undefined && s.child.exitCode === null).map((s) => s.child!.pid!);
  }

  get healthy(): boolean {
    return this.slots.every((s) => s.child !== null && s.child.exitCode === null && s.child.signalCode === null);
  }

  /** Resolves once every worker has said it is ready. */
  async start(): Promise<void> {
    await Promise.all(this.slots.map((s) => this.spawn(s)));
  }

  private spawn(slot: Slot): Promise<void> {
    const log = this.opts.log.child({ worker: `${slot.role}-${slot.n}` });
    const child = fork(this.opts.entry, ['--role', slot.role, '--forked'], {
      // tsx compiles the TypeScript entry in the child as it does in the launcher.
      execArgv: this.opts.entry.endsWith('.ts') ? ['--import', 'tsx'] : [],
      // The workers write their JSON lines straight to the launcher's log file or stdout:
      // passing them through the launcher would spend the routing process's time on them.
      stdio: ['ignore', this.logFd, this.logFd, 'ipc'],
    });
    slot.child = child;
    slot.startedAt = Date.now();
    if (this.opts.lowPriority && child.pid !== undefined) {
      log.info({ pid: child.pid, priority: lowestCpuPriority(child.pid) }, 'worker started');
    }
    child.send({ type: 'config', config: this.opts.config });
    const ready = new Promise<void>((resolve) => {
      child.on('message', (m: { type?: string }) => {
        if (m?.type === 'ready') resolve();
      });
      // A worker that dies during start-up is restarted like any other; start() does not wait for it.
      child.once('exit', () => resolve());
    });
    child.once('exit', (code, signal) => {
      if (slot.child !== child) return;
      slot.child = null;
      if (this.stopping) return;
      if (Date.now() - slot.startedAt > HEALTHY_AFTER_MS) slot.delayMs = this.opts.restartDelayMs;
      log.warn({ code, signal, restartInMs: slot.delayMs }, 'worker died; starting it again');
      slot.timer = setTimeout(() => {
        slot.timer = null;
        if (!this.stopping) void this.spawn(slot);
      }, slot.delayMs);
      slot.delayMs = Math.min(slot.delayMs * 2, MAX_RESTART_DELAY_MS);
    });
    return ready;
  }

  /** SIGTERM to every worker (they finish or give back their jobs), SIGKILL after the grace period. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    for (const s of this.slots) if (s.timer) clearTimeout(s.timer);
    await Promise.all(
      this.slots.map(async (s) => {
        const child = s.child;
        if (!child || child.exitCode !== null || child.signalCode !== null) return;
        const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await gone;
        clearTimeout(timer);
      }),
    );
  }

  /** For exit paths where nothing asynchronous runs. */
  killNow(): void {
    this.stopping = true;
    for (const s of this.slots) s.child?.kill('SIGKILL');
  }
}

/** The file descriptor a pino logger writes to (its SonicBoom destination), or the launcher's own stdout. */
function logFileDescriptor(log: Logger): number | 'inherit' {
  const stream = (log as unknown as Record<symbol, { fd?: unknown } | undefined>)[pino.symbols.streamSym];
  return typeof stream?.fd === 'number' && stream.fd >= 0 ? stream.fd : 'inherit';
}
