import type { Logger } from 'pino';

/**
 * Runs `task` now and every `everyMs` after, never two rounds at once; a failed round is
 * logged and the next one tries again. `stop` waits for the round in flight.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> = Promise.resolve();
  private busy = false;

  constructor(
    readonly name: string,
    private readonly everyMs: number,
    private readonly task: () => Promise<unknown>,
    private readonly log: Logger,
  ) {}

  /** Starts the timer; resolves after the first round. */
  async start(options: { runNow?: boolean } = {}): Promise<void> {
    this.timer = setInterval(() => void this.runOnce(), this.everyMs);
    this.timer.unref();
    if (options.runNow !== false) await this.runOnce();
  }

  runOnce(): Promise<unknown> {
    if (this.busy) return this.running;
    this.busy = true;
    this.running = this.task()
      .catch((err: unknown) => this.log.warn({ err }, `${this.name} failed; the next round tries again`))
      .finally(() => {
        this.busy = false;
      });
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
