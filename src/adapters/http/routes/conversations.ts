import type { FastifyPluginAsync } from 'fastify';
import type { ConversationReport } from '../../../services/conversation-report.js';
import { clientOf, coversManager, forbidden, whoIs } from '../api-client.js';
import { reportRateLimit } from '../report-rate-limit.js';
import { authErrors, bearerSecurity } from '../schemas/api-route.js';
import { errorRef } from '../schemas/error-response.js';
import { extensionJsonSchema } from '../schemas/manager-json.js';

const nullableNumber = { type: ['number', 'null'] } as const;

/** GET /api/conversations: per manager, medians of his recorded calls' conversation analytics over local days. */
export const conversationsRoutes: FastifyPluginAsync<{ report: ConversationReport; reportsPerMinute: number }> = async (app, { report, reportsPerMinute }) => {
  app.get<{ Querystring: { from?: string; to?: string; manager?: string } }>(
    '/api/conversations',
    {
      config: reportRateLimit(reportsPerMinute),
      schema: {
        summary: "Each manager's conversation medians (talk ratio, longest monologue, interruptions, silence, first word) over local days",
        description: "A manager gets only his own row (asking for another's is 403). Definitions: docs/conversation-analytics.md.",
        tags: ['kpi'],
        security: bearerSecurity,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { from: { type: 'string', format: 'date' }, to: { type: 'string', format: 'date' }, manager: extensionJsonSchema },
        },
        response: {
          200: {
            type: 'object',
            required: ['from', 'to', 'timezone', 'rows'],
            properties: {
              from: { type: 'string' },
              to: { type: 'string' },
              timezone: { type: 'string' },
              rows: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['manager', 'name', 'calls', 'reviewed', 'reviewScoreAverage', 'talkRatioMedian', 'longestMonologueMedianSeconds', 'interruptionsMedian', 'silenceShareMedian', 'firstWordMedianSeconds'],
                  properties: {
                    manager: { type: 'string' },
                    name: { type: 'string' },
                    calls: { type: 'integer', description: 'Recorded calls with analytics' },
                    reviewed: { type: 'integer', description: 'Calls a supervisor scored in the review queue' },
                    reviewScoreAverage: { ...nullableNumber, description: 'Their average checklist score, 0..1' },
                    talkRatioMedian: nullableNumber,
                    longestMonologueMedianSeconds: nullableNumber,
                    interruptionsMedian: nullableNumber,
                    silenceShareMedian: nullableNumber,
                    firstWordMedianSeconds: nullableNumber,
                  },
                },
              },
            },
          },
          400: errorRef,
          403: errorRef,
          ...authErrors,
        },
      },
    },
    async (request) => {
      const client = clientOf(request);
      const asked = request.query.manager;
      if (asked !== undefined && !coversManager(client, asked)) throw forbidden(`${whoIs(client)} belongs to manager ${client.extension} and may see only his own conversations.`);
      return report.report({ ...request.query, manager: client.role === 'manager' ? client.extension : asked });
    },
  );
};
