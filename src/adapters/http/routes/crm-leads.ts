import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { LeadDesk } from '../../../services/lead-tracker.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyCrmSignature } from '../crm-signature.js';
import { errorRef } from '../schemas/error-response.js';
import { leadInputJsonSchema, leadRef, type LeadInputJson } from '../schemas/lead-json.js';
import { receiveLead } from './receive-lead.js';

export interface CrmLeadsRoutesOptions {
  leads: LeadDesk;
  /** config leads.secret */
  secret: string;
  toleranceSeconds: number;
}

/**
 * POST /crm/leads: the lead intake for a CRM that signs its requests (crm-signature.ts)
 * instead of holding an API token. It lives outside /api so the bearer check never sees
 * it: one route, one way to authenticate, and the bearer plugin stays as it is.
 */
export const crmLeadsRoutes: FastifyPluginAsync<CrmLeadsRoutesOptions> = async (app, { leads, secret, toleranceSeconds }) => {
  // Encapsulated: only this plugin's routes get this parser. It checks the signature on
  // the raw text before parsing it, so an unsigned caller learns nothing about the body.
  const verified = new WeakSet<FastifyRequest>();
  const verify = (request: FastifyRequest, rawBody: string) => {
    verifyCrmSignature(
      { secret, toleranceSeconds, now: leads.now().getTime() },
      single(request.headers[SIGNATURE_HEADER]),
      single(request.headers[TIMESTAMP_HEADER]),
      rawBody,
    );
    verified.add(request);
  };
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    try {
      verify(request, body as string);
    } catch (err) {
      done(err as Error, undefined);
      return;
    }
    parseJson(request, body as string, done);
  });

  app.post<{ Body: LeadInputJson }>(
    '/crm/leads',
    {
      // A request without a JSON body never reached the parser: its (empty) body is checked here.
      preValidation: async (request) => {
        if (!verified.has(request)) verify(request, '');
      },
      schema: {
        summary: 'Tell Leadline about a lead, signed by the CRM (HMAC-SHA256 with leads.secret)',
        description:
          `Headers: ${TIMESTAMP_HEADER}: unix seconds; ${SIGNATURE_HEADER}: sha256=<hex of HMAC-SHA256(leads.secret, "<timestamp>.<raw body>")>. ` +
          'A timestamp further than leads.signatureToleranceSeconds from the server time is refused. Same body and replies as POST /api/leads. ' +
          'Exists only when leads.secret is set.',
        tags: ['leads'],
        headers: {
          type: 'object',
          properties: {
            [TIMESTAMP_HEADER]: { type: 'string', description: 'Unix time in seconds when the CRM signed the request' },
            [SIGNATURE_HEADER]: { type: 'string', description: 'sha256=<64 hex digits>' },
          },
        },
        body: leadInputJsonSchema,
        response: { 200: leadRef, 201: leadRef, 400: errorRef, 401: errorRef, 429: errorRef, 500: errorRef },
      },
    },
    async (request, reply) => receiveLead(leads, request.body, reply),
  );
};

/** A header sent twice is ambiguous: treated as absent. */
function single(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
