import type { AgentStatus } from '../../../core/agents/agent-state.js';
import type { ManagerView } from '../../../services/routing-console.js';

/** A manager's extension in a path or query: free text, since the configuration decides which exist. */
export const extensionJsonSchema = { type: 'string', minLength: 1, maxLength: 32, description: 'Manager extension, e.g. 101' } as const;

const agentStatuses = ['offline', 'available', 'ringing', 'on-call', 'wrap-up', 'paused'] as const satisfies readonly AgentStatus[];
// Fails to compile when AgentStatus gains a value this list (and so the OpenAPI document) lacks.
const everyStatusListed: Exclude<AgentStatus, (typeof agentStatuses)[number]> extends never ? true : never = true;
void everyStatusListed;

/** JSON shape of a ManagerView (src/services/routing-console.ts), field for field. */
export const managerViewJsonSchema = {
  $id: 'ManagerView',
  title: 'ManagerView',
  type: 'object',
  required: [
    'extension', 'name', 'status', 'since', 'pauseReason', 'callIds',
    'consecutiveMisses', 'callsToday', 'talkSecondsToday', 'answerScore',
  ] satisfies (keyof ManagerView)[],
  properties: {
    extension: { type: 'string' },
    name: { type: 'string' },
    status: { type: 'string', enum: agentStatuses },
    since: { type: 'string', format: 'date-time', description: 'When the manager entered this status' },
    pauseReason: { type: ['string', 'null'] },
    callIds: { type: 'array', items: { type: 'string' }, description: 'The calls he rings for or talks in' },
    consecutiveMisses: { type: 'integer', description: 'Offers in a row he let ring out or rejected' },
    callsToday: { type: 'integer' },
    talkSecondsToday: { type: 'number' },
    answerScore: { type: 'number', description: 'Weight in performance-weighted routing, 0.05 to 1' },
  },
} as const;

export const managerViewRef = { $ref: 'ManagerView#' } as const;
