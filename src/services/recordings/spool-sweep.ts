import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { CallRecord } from '../../core/calls/call-record.js';
import type { NewRecording, RecordingFormat } from '../../core/recordings/recording-store.port.js';
import type { RecordingIndexPort, RecordingJobQueue } from './recording-index.port.js';
import { newRecordingOf } from './new-recording.js';
import { callIdOfPcap, finishedMetadataPath, pcapDir } from './spool-pcaps.js';

export interface SpoolSweepDeps {
  index: Pick<RecordingIndexPort, 'existing' | 'insertPending'>;
  queue: Pick<RecordingJobQueue, 'add'>;
  /** The finished call's record, or null (PostgreSQL's call store in production). */
  callRecord(callId: string): Promise<Pick<CallRecord, 'callId' | 'direction' | 'manager' | 'callerNumber' | 'calleeNumber' | 'startedAt'> | null>;
  spoolDir: string;
  format: RecordingFormat;
  clientAddress: string | null;
  /** A pcap with neither a call record nor rtpengine's final metadata is an orphan once unchanged this long. */
  orphanAfterMs: number;
  /** A pcap changed more recently than this is left alone (rtpengine may still write it; the router's row may be on its way). */
  quietMs: number;
  log: Logger;
  clock?: () => number;
}

/**
 * Makes a recording of every pcap in the spool that has no recording row: a call whose
 * hang-up the service missed (it was down), a row lost before it was written. The pcap is
 * taken once the call is known to be over: its call record exists, or rtpengine moved its
 * metadata to metadata/ (it deleted the call), or it has not changed for `orphanAfterMs`.
 * Nothing is deleted here: the archiver removes the pcap once the recording is stored.
 */
export class SpoolSweep {
  constructor(private readonly deps: SpoolSweepDeps) {}

  /** One pass; returns how many recordings it queued. */
  async sweep(): Promise<number> {
    const clock = this.deps.clock ?? Date.now;
    const names = (await readdir(pcapDir(this.deps.spoolDir)).catch(() => [] as string[])).filter((n) => callIdOfPcap(n) !== null);
    let queued = 0;
    // In slices, so one query never carries thousands of ids.
    for (let i = 0; i < names.length; i += 500) {
      const slice = names.slice(i, i + 500);
      const known = await this.deps.index.existing(slice.map((n) => callIdOfPcap(n)!));
      const added: string[] = [];
      for (const name of slice) {
        const callId = callIdOfPcap(name)!;
        if (known.has(callId)) continue;
        const recording = await this.recordingOf(name, callId, clock());
        if (recording && (await this.deps.index.insertPending(recording))) added.push(callId);
      }
      await this.deps.queue.add(added);
      queued += added.length;
    }
    if (queued > 0) this.deps.log.info({ recordings: queued }, 'pcaps without a recording row found in the spool: queued');
    return queued;
  }

  private async recordingOf(name: string, callId: string, now: number): Promise<NewRecording | null> {
    const pcapPath = join(pcapDir(this.deps.spoolDir), name);
    const modified = await stat(pcapPath).then((s) => s.mtimeMs, () => null);
    if (modified === null || now - modified < this.deps.quietMs) return null;
    const o = { format: this.deps.format, clientAddress: this.deps.clientAddress, pcapPath };
    const record = await this.deps.callRecord(callId);
    if (record) return newRecordingOf(record, o);
    const finished = await stat(finishedMetadataPath(this.deps.spoolDir, name)).then(() => true, () => false);
    if (!finished && now - modified < this.deps.orphanAfterMs) return null;
    // No record of the call: the recording is kept all the same, with what the file says.
    return newRecordingOf({ callId, direction: 'inbound', manager: null, callerNumber: '', calleeNumber: '', startedAt: new Date(modified) }, { ...o, clientAddress: null });
  }
}
