import type { FastifyPluginAsync } from 'fastify';
import type { ApiRole, Config } from '../../../config/config-schema.js';
import { AppError, NotFoundError } from '../../../core/errors/app-error.js';
import { LEAD_STATUSES, type LeadStatus } from '../../../core/leads/lead.js';
import { DEFAULT_LEAD_PAGE, MAX_LEAD_PAGE, type LeadOrder } from '../../../core/leads/lead-store.port.js';
import type { LeadDesk } from '../../../services/lead-tracker.js';
import { clientOf, coversManager, forbidden, listRoles, requireRole, type ApiClient, whoIs } from '../api-client.js';
import { authErrors, bearerSecurity } from '../schemas/api-route.js';
import { pageJsonSchema } from '../schemas/page-json.js';
import { errorRef } from '../schemas/error-response.js';
import {
  firstDialStatsJsonSchema, leadInputJsonSchema, leadJsonSchema, leadRef, toLeadJson, type LeadInputJson,
} from '../schemas/lead-json.js';
import { extensionJsonSchema } from '../schemas/manager-json.js';
import { crmLeadsRoutes } from './crm-leads.js';
import { receiveLead } from './receive-lead.js';

export interface LeadsRoutesOptions {
  leads: LeadDesk;
  /** config leads: with a secret, POST /crm/leads takes leads signed by the CRM. */
  signing: Pick<Config['leads'], 'secret' | 'signatureToleranceSeconds'>;
}

/** Who may post leads with a bearer token: the CRM's integration uses an admin token, or signs (POST /crm/leads). */
const INTAKE: readonly ApiRole[] = ['admin', 'supervisor'];

interface ListQuery {
  from?: string;
  to?: string;
  manager?: string;
  status?: LeadStatus;
  order: LeadOrder;
  limit: number;
  offset: number;
}

interface StatsQuery {
  from: string;
  to: string;
  manager?: string;
  slowest: number;
}

/** The most slowest leads one reply lists: a page to read, not an export (GET /api/leads is). */
const MAX_SLOWEST = 100;

const periodProperties = {
  from: { type: 'string', format: 'date-time', description: 'Leads created at or after this instant' },
  to: { type: 'string', format: 'date-time', description: 'Leads created before this instant' },
  manager: { ...extensionJsonSchema, description: 'Owner extension; a manager token sees only its own' },
} as const;

const listQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...periodProperties,
    status: { type: 'string', enum: [...LEAD_STATUSES], description: 'undialled: no first dial yet; dialled: has one; breached: the SLA alarm was raised' },
    order: { type: 'string', enum: ['newest', 'oldest'], default: 'newest', description: 'By creation time; oldest first for a list of leads to dial' },
    limit: { type: 'integer', minimum: 1, maximum: MAX_LEAD_PAGE, default: DEFAULT_LEAD_PAGE },
    offset: { type: 'integer', minimum: 0, default: 0 },
  },
} as const;

const leadListSchema = pageJsonSchema(leadRef, 'Leads');

/**
 * Leads and their first-dial figures: POST /api/leads (intake), GET /api/leads,
 * GET /api/leads/:id, GET /api/leads/first-dial-stats, and POST /crm/leads when a
 * signing secret is configured. A manager token sees only the leads he owns.
 */
export const leadsRoutes: FastifyPluginAsync<LeadsRoutesOptions> = async (app, { leads, signing }) => {
  app.addSchema(leadJsonSchema);
  // A child plugin: it shares the Lead schema, and its raw-body JSON parser stays inside it.
  if (signing.secret) await app.register(crmLeadsRoutes, { leads, secret: signing.secret, toleranceSeconds: signing.signatureToleranceSeconds });

  app.post<{ Body: LeadInputJson }>(
    '/api/leads',
    {
      preHandler: requireRole(...INTAKE),
      schema: {
        summary: 'Tell Leadline about a lead (the CRM); sending the same id again updates it',
        description:
          `Needs ${listRoles(INTAKE)} token (a CRM that signs its requests posts to /crm/leads instead). ` +
          'The phone is normalised to E.164 with phone.defaultRegion; one that is not a valid number is 400 LEAD.INVALID_PHONE. ' +
          '201 for a new lead, 200 for an update.',
        tags: ['leads'],
        security: bearerSecurity,
        body: leadInputJsonSchema,
        response: { 200: leadRef, 201: leadRef, 400: errorRef, 403: errorRef, ...authErrors },
      },
    },
    async (request, reply) => receiveLead(leads, request.body, reply),
  );

  app.get<{ Querystring: ListQuery }>(
    '/api/leads',
    {
      schema: {
        summary: 'Leads with their first dial, first connected and first inbound call, newest first',
        description: "A manager token lists only the leads he owns; asking for another manager's is 403.",
        tags: ['leads'],
        security: bearerSecurity,
        querystring: listQuerySchema,
        response: { 200: leadListSchema, 400: errorRef, 403: errorRef, ...authErrors },
      },
    },
    async (request) => {
      const q = request.query;
      const from = q.from === undefined ? undefined : new Date(q.from);
      const to = q.to === undefined ? undefined : new Date(q.to);
      inOrder(from, to);
      const page = await leads.list(
        { from, to, ownerManager: ownerFilter(clientOf(request), q.manager, 'list'), status: q.status },
        { limit: q.limit, offset: q.offset, order: q.order },
      );
      const now = leads.now();
      return { items: page.items.map((l) => toLeadJson(l, now)), total: page.total, limit: q.limit, offset: q.offset };
    },
  );

  app.get<{ Querystring: StatsQuery }>(
    '/api/leads/first-dial-stats',
    {
      schema: {
        summary: 'First-dial speed per owner over a period: leads, dialled, median and p90 seconds, share within the SLA',
        description:
          'Leads created in [from, to), counted for their owner whoever dialled them. Median and p90 are over dialled leads ' +
          '(interpolated like percentile_cont); the share counts an undialled lead past its deadline as a miss and leaves out ' +
          "leads whose deadline is still ahead. `slowest` lists the leads that waited longest for their first dial, longest " +
          'first (an undialled lead by its wait so far). A manager token gets only his own row and leads.',
        tags: ['leads'],
        security: bearerSecurity,
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['from', 'to'],
          properties: {
            ...periodProperties,
            slowest: { type: 'integer', minimum: 0, maximum: MAX_SLOWEST, default: 10, description: 'How many of the slowest leads to list' },
          },
        },
        response: { 200: firstDialStatsJsonSchema, 400: errorRef, 403: errorRef, ...authErrors },
      },
    },
    async (request) => {
      const q = request.query;
      const from = new Date(q.from);
      const to = new Date(q.to);
      inOrder(from, to);
      const owner = ownerFilter(clientOf(request), q.manager, 'statistics');
      const [managers, slowest] = await Promise.all([leads.stats(from, to, owner), leads.slowest(from, to, q.slowest, owner)]);
      const now = leads.now();
      return {
        from: from.toISOString(),
        to: to.toISOString(),
        managers,
        slowest: slowest.map((s) => ({ lead: toLeadJson(s.lead, now), waitSeconds: s.waitSeconds })),
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/leads/:id',
    {
      schema: {
        summary: 'One lead with its first-dial figures',
        description: "A manager token gets 404 for another manager's lead, as for an unknown one.",
        tags: ['leads'],
        security: bearerSecurity,
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 128, description: "The CRM's lead id" } } },
        response: { 200: leadRef, 404: errorRef, ...authErrors },
      },
    },
    async (request) => {
      const lead = await leads.get(request.params.id);
      // 404, not 403: the reply must not tell a manager which leads his colleagues have.
      if (!lead || !coversManager(clientOf(request), lead.ownerManager)) throw new NotFoundError(`Lead ${request.params.id}`);
      return toLeadJson(lead, leads.now());
    },
  );
};

function inOrder(from: Date | undefined, to: Date | undefined): void {
  if (from && to && from >= to) throw new AppError('REQUEST.INVALID', 'querystring/from must be earlier than querystring/to', 400);
}

/** A manager token is held to his own leads; asking for another's is 403, so the mistake shows. */
function ownerFilter(client: ApiClient, asked: string | undefined, what: string): string | undefined {
  if (client.role !== 'manager') return asked;
  if (asked === undefined || asked === client.extension) return client.extension;
  throw forbidden(`${whoIs(client)} belongs to manager ${client.extension} and may read only his leads' ${what}, not manager ${asked}'s.`);
}
