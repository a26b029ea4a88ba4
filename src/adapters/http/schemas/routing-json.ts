import type { ScenarioView, WaitingCallView } from '../../../services/routing-console.js';

/** JSON shapes of the routing console's queue and scenario views (src/services/routing-console.ts). */

export const waitingCallJsonSchema = {
  type: 'object',
  required: ['callId', 'callerNumber', 'companyNumber', 'step', 'priority', 'waitingSeconds', 'since'] satisfies (keyof WaitingCallView)[],
  properties: {
    callId: { type: 'string' },
    callerNumber: { type: 'string' },
    companyNumber: { type: 'string' },
    step: { type: 'integer', description: 'Index of the scenario step the call waits in' },
    priority: { type: 'boolean', description: 'A known client of a manager, served before the others' },
    waitingSeconds: { type: 'number' },
    since: { type: 'string', format: 'date-time', description: 'When the call joined the line' },
  },
} as const;

export const waitingListJsonSchema = {
  type: 'object',
  required: ['scenarios'],
  properties: {
    scenarios: {
      type: 'array',
      items: {
        type: 'object',
        required: ['scenario', 'calls'],
        properties: { scenario: { type: 'string' }, calls: { type: 'array', items: waitingCallJsonSchema } },
      },
    },
  },
} as const;

const scenarioJsonSchema = {
  type: 'object',
  required: ['file', 'name', 'numbers', 'open'] satisfies (keyof ScenarioView)[],
  properties: {
    file: { type: 'string' },
    name: { type: 'string' },
    numbers: { type: 'array', items: { type: 'string' }, description: 'Company numbers the scenario answers' },
    open: { type: 'boolean', description: 'Open right now, by its business hours and holidays' },
  },
} as const;

export const scenarioListJsonSchema = {
  type: 'object',
  required: ['active', 'errors'],
  properties: {
    active: { type: 'array', items: scenarioJsonSchema },
    errors: {
      type: 'array',
      description: 'Dial plan files that failed to load; the last good version of each stays active',
      items: {
        type: 'object',
        required: ['file', 'message'],
        properties: { file: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
} as const;
