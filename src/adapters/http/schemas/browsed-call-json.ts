import { conversationAnalyticsJsonSchema } from './conversation-analytics-json.js';
import type { BrowsedCall } from '../../../services/call-browser.js';
import { callRecordJsonSchema } from './call-record-json.js';

/** JSON shape of a BrowsedCall (src/services/call-browser.ts): a CallRecord and what the console shows beside it. */

const extra = {
  clientNumber: { type: ['string', 'null'], description: 'The outside party: caller of an inbound call, callee of an outbound one; null for internal calls' },
  recording: {
    type: ['object', 'null'],
    description: 'null when the call has no recording or recordings are off; playable when status is stored',
    required: ['status', 'format', 'durationSeconds'],
    properties: {
      status: { type: 'string', enum: ['pending', 'stored', 'failed', 'deleted', 'empty'] },
      format: { type: 'string', enum: ['mp3', 'opus', 'wav'] },
      durationSeconds: { type: ['number', 'null'] },
      analytics: { ...conversationAnalyticsJsonSchema, type: ['object', 'null'] },
    },
  },
  lead: {
    type: ['object', 'null'],
    description: "The newest lead with the client's number; null when there is none or leads are off",
    required: ['id', 'url'],
    properties: {
      id: { type: 'string', description: "The CRM's lead id" },
      url: { type: ['string', 'null'], description: 'The lead in the CRM; null when console.leadUrlTemplate is not set' },
    },
  },
} as const;

export const browsedCallJsonSchema = {
  $id: 'BrowsedCall',
  title: 'BrowsedCall',
  type: 'object',
  required: [...callRecordJsonSchema.required, ...(Object.keys(extra) as (keyof typeof extra)[])] satisfies (keyof BrowsedCall)[],
  properties: { ...callRecordJsonSchema.properties, ...extra },
} as const;

export const browsedCallRef = { $ref: 'BrowsedCall#' } as const;
