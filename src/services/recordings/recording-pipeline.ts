import type { Logger } from 'pino';
import type { CallRecordJson } from '../../core/calls/call-record.js';
import type { NewRecording, RecordingFormat } from '../../core/recordings/recording-store.port.js';
import type { DomainEvents } from '../domain-events.js';
import { newRecordingOf } from './new-recording.js';

/** What the pipeline hands a finished call's recording to (the archive: index row, then queue). */
export interface RecordingSubmitter {
  submit(recording: NewRecording): Promise<void>;
}

export interface RecordingPipelineDeps {
  events: DomainEvents;
  /**
   * The trunk's address: on a call with the outside world the client's media comes from
   * it, so the client is on the left channel whichever side dialled. Without it the
   * converter reads the sides from rtpengine's metadata (the SIP caller on the left).
   */
  clientAddress?: string;
  archive: RecordingSubmitter;
  format: RecordingFormat;
  log: Logger;
  /** Waits between tries to write the row while PostgreSQL or Redis is unreachable. */
  submitRetryDelaysMs?: readonly number[];
}

/**
 * Turns answered calls into recording jobs: writes the pending row and queues it, nothing
 * more, so the routing process never touches the spool (the archiver, in a worker, finds
 * the pcap). recording.ready is raised where the recording is stored.
 */
export class RecordingPipeline {
  private readonly inFlight = new Set<Promise<unknown>>();
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly deps: RecordingPipelineDeps) {}

  start(): void {
    this.unsubscribe = this.deps.events.on('call.ended', ({ record }) => this.callEnded(record));
  }

  /** Stops listening and waits for the calls already taken to be submitted (each bounded by the pcap wait and the retries). */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    await Promise.allSettled([...this.inFlight]);
  }

  /** Public for tests; the bus calls it for every call.ended. */
  callEnded(record: CallRecordJson): void {
    // Only an answered call has media between the parties worth keeping.
    if (record.disposition !== 'answered' || record.talkSeconds <= 0) return;
    const task = this.submit(record);
    this.inFlight.add(task);
    void task.finally(() => this.inFlight.delete(task));
  }

  private async submit(record: CallRecordJson): Promise<void> {
    const recording = newRecordingOf(record, { format: this.deps.format, clientAddress: this.deps.clientAddress ?? null, pcapPath: null });
    const delays = this.deps.submitRetryDelaysMs ?? [200, 1_000, 5_000, 15_000, 30_000];
    for (let attempt = 0; ; attempt += 1) {
      try {
        await this.deps.archive.submit(recording);
        return;
      } catch (err) {
        const delay = delays[attempt];
        if (delay === undefined) {
          // The pcap stays in the spool, where the workers' spool sweep finds it.
          this.deps.log.error({ err, recording }, 'recording: could not be indexed; the spool sweep will pick the pcap up');
          return;
        }
        this.deps.log.warn({ err, callId: record.callId, attempt: attempt + 1 }, 'recording: not indexed yet; retrying');
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}
