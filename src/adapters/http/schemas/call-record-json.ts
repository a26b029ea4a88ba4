import { DISPOSITIONS } from '../../../core/calls/call-record.js';

/** JSON shape of a CallRecord: the same fields, dates as ISO 8601 strings. */

const nullableString = { type: ['string', 'null'] } as const;
const nullableDateTime = { type: ['string', 'null'], format: 'date-time' } as const;
const nullableInteger = { type: ['integer', 'null'] } as const;

export const ringAttemptJsonSchema = {
  type: 'object',
  required: ['manager', 'target', 'startedAt', 'endedAt', 'result', 'sipCode'],
  properties: {
    manager: nullableString,
    target: { type: 'string' },
    startedAt: { type: 'string', format: 'date-time' },
    endedAt: nullableDateTime,
    result: { type: 'string', enum: ['answered', 'busy', 'no-answer', 'rejected', 'unreachable', 'cancelled'] },
    sipCode: nullableInteger,
  },
} as const;

export const callRecordJsonSchema = {
  $id: 'CallRecord',
  title: 'CallRecord',
  type: 'object',
  required: [
    'callId', 'direction', 'callerNumber', 'calleeNumber', 'companyNumber', 'manager', 'startedAt',
    'answeredAt', 'endedAt', 'ringSeconds', 'talkSeconds', 'disposition', 'sipCode', 'reason', 'attempts',
  ],
  properties: {
    callId: { type: 'string' },
    direction: { type: 'string', enum: ['inbound', 'outbound', 'internal'] },
    callerNumber: { type: 'string' },
    calleeNumber: { type: 'string' },
    companyNumber: nullableString,
    manager: nullableString,
    startedAt: { type: 'string', format: 'date-time' },
    answeredAt: nullableDateTime,
    endedAt: { type: 'string', format: 'date-time' },
    ringSeconds: { type: 'number' },
    talkSeconds: { type: 'number' },
    disposition: { type: 'string', enum: [...DISPOSITIONS] },
    sipCode: nullableInteger,
    reason: nullableString,
    attempts: { type: 'array', items: ringAttemptJsonSchema },
    trunk: { type: 'string', description: 'The trunk that carried the call (an outbound call: the last trunk tried, after any failover); absent for internal calls.' },
    timesApproximate: { type: 'boolean', description: 'Present and true when the call ended while the service was away: its times are estimates.' },
    menuChoice: {
      type: 'object',
      description: "Present when the scenario's DTMF menu played: the key pressed (null: none or an unknown one, the default was taken) and the step it led to (1 = the first).",
      required: ['digit', 'step'],
      properties: { digit: nullableString, step: { type: 'integer' } },
    },
  },
} as const;

export const callRecordRef = { $ref: 'CallRecord#' } as const;

// The JSON form itself is part of the core: events carry it too.
export { toCallRecordJson, type CallRecordJson, type RingAttemptJson } from '../../../core/calls/call-record.js';
