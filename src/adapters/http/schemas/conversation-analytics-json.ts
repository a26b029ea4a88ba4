import type { ConversationAnalytics } from '../../../core/recordings/conversation-analytics.js';

/** JSON shape of ConversationAnalytics (src/core/recordings/conversation-analytics.ts), field for field. */
export const conversationAnalyticsJsonSchema = {
  type: 'object',
  description: "What the stereo recording says of the conversation (docs/conversation-analytics.md); null before the recording is converted",
  required: [
    'durationSeconds', 'clientTalkSeconds', 'managerTalkSeconds', 'overlapSeconds', 'talkRatio',
    'longestManagerMonologueSeconds', 'interruptions', 'silenceShare', 'firstManagerWordSeconds',
  ] satisfies (keyof ConversationAnalytics)[],
  properties: {
    durationSeconds: { type: 'number' },
    clientTalkSeconds: { type: 'number' },
    managerTalkSeconds: { type: 'number' },
    overlapSeconds: { type: 'number', description: 'Both talking at once' },
    talkRatio: { type: ['number', 'null'], description: 'Manager talk / all talk, 0..1' },
    longestManagerMonologueSeconds: { type: 'number' },
    interruptions: { type: 'object', required: ['byManager', 'byClient'], properties: { byManager: { type: 'integer' }, byClient: { type: 'integer' } } },
    silenceShare: { type: 'number', description: 'Share of the call where neither spoke, 0..1' },
    firstManagerWordSeconds: { type: ['number', 'null'] },
  },
} as const;
