import type { FastifyPluginAsync } from 'fastify';
import type { WallboardDesk, WallboardResult } from '../../../services/wallboard.js';
import { AGENT_STATUSES, type LineFigures, type WallboardLine } from '../../../core/wallboard/wallboard-figures.js';
import { authErrors, bearerSecurity } from '../schemas/api-route.js';

const count = { type: 'integer' } as const;
const nullableNumber = { type: ['number', 'null'] } as const;

const lineFiguresProperties = {
  offered: { ...count, description: 'Inbound calls started today and finished' },
  answered: count,
  answeredWithinSl: { ...count, description: 'Answered within serviceLevelSeconds of their start' },
  serviceLevel: { ...nullableNumber, description: '0..1: answeredWithinSl / offered' },
  missed: { ...count, description: 'Unanswered, the caller did not hang up first (nobody free, closed, wait ran out)' },
  abandoned: { ...count, description: 'The caller hung up before an answer' },
  abandonRate: { ...nullableNumber, description: '0..1: abandoned / offered' },
  averageWaitSeconds: { ...nullableNumber, description: 'Mean seconds from start to answer, over answered calls' },
  longestWaitSeconds: { ...nullableNumber, description: 'Longest wait of a finished call or of a call waiting now' },
  waitingNow: count,
  longestWaitingNowSeconds: nullableNumber,
} satisfies Record<keyof LineFigures, object>;

const lineFiguresJsonSchema = { type: 'object', required: Object.keys(lineFiguresProperties), properties: lineFiguresProperties } as const;

const wallboardJsonSchema = {
  type: 'object',
  required: ['date', 'timezone', 'at', 'serviceLevelSeconds', 'team', 'lines', 'managers', 'hourly'] satisfies (keyof WallboardResult)[],
  properties: {
    date: { type: 'string', format: 'date', description: 'Today, local (routing.timezone)' },
    timezone: { type: 'string' },
    at: { type: 'string', format: 'date-time' },
    serviceLevelSeconds: { type: 'integer', description: 'console.wallboard.serviceLevelSeconds' },
    team: lineFiguresJsonSchema,
    lines: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'numbers', ...(Object.keys(lineFiguresProperties) as (keyof LineFigures)[])] satisfies (keyof WallboardLine)[],
        properties: { name: { type: ['string', 'null'], description: 'The scenario; null for numbers no scenario serves' }, numbers: { type: 'array', items: { type: 'string' } }, ...lineFiguresProperties },
      },
    },
    managers: { type: 'object', required: [...AGENT_STATUSES], properties: Object.fromEntries(AGENT_STATUSES.map((s) => [s, count])), description: 'Managers per state, now' },
    hourly: {
      type: 'object',
      required: ['today', 'sameWeekdayAverage', 'daysAveraged'],
      properties: {
        today: { type: 'array', items: count, description: 'Inbound calls per local hour 0..23 today' },
        sameWeekdayAverage: { type: 'array', items: nullableNumber, description: 'Average per hour over the previous same weekdays that had calls' },
        daysAveraged: { type: 'array', items: { type: 'string', format: 'date' } },
      },
    },
  },
} as const;

/** GET /api/wallboard: the team's day for a TV on the wall. Counts only, no numbers or names: open to every role. */
export const wallboardRoutes: FastifyPluginAsync<{ wallboard: WallboardDesk }> = async (app, { wallboard }) => {
  app.get(
    '/api/wallboard',
    {
      schema: {
        summary: "Today's service level, answered, missed and abandoned calls, waits, managers by state, and the hourly picture",
        description: 'Per line (scenario) and for the team; definitions in docs/wallboard.md.',
        tags: ['console'],
        security: bearerSecurity,
        response: { 200: wallboardJsonSchema, ...authErrors },
      },
    },
    async () => wallboard.figures(),
  );
};
