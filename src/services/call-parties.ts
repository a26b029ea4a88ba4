import { answeringManager, ringingAttempts, type LiveCall } from '../core/calls/live-call.js';
import type { CallParties } from './domain-events.js';

/** The parties of a live call for its events: the manager talking, else ringing, else who placed it. */
export function callParties(call: LiveCall): CallParties {
  return {
    callId: call.callId,
    direction: call.direction,
    callerNumber: call.callerNumber,
    calleeNumber: call.calleeNumber,
    companyNumber: call.companyNumber,
    manager: answeringManager(call) ?? ringingAttempts(call)[0]?.manager ?? call.placedBy,
  };
}
