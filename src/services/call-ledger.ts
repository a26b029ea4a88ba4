import { toCallRecordJson } from '../core/calls/call-record.js';
import { finishCall, type LiveCall } from '../core/calls/live-call.js';
import type { LiveCallStore } from '../core/calls/live-call-store.js';
import type { CallRecordSink } from './call-record-sink.js';
import type { DomainEvents } from './domain-events.js';

/** Live calls while they last, and their record once they end: the one place a call is closed. */
export class CallLedger {
  constructor(
    readonly live: LiveCallStore,
    private readonly records: CallRecordSink,
    private readonly events: DomainEvents,
  ) {}

  get(callId: string): Promise<LiveCall | null> {
    return this.live.get(callId);
  }

  put(call: LiveCall): Promise<void> {
    return this.live.put(call);
  }

  /**
   * Stores the call without waiting for the shared store: this instance reads it
   * from memory, and the write is queued on the connection before anything that
   * follows. A failed write is logged (only another instance or a restart would miss it).
   */
  store(call: LiveCall, onError: (err: unknown) => void): void {
    this.live.put(call).catch(onError);
  }

  async close(call: LiveCall, at: number): Promise<void> {
    await this.live.remove(call.callId);
    const record = finishCall(call, at);
    this.records.write(record);
    this.events.emit('call.ended', { record: toCallRecordJson(record) });
  }
}
