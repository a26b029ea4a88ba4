import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { CallRecordJson } from '../core/calls/call-record.js';
import type { NewRecording, RecordingFormat } from '../core/recordings/recording-store.port.js';
import type { DomainEvents } from './domain-events.js';

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
  /** rtpengine's --recording-dir; it writes the pcaps to <spoolDir>/pcaps. */
  spoolDir: string;
  format: RecordingFormat;
  /** How long to wait for the pcap after the hang-up. */
  pcapWaitMs: number;
  log: Logger;
  /** Base of the URL in recording.ready, e.g. http://10.0.0.5:8080. */
  publicBaseUrl: string;
  clock?: () => number;
  /** Polling step while waiting for the pcap. */
  pollMs?: number;
  /** Waits between tries to write the row while PostgreSQL or Redis is unreachable. */
  submitRetryDelaysMs?: readonly number[];
}

/**
 * Turns answered calls into recording jobs: finds rtpengine's pcap of the call, writes the
 * pending row and queues it; and raises recording.ready when the archive stored one.
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

  /** The archive's onStored: raises recording.ready. */
  stored(r: { callId: string; format: RecordingFormat; durationSeconds: number }): void {
    const clock = this.deps.clock ?? Date.now;
    this.deps.events.emit('recording.ready', {
      callId: r.callId,
      url: `${this.deps.publicBaseUrl.replace(/\/$/, '')}/api/recordings/${encodeURIComponent(r.callId)}/audio`,
      filename: `${r.callId.replace(/[^A-Za-z0-9._-]/g, '_')}.${r.format}`,
      format: r.format,
      durationSeconds: r.durationSeconds,
      at: new Date(clock()).toISOString(),
    });
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
    const pcapPath = await this.findPcap(record.callId);
    if (!pcapPath) {
      this.deps.log.warn({ callId: record.callId }, 'recording: no pcap for the answered call in the spool; nothing recorded');
      return;
    }
    const recording = {
      callId: record.callId,
      format: this.deps.format,
      pcapPath,
      // Not in the record: the converter tells the parties apart itself.
      callerAddress: record.direction === 'internal' ? null : (this.deps.clientAddress ?? null),
      manager: record.manager,
      callerNumber: record.callerNumber,
      calleeNumber: record.calleeNumber,
      direction: record.direction,
      startedAt: new Date(record.startedAt),
    };
    const delays = this.deps.submitRetryDelaysMs ?? [200, 1_000, 5_000, 15_000, 30_000];
    for (let attempt = 0; ; attempt += 1) {
      try {
        await this.deps.archive.submit(recording);
        return;
      } catch (err) {
        const delay = delays[attempt];
        if (delay === undefined) {
          // The pcap stays in the spool; the log line names it, so an operator can still submit it.
          this.deps.log.error({ err, recording }, 'recording: could not be indexed; the pcap stays in the spool');
          return;
        }
        this.deps.log.warn({ err, callId: record.callId, attempt: attempt + 1 }, 'recording: not indexed yet; retrying');
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  /**
   * rtpengine names the pcap after the URL-encoded Call-ID followed by '-' and a random
   * part, and may close it a moment after the BYE: wait, bounded, for a file whose size
   * has stopped changing.
   */
  private async findPcap(callId: string): Promise<string | null> {
    const dir = join(this.deps.spoolDir, 'pcaps');
    const prefixes = [...new Set([encodeURIComponent(callId), callId])];
    // The random part is hex, so "abc" never takes the pcap of a call "abc-1".
    const isOurs = (n: string) => prefixes.some((p) => n.startsWith(`${p}-`) && /^[0-9a-fA-F]+\.pcap$/.test(n.slice(p.length + 1)));
    const deadline = Date.now() + this.deps.pcapWaitMs;
    const poll = this.deps.pollMs ?? 100;
    let lastSize = -1;
    let found: string | null = null;
    for (;;) {
      const names = await readdir(dir).catch(() => [] as string[]);
      const name = names.find(isOurs);
      if (name) {
        found = join(dir, name);
        const size = await stat(found).then((s) => s.size, () => -1);
        // Two equal sizes a poll apart: rtpengine has finished writing.
        if (size > 0 && size === lastSize) return found;
        lastSize = size;
      }
      if (Date.now() >= deadline) return found;
      await new Promise((resolve) => setTimeout(resolve, poll));
    }
  }
}
