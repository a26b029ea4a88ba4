import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Logger } from 'pino';
import { StartupError } from '../core/errors/app-error.js';

export interface DaemonSpec {
  name: string;
  command: string;
  args: string[];
  /** A line of the daemon's output that says it is ready. */
  readyLine?: RegExp;
  /** Or a question to ask it until it answers (polled every 50 ms). Without either, ready once spawned. */
  probe?: () => Promise<boolean>;
  /** Working directory: where a crash dump lands (never the source tree). */
  cwd: string;
  /** Added to the service's environment for this daemon. */
  env?: Record<string, string>;
  readyTimeoutMs?: number;
}

/**
 * A foreground daemon (Kamailio, rtpengine) run as a child in its own process
 * group, so stopping it also stops the processes it forked. Its output goes
 * into the structured log, one entry per line.
 */
export class Daemon {
  private child: ChildProcess | null = null;
  private readonly recent: string[] = [];
  private exited = false;
  /** A daemon left running by a previous run of this install, taken over instead of started. */
  private adopted: number | null = null;
  private supervisor: NodeJS.Timeout | null = null;
  private stopping = false;
  private restarting = false;

  constructor(private readonly spec: DaemonSpec, private readonly log: Logger) {}

  get pid(): number | undefined {
    return this.adopted ?? this.child?.pid;
  }

  get running(): boolean {
    if (this.adopted !== null) return isAlive(this.adopted);
    return this.child !== null && !this.exited;
  }

  /**
   * Takes over a daemon a killed predecessor left behind: calls in progress go on.
   * Its output went to the dead parent and is lost from here on; stopping works
   * as for a child (it leads its own process group).
   */
  adopt(pid: number): void {
    this.adopted = pid;
    this.log.info({ pid }, `${this.spec.name} left running by the previous run: adopted`);
  }

  /**
   * Starts the daemon again whenever it dies without being asked to (checked every
   * second, adopted ones included): a crashed Kamailio comes back by itself, and the
   * service reconnects and reconciles.
   */
  supervise(everyMs = 1000): void {
    this.supervisor = setInterval(() => {
      if (this.stopping || this.restarting || this.running) return;
      this.restarting = true;
      this.log.error({ pid: this.pid }, `${this.spec.name} died: starting it again`);
      // Workers of a killed main process may still hold its sockets.
      this.signalGroup('SIGKILL');
      this.adopted = null;
      this.child = null;
      this.exited = false;
      this.start()
        .catch((err: unknown) => this.log.error({ err }, `${this.spec.name} could not be started again; retrying`))
        .finally(() => {
          this.restarting = false;
        });
    }, everyMs);
    this.supervisor.unref();
  }

  /** Stops a daemon left by a previous run that cannot be adopted: SIGTERM, then SIGKILL. */
  static async stopLeft(name: string, pid: number, log: Logger, graceMs = 5000): Promise<void> {
    log.warn({ pid }, `${name} left running by the previous run: stopping it before starting a new one`);
    signalGroup(pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    signalGroup(pid, 'SIGKILL');
    while (isAlive(pid)) await new Promise((r) => setTimeout(r, 20));
  }

  async start(): Promise<void> {
    const { name, command, args, readyLine, probe, readyTimeoutMs = 15_000 } = this.spec;
    this.log.info({ command: [command, ...args].join(' ') }, `starting ${name}`);
    const child = spawn(command, args, { cwd: this.spec.cwd, env: { ...process.env, ...this.spec.env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let onReadyLine: (() => void) | null = null;
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        this.remember(line);
        this.log.info({ daemon: name }, line);
        if (onReadyLine && readyLine?.test(line)) onReadyLine();
      });
    }
    await new Promise<void>((resolve, reject) => {
      const fail = (why: string) => reject(new StartupError(`${name.toUpperCase()}_FAILED`, `${name} ${why}. Its last output:\n  ${this.recent.slice(-8).join('\n  ')}`));
      const waits = readyLine !== undefined || probe !== undefined;
      const timer = waits ? setTimeout(() => fail(`did not report ready within ${readyTimeoutMs} ms`), readyTimeoutMs) : null;
      child.once('error', (err) => {
        if (timer) clearTimeout(timer);
        reject(new StartupError(`${name.toUpperCase()}_FAILED`, `${name} could not be started (${err.message}): run \`npm run setup\` to install it.`));
      });
      child.once('exit', (code, signal) => {
        this.exited = true;
        if (timer) clearTimeout(timer);
        fail(`exited during start-up (code ${code ?? signal})`);
      });
      if (!waits) return resolve();
      const ready = () => {
        onReadyLine = null;
        if (timer) clearTimeout(timer);
        resolve();
      };
      if (readyLine) onReadyLine = ready;
      if (probe) void this.pollUntilReady(probe, ready);
    });
    child.on('exit', (code, signal) => {
      this.exited = true;
      this.log.warn({ daemon: name, code, signal }, `${name} exited`);
    });
  }

  private async pollUntilReady(probe: () => Promise<boolean>, ready: () => void): Promise<void> {
    while (!this.exited) {
      if (await probe().catch(() => false)) return ready();
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** SIGTERM to the whole group, SIGKILL if it has not gone after the grace period. */
  async stop(graceMs = 5000): Promise<void> {
    this.stopping = true;
    if (this.supervisor) clearInterval(this.supervisor);
    if (this.adopted !== null) return Daemon.stopLeft(this.spec.name, this.adopted, this.log, graceMs);
    const child = this.child;
    if (!child || this.exited || child.pid === undefined) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    this.signalGroup('SIGTERM');
    const timer = setTimeout(() => this.signalGroup('SIGKILL'), graceMs);
    await gone;
    clearTimeout(timer);
    // Forked workers may outlive their parent for a moment: make sure none is left.
    this.signalGroup('SIGKILL');
  }

  /** For process exit paths where nothing asynchronous can run. */
  killNow(): void {
    this.signalGroup('SIGKILL');
  }

  private signalGroup(signal: NodeJS.Signals): void {
    const pid = this.pid;
    if (pid !== undefined) signalGroup(pid, signal);
  }

  private remember(line: string): void {
    this.recent.push(line);
    if (this.recent.length > 50) this.recent.shift();
  }
}

function signalGroup(leader: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-leader, signal);
  } catch {
    // already gone
  }
}

/** Alive and not a zombie (an adopted daemon is not our child: nobody reaps it but init). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}
