import { DISPOSITIONS, type CallRecord, type RingAttempt } from '../../../core/calls/call-record.js';

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
  },
} as const;

export const callRecordRef = { $ref: 'CallRecord#' } as const;

export type RingAttemptJson = Omit<RingAttempt, 'startedAt' | 'endedAt'> & { startedAt: string; endedAt: string | null };
export type CallRecordJson = Omit<CallRecord, 'startedAt' | 'answeredAt' | 'endedAt' | 'attempts'> & {
  startedAt: string;
  answeredAt: string | null;
  endedAt: string;
  attempts: RingAttemptJson[];
};

export function toCallRecordJson(r: CallRecord): CallRecordJson {
  return {
    ...r,
    startedAt: r.startedAt.toISOString(),
    answeredAt: r.answeredAt?.toISOString() ?? null,
    endedAt: r.endedAt.toISOString(),
    attempts: r.attempts.map((a) => ({
      ...a,
      startedAt: a.startedAt.toISOString(),
      endedAt: a.endedAt?.toISOString() ?? null,
    })),
  };
}
