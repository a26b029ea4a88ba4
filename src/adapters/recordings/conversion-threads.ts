import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { RecordingConverter } from '../../core/recordings/recording-store.port.js';

/** nice's lowest priority; a thread already there stays there (the increment is capped). */
const LOWEST_NICE = 19;

/**
 * Conversions in worker threads, one per conversion slot. On the worker's own event loop
 * the pcap read, the mix, the analysis and the encoder's spawn (which blocks its caller
 * until the child has exec'd: 5 ms on an idle VM, about 20 on busy cores) of every slot
 * took turns on one core, while the other slots' encoders waited for them; in threads
 * they run side by side. In a forked worker the threads inherit its SCHED_IDLE; each also
 * lowers itself to nice 19 (a per-thread value on Linux, passed on to the encoders it
 * starts), so conversions yield to routing even in a process that routes calls too.
 */
export class ConversionThreads {
  private readonly pool: Piscina;

  constructor(threads: number) {
    // The converter's own module, .ts under tsx and .js when compiled; each thread calls its convertCallRecording.
    const entry = new URL(`./pcap-to-recording${extname(fileURLToPath(import.meta.url))}`, import.meta.url);
    this.pool = new Piscina({
      filename: entry.href,
      name: 'convertCallRecording',
      minThreads: threads,
      maxThreads: threads,
      // One conversion per thread at a time: a second would only wait behind the first.
      concurrentTasksPerWorker: 1,
      niceIncrement: LOWEST_NICE,
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
