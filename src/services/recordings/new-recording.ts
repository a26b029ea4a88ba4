import type { CallRecord } from '../../core/calls/call-record.js';
import type { NewRecording, RecordingFormat } from '../../core/recordings/recording-store.port.js';

type CallFacts = Pick<CallRecord, 'callId' | 'direction' | 'manager' | 'callerNumber' | 'calleeNumber'> & { startedAt: Date | string };

/**
 * The recording row of a finished call. `clientAddress` is the trunk's: on a call with the
 * outside world the client's media comes from it, so the client is on the left channel
 * whichever side dialled; on an internal call the converter reads the sides from
 * rtpengine's metadata.
 */
export function newRecordingOf(call: CallFacts, o: { format: RecordingFormat; clientAddress: string | null; pcapPath: string | null }): NewRecording {
  return {
    callId: call.callId,
    format: o.format,
    pcapPath: o.pcapPath,
    callerAddress: call.direction === 'internal' ? null : o.clientAddress,
    manager: call.manager,
    callerNumber: call.callerNumber,
    calleeNumber: call.calleeNumber,
    direction: call.direction,
    startedAt: new Date(call.startedAt),
  };
}
