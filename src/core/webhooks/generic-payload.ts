import type { OutgoingRequest } from './outgoing-request.js';
import { standardWebhookHeaders } from './standard-webhook-signature.js';
import type { WebhookEnvelope } from './webhook-event.js';
import type { GenericEndpoint } from './webhook-endpoint.js';

export const USER_AGENT = 'Leadline-Webhooks/1';

/**
 * The one request of a generic endpoint: the envelope as JSON, signed per Standard
 * Webhooks. The body is the same on every attempt (it is built from the stored
 * envelope); the id is the receiver's idempotency key, the timestamp the attempt's.
 */
export function genericRequest(
  endpoint: GenericEndpoint,
  envelope: WebhookEnvelope,
  id: string,
  timestampSeconds: number,
  key: Buffer,
): OutgoingRequest {
  const body = JSON.stringify(envelope);
  return {
    method: 'POST',
    url: endpoint.url,
    headers: {
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      ...standardWebhookHeaders(id, timestampSeconds, body, key),
    },
    body,
  };
}
