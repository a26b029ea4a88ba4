import type { Logger } from 'pino';
import type { AgentActivityStore } from '../core/agents/agent-ports.js';
import { applyAnswer, applyBranchFailure, finishCall, managersHeldBy, type LiveCall } from '../core/calls/live-call.js';
import type { LiveCallStore } from '../core/calls/live-call-store.js';
import type { CallRecordSink } from './call-record-sink.js';
import { KeyedQueue } from './keyed-queue.js';

export interface CallEventsDeps {
  activity: AgentActivityStore;
  liveCalls: LiveCallStore;
  records: CallRecordSink;
  log: Logger;
}

/**
 * Follows each call through Kamailio's events (branch failed, answered, ended),
 * keeps managers' holds right, and hands the finished record to the sink.
 */
export class CallEvents {
  private readonly queue = new KeyedQueue();

  constructor(private readonly deps: CallEventsDeps) {}

  branchFailed(callId: string, code: number, canceled: boolean, at: number): Promise<void> {
    return this.withCall(callId, 'branch failed', async (call, log) => {
      const outcome = applyBranchFailure(call, code, canceled, at);
      log.info({ code, canceled, next: outcome.ringing }, 'branch failed');
      if (outcome.released) await this.deps.activity.release(outcome.released, callId);
      if (outcome.finished) return this.finish(outcome.call, at);
      await Promise.all([
        outcome.ringing ? this.deps.activity.hold(outcome.ringing, 'ringing', callId, at) : undefined,
        this.deps.liveCalls.put(outcome.call),
      ]);
    });
  }

  answered(callId: string, at: number): Promise<void> {
    return this.withCall(callId, 'answered', async (call, log) => {
      const answered = applyAnswer(call, at);
      log.info({ manager: answered.attempts[answered.current]?.manager }, 'call answered');
      await Promise.all([
        ...managersHeldBy(answered).map((m) => this.deps.activity.hold(m, 'on-call', callId, at)),
        this.deps.liveCalls.put(answered),
      ]);
    });
  }

  ended(callId: string, at: number): Promise<void> {
    return this.withCall(callId, 'ended', (call, log) => {
      log.info('call ended');
      return this.finish(call, at);
    });
  }

  private async finish(call: LiveCall, at: number): Promise<void> {
    const record = finishCall(call, at);
    await Promise.all([
      ...managersHeldBy(call).map((m) => this.deps.activity.release(m, call.callId)),
      this.deps.liveCalls.remove(call.callId),
    ]);
    this.deps.records.write(record);
  }

  private withCall(callId: string, what: string, task: (call: LiveCall, log: Logger) => Promise<void>): Promise<void> {
    const log = this.deps.log.child({ callId });
    return this.queue.run(callId, async () => {
      const call = await this.deps.liveCalls.get(callId);
      if (!call) {
        // A call from before a restart with lost state, or a duplicate event: nothing to update.
        log.warn({ event: what }, 'event for an unknown call ignored');
        return;
      }
      await task(call, log);
    });
  }
}
