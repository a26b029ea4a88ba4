import { z } from 'zod';
import { DEFAULT_RETRY_SCHEDULE_SECONDS, JITTER_MODES } from '../core/webhooks/retry-schedule.js';
import { signingKey } from '../core/webhooks/standard-webhook-signature.js';
import { isEventPattern, WEBHOOK_EVENT_NAMES } from '../core/webhooks/webhook-event.js';

/**
 * crm: where domain events are delivered (signed webhooks, Bitrix24, Kommo) and how
 * hard delivery tries. Without it nothing is sent. The field mapping of each kind is in
 * docs/crm-webhooks.md.
 */

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

const eventFilter = (fallback: string[]) =>
  z
    .array(z.string().refine(isEventPattern, { error: `must be "*", an event family such as "call.*", or one of ${WEBHOOK_EVENT_NAMES.join(', ')}` }))
    .min(1, 'list at least one event, or leave events out for every event this kind takes')
    .default(fallback);

const retrySchema = z
  .object({
    /** Seconds before each retry; fractions allowed (tests use tenths). */
    schedule: z.array(z.number().positive().max(7 * 24 * 3600)).min(1).max(30).default(DEFAULT_RETRY_SCHEDULE_SECONDS),
  })
  .prefault({});

const common = {
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/i, 'a name is letters, digits, - and _ (it appears in API paths)'),
  url: httpUrl,
  retry: retrySchema,
};

const genericEndpointSchema = z.object({
  kind: z.literal('generic'),
  ...common,
  secret: z.string().refine((s) => signingKey(s) !== null, {
    error: 'a signing secret is whsec_ followed by base64 of 24 to 64 random bytes: generate one with: echo "whsec_$(openssl rand -base64 32)"',
  }),
  events: eventFilter(['*']),
});

const bitrix24EndpointSchema = z.object({
  kind: z.literal('bitrix24'),
  ...common,
  url: httpUrl.refine((u) => /\/rest\/\d+\/[^/]+\/?$/.test(new URL(u).pathname), {
    error: 'a Bitrix24 URL is the inbound webhook\'s REST base, e.g. https://portal.bitrix24.ru/rest/1/abc123token/',
  }),
  /** Unused: the URL carries Bitrix24's token. Accepted so every endpoint may be written alike. */
  secret: z.string().min(24).optional(),
  events: eventFilter(['call.started', 'call.ended', 'recording.ready']),
  defaultUserId: z.union([z.string().regex(/^\d+$/), z.number().int().positive()]).transform(String).optional(),
  createLeads: z.boolean().default(true),
  showCard: z.boolean().default(false),
});

const kommoEndpointSchema = z.object({
  kind: z.literal('kommo'),
  ...common,
  url: httpUrl.refine((u) => new URL(u).pathname === '/' || new URL(u).pathname === '', {
    error: 'a Kommo URL is the account\'s address only, e.g. https://example.kommo.com (the API path is added)',
  }),
  secret: z.string().min(24, "Kommo's secret is the integration's long-lived access token"),
  events: eventFilter(['call.ended']),
  source: z.string().min(1).max(100).default('Leadline'),
});

export const webhookEndpointSchema = z.discriminatedUnion('kind', [genericEndpointSchema, bitrix24EndpointSchema, kommoEndpointSchema], {
  error: 'kind is one of generic, bitrix24, kommo',
});

export const crmSchema = z
  .object({
    webhooks: z.array(webhookEndpointSchema).default([]),
    delivery: z
      .object({
        /** BullMQ queue name; its keys live under redis.keyPrefix. */
        queueName: z.string().regex(/^[a-z0-9_-]+$/i).default('webhooks'),
        /** Deliveries in flight at once per service instance. */
        concurrency: z.number().int().min(1).max(1000).default(128),
        /** Per request; a receiver slower than this counts as down. */
        timeoutSeconds: z.number().positive().max(120).default(10),
        jitter: z.enum(JITTER_MODES).default('equal'),
        /** A Retry-After asking for longer is cut to this. */
        maxRetryAfterSeconds: z.number().int().min(1).default(6 * 3600),
        /** How often pending deliveries that lost their queue job (a crash, a Redis flush) are put back. */
        reconcileEverySeconds: z.number().positive().default(60),
      })
      .prefault({}),
  })
  .prefault({})
  .superRefine((crm, ctx) => {
    const seen = new Set<string>();
    crm.webhooks.forEach((w, i) => {
      if (seen.has(w.name)) ctx.addIssue({ code: 'custom', path: ['webhooks', i, 'name'], message: `another endpoint is named "${w.name}": names must differ` });
      seen.add(w.name);
    });
  });

export type CrmConfig = z.infer<typeof crmSchema>;
export type WebhookEndpointConfig = z.infer<typeof webhookEndpointSchema>;
