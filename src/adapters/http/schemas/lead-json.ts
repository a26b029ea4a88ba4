import { secondsSince, slaDeadline, withinSla, type Lead, type LeadCall } from '../../../core/leads/lead.js';
import type { ManagerFirstDialStats } from '../../../core/leads/first-dial-stats.js';

/** JSON shapes of leads and their first-dial figures, and the conversion from the core's Lead. */

const nullableString = { type: ['string', 'null'] } as const;
const nullableDateTime = { type: ['string', 'null'], format: 'date-time' } as const;

const leadCallJsonSchema = (description: string, extra: Record<string, unknown> = {}) =>
  ({
    type: ['object', 'null'],
    description,
    required: ['callId', 'at', 'seconds', ...Object.keys(extra)],
    properties: {
      callId: { type: 'string' },
      at: { type: 'string', format: 'date-time' },
      seconds: { type: 'number', description: 'From the lead\'s creation' },
      ...extra,
    },
  }) as const;

export const leadJsonSchema = {
  $id: 'Lead',
  title: 'Lead',
  type: 'object',
  required: [
    'id', 'phone', 'phoneRaw', 'createdAt', 'receivedAt', 'ownerManager', 'scenario', 'slaMinutes', 'slaDeadline',
    'firstDial', 'firstConnected', 'firstInbound', 'slaBreachedAt', 'withinSla', 'reassignedFrom',
  ],
  properties: {
    id: { type: 'string', description: "The CRM's lead id" },
    phone: { type: 'string', description: 'E.164, e.g. +74951234567: the key calls are matched by' },
    phoneRaw: { type: 'string', description: 'As the CRM sent it' },
    createdAt: { type: 'string', format: 'date-time', description: 'Creation in the CRM (never later than receivedAt)' },
    receivedAt: { type: 'string', format: 'date-time' },
    ownerManager: nullableString,
    scenario: nullableString,
    slaMinutes: { type: 'integer' },
    slaDeadline: { type: 'string', format: 'date-time' },
    firstDial: leadCallJsonSchema('First outbound call to the number after the creation, by any manager, answered or not', { manager: nullableString }),
    firstConnected: leadCallJsonSchema('First such call the client answered; at is the answer'),
    firstInbound: leadCallJsonSchema('First call from the number after the creation, answered or not'),
    slaBreachedAt: { ...nullableDateTime, description: 'When lead.sla_breached was raised' },
    withinSla: { type: ['boolean', 'null'], description: 'Dialled within the SLA; null while undialled before the deadline' },
    reassignedFrom: { ...nullableString, description: 'The owner before an SLA breach moved the lead' },
  },
} as const;

export const leadRef = { $ref: 'Lead#' } as const;

export interface LeadJson {
  id: string;
  phone: string;
  phoneRaw: string;
  createdAt: string;
  receivedAt: string;
  ownerManager: string | null;
  scenario: string | null;
  slaMinutes: number;
  slaDeadline: string;
  firstDial: { callId: string; at: string; seconds: number; manager: string | null } | null;
  firstConnected: { callId: string; at: string; seconds: number } | null;
  firstInbound: { callId: string; at: string; seconds: number } | null;
  slaBreachedAt: string | null;
  withinSla: boolean | null;
  reassignedFrom: string | null;
}

export function toLeadJson(lead: Lead, now: Date): LeadJson {
  const call = (c: LeadCall | null) => (c === null ? null : { callId: c.callId, at: c.at.toISOString(), seconds: secondsSince(lead.createdAt, c.at) });
  return {
    id: lead.id,
    phone: lead.phone,
    phoneRaw: lead.phoneRaw,
    createdAt: lead.createdAt.toISOString(),
    receivedAt: lead.receivedAt.toISOString(),
    ownerManager: lead.ownerManager,
    scenario: lead.scenario,
    slaMinutes: lead.slaMinutes,
    slaDeadline: slaDeadline(lead).toISOString(),
    firstDial: lead.firstDial === null ? null : { ...call(lead.firstDial)!, seconds: lead.firstDial.seconds, manager: lead.firstDial.manager },
    firstConnected: call(lead.firstConnected),
    firstInbound: call(lead.firstInbound),
    slaBreachedAt: lead.slaBreachedAt?.toISOString() ?? null,
    withinSla: withinSla({ ...lead, firstDialSeconds: lead.firstDial?.seconds ?? null }, now),
    reassignedFrom: lead.reassignedFrom,
  };
}

/** The body of POST /api/leads and POST /crm/leads. */
export const leadInputJsonSchema = {
  type: 'object',
  required: ['id', 'phone'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 128, description: "The CRM's lead id; sending it again updates the lead" },
    phone: { type: 'string', minLength: 1, maxLength: 64, description: 'Any format: "+7 495 123-45-67", "8 (495) 123-45-67", "74951234567"' },
    createdAt: { type: 'string', format: 'date-time', description: 'Creation in the CRM; default: now' },
    ownerManager: { type: ['string', 'null'], minLength: 1, maxLength: 32, description: 'Extension of the owning manager' },
    slaMinutes: { type: 'integer', minimum: 1, maximum: 10080, description: 'Overrides leads.slaMinutes(ByScenario)' },
    scenario: { type: ['string', 'null'], minLength: 1, maxLength: 100, description: 'Chooses the SLA from leads.slaMinutesByScenario' },
  },
} as const;

export interface LeadInputJson {
  id: string;
  phone: string;
  createdAt?: string;
  ownerManager?: string | null;
  slaMinutes?: number;
  scenario?: string | null;
}

const nullableNumber = { type: ['number', 'null'] } as const;

export const firstDialStatsJsonSchema = {
  type: 'object',
  required: ['from', 'to', 'managers', 'slowest'],
  properties: {
    from: { type: 'string', format: 'date-time' },
    to: { type: 'string', format: 'date-time' },
    managers: {
      type: 'array',
      items: {
        type: 'object',
        required: ['manager', 'leads', 'dialled', 'pending', 'withinSla', 'medianSeconds', 'p90Seconds', 'shareWithinSla'] satisfies (keyof ManagerFirstDialStats)[],
        properties: {
          manager: { ...nullableString, description: 'Owner extension; null for leads with no owner' },
          leads: { type: 'integer', description: 'Leads created in the period that he owns' },
          dialled: { type: 'integer' },
          pending: { type: 'integer', description: 'Undialled, deadline still ahead: not counted in the share' },
          withinSla: { type: 'integer' },
          medianSeconds: { ...nullableNumber, description: 'Of the dialled leads' },
          p90Seconds: nullableNumber,
          shareWithinSla: { ...nullableNumber, description: 'withinSla / (leads - pending), 0 to 1; an undialled lead counts against it' },
        },
      },
    },
    slowest: {
      type: 'array',
      description: 'The leads that waited longest for their first dial, longest first; on a tie the older lead, then the smaller id',
      items: {
        type: 'object',
        required: ['lead', 'waitSeconds'],
        properties: {
          lead: leadRef,
          waitSeconds: { type: 'number', description: "The first dial's seconds; for an undialled lead, the seconds since it was created" },
        },
      },
    },
  },
} as const;

/** GET /api/leads/first-dial-stats, as the console reads it. */
export interface FirstDialStatsJson {
  from: string;
  to: string;
  managers: ManagerFirstDialStats[];
  slowest: { lead: LeadJson; waitSeconds: number }[];
}
