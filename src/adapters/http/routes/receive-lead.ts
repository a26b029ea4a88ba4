import type { FastifyReply } from 'fastify';
import type { LeadDesk } from '../../../services/lead-tracker.js';
import { toLeadJson, type LeadInputJson, type LeadJson } from '../schemas/lead-json.js';

/** The intake both POST /api/leads and POST /crm/leads answer with: 201 for a new lead, 200 for an update. */
export async function receiveLead(leads: LeadDesk, body: LeadInputJson, reply: FastifyReply): Promise<LeadJson> {
  const { lead, created } = await leads.receive({
    id: body.id,
    phone: body.phone,
    createdAt: body.createdAt === undefined ? undefined : new Date(body.createdAt),
    ownerManager: body.ownerManager,
    slaMinutes: body.slaMinutes,
    scenario: body.scenario,
  });
  reply.code(created ? 201 : 200);
  return toLeadJson(lead, leads.now());
}
