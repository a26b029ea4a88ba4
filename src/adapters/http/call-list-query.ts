import { DISPOSITIONS, type Direction, type Disposition } from '../../core/calls/call-record.js';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, numberDigits, type CallFilter } from '../../core/calls/call-store.port.js';
import { AppError } from '../../core/errors/app-error.js';
import { forbidden, type ApiClient, whoIs } from './api-client.js';
import { extensionJsonSchema } from './schemas/manager-json.js';

/**
 * The query of the call lists (GET /api/calls, GET /api/call-browser): one schema and one
 * reading of it, so both lists filter, validate and scope by manager alike.
 */
export interface CallListQuery {
  manager?: string;
  from?: string;
  to?: string;
  direction?: Direction;
  disposition?: Disposition;
  number?: string;
  limit: number;
  offset: number;
}

export const callListQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    manager: { ...extensionJsonSchema, description: 'Manager extension, e.g. 101; a manager token sees only its own' },
    from: { type: 'string', format: 'date-time', description: 'Calls started at or after this instant' },
    to: { type: 'string', format: 'date-time', description: 'Calls started before this instant' },
    direction: { type: 'string', enum: ['inbound', 'outbound', 'internal'] },
    disposition: { type: 'string', enum: [...DISPOSITIONS] },
    number: {
      type: 'string',
      maxLength: 32,
      description: "Digits either party's number contains; only digits count (\"+7 916 12\" is 791612), and at least one is needed",
    },
    limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE_LIMIT, default: DEFAULT_PAGE_LIMIT },
    offset: { type: 'integer', minimum: 0, default: 0 },
  },
} as const;

/**
 * The store's filter for a validated query asked by `client`. Throws 403 when a manager
 * token asks for another manager, 400 for an empty window or a number without digits,
 * which the schema cannot express.
 */
export function callFilterOf(client: ApiClient, q: Omit<CallListQuery, 'limit' | 'offset'>): CallFilter {
  const manager = managerFilter(client, q.manager);
  const from = q.from === undefined ? undefined : new Date(q.from);
  const to = q.to === undefined ? undefined : new Date(q.to);
  if (from && to && from >= to) {
    throw new AppError('REQUEST.INVALID', 'querystring/from must be earlier than querystring/to', 400);
  }
  let number: string | undefined;
  if (q.number !== undefined) {
    number = numberDigits(q.number);
    // Without a digit the filter would match every call: a typo must not look like "all of them".
    if (number === '') throw new AppError('REQUEST.INVALID', 'querystring/number must contain at least one digit', 400);
  }
  return { manager, from, to, direction: q.direction, disposition: q.disposition, number };
}

/**
 * A manager token is held to its own manager. Asking for another manager's calls is 403
 * rather than an empty page, so a client's mistake shows instead of looking like a quiet day.
 */
function managerFilter(client: ApiClient, asked: string | undefined): string | undefined {
  if (client.role !== 'manager') return asked;
  if (asked === undefined || asked === client.extension) return client.extension;
  throw forbidden(`${whoIs(client)} belongs to manager ${client.extension} and may list only his calls, not manager ${asked}'s.`);
}
