import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { RecordingConverter } from '../../core/recordings/recording-store.port.js';

/**
 * Conversions in worker threads, one per conversion slot. On the worker's own event loop
 * the pcap read, the mix, the analysis and the encoder's spawn (which blocks its caller
 * until the child has exec'd: 5 ms on an idle VM, about 20 on busy cores) of every slot
 * took turns on one core, while the other slots' encoders waited for them; in threads
 * they run side by side. Threads inherit the process's CPU priority (SCHED_IDLE).
 */
export class ConversionThreads {
  private readonly pool: Piscina;

  constructor(threads: number) {
    const entry = new URL(`./conversion-thread${extname(fileURLToPath(import.meta.url))}`, import.meta.url);
    this.pool = new Piscina({
      filename: entry.href,
      minThreads: threads,
      maxThreads: threads,
      // One conversion per thread at a time: a second would only wait behind the first.
      concurrentTasksPerWorker: 1,
      // tsx compiles the TypeScript entry in the threads as it does in the process.
      execArgv: entry.pathname.endsWith('.ts') ? ['--import', 'tsx'] : [],
    });
  }

  readonly convert: RecordingConverter = (request) => this.pool.run(request);

  /** Waits for the conversions in flight, then ends the threads. */
  async close(): Promise<void> {
    await this.pool.close();
  }
}
