import { DELIVERY_STATUSES, type DeliveryView, type EndpointView } from '../../../core/webhooks/webhook-admin.port.js';

const nullableDate = { type: ['string', 'null'], format: 'date-time' } as const;

/** JSON shape of a DeliveryView (src/core/webhooks/webhook-admin.port.ts), field for field. */
export const deliveryViewJsonSchema = {
  $id: 'WebhookDelivery',
  title: 'WebhookDelivery',
  type: 'object',
  required: [
    'id', 'endpoint', 'event', 'callId', 'status', 'attempts', 'lastStatusCode',
    'lastError', 'nextAttemptAt', 'createdAt', 'deliveredAt', 'payload',
  ] satisfies (keyof DeliveryView)[],
  properties: {
    id: { type: 'string', description: 'The webhook-id header: the same on every attempt and on replay' },
    endpoint: { type: 'string' },
    event: { type: 'string', description: 'call.ended, call.started ...' },
    callId: { type: ['string', 'null'], description: 'SIP Call-ID; deliveries of one call go out in order' },
    status: { type: 'string', enum: DELIVERY_STATUSES, description: 'failed: not retried (4xx, endpoint disabled); dead: every attempt failed' },
    attempts: { type: 'integer' },
    lastStatusCode: { type: ['integer', 'null'], description: 'HTTP status of the last answer; null when none came' },
    lastError: { type: ['string', 'null'] },
    nextAttemptAt: nullableDate,
    createdAt: { type: 'string', format: 'date-time' },
    deliveredAt: nullableDate,
    payload: { description: 'The envelope sent: {type, timestamp, data}' },
  },
} as const;

export const deliveryViewRef = { $ref: 'WebhookDelivery#' } as const;

/** JSON shape of an EndpointView, field for field. */
export const endpointViewJsonSchema = {
  $id: 'WebhookEndpoint',
  title: 'WebhookEndpoint',
  type: 'object',
  required: ['name', 'kind', 'url', 'events', 'disabled', 'disabledAt', 'disabledReason', 'pending', 'failed', 'dead'] satisfies (keyof EndpointView)[],
  properties: {
    name: { type: 'string' },
    kind: { type: 'string', enum: ['generic', 'bitrix24', 'kommo'] },
    url: { type: 'string', description: 'Without secrets' },
    events: { type: 'array', items: { type: 'string' } },
    disabled: { type: 'boolean', description: 'A 410 answer disabled it: nothing is sent until it is enabled' },
    disabledAt: nullableDate,
    disabledReason: { type: ['string', 'null'] },
    pending: { type: 'integer' },
    failed: { type: 'integer' },
    dead: { type: 'integer' },
  },
} as const;

export const endpointViewRef = { $ref: 'WebhookEndpoint#' } as const;
