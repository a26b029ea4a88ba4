import { bitrix24Request, bitrix24Steps, bitrix24Wants, readBitrix24Response, type Bitrix24Step } from './bitrix24-payloads.js';
import { genericRequest } from './generic-payload.js';
import { kommoRequest, kommoWants, readKommoResponse } from './kommo-payloads.js';
import { verdictOfStatus, type OutgoingRequest, type RequestProblem, type StepVerdict } from './outgoing-request.js';
import { signingKey } from './standard-webhook-signature.js';
import { matchesEventFilter, type WebhookEnvelope } from './webhook-event.js';
import type { WebhookEndpoint } from './webhook-endpoint.js';

/** From an event to the requests an endpoint of any kind needs: the one switch over kinds. */

/** Whether the endpoint gets a delivery for this event: its filter, and whether its kind has anything to send. */
export function endpointWants(endpoint: WebhookEndpoint, envelope: WebhookEnvelope): boolean {
  if (!matchesEventFilter(endpoint.events, envelope.type)) return false;
  switch (endpoint.kind) {
    case 'generic':
      return true;
    case 'bitrix24':
      return bitrix24Wants(envelope);
    case 'kommo':
      return kommoWants(envelope);
  }
}

export type DeliveryStep = 'post' | 'calls' | Bitrix24Step;

/** The requests of one delivery in order; `crmCallId` is the CRM's id of the call known before the first. */
export function deliverySteps(endpoint: WebhookEndpoint, envelope: WebhookEnvelope, crmCallId: string | null): DeliveryStep[] {
  switch (endpoint.kind) {
    case 'generic':
      return ['post'];
    case 'kommo':
      return ['calls'];
    case 'bitrix24':
      return bitrix24Steps(envelope, crmCallId);
  }
}

export interface StepContext {
  /** The delivery's id: the webhook-id, the same on every attempt. */
  id: string;
  timestampSeconds: number;
  crmCallId: string | null;
}

export function stepRequest(endpoint: WebhookEndpoint, envelope: WebhookEnvelope, step: DeliveryStep, ctx: StepContext): OutgoingRequest | RequestProblem {
  switch (endpoint.kind) {
    case 'generic': {
      const key = signingKey(endpoint.secret);
      // The config schema refuses such a secret; this guards hand-built configurations.
      if (key === null) return { problem: `crm.webhooks "${endpoint.name}" has a secret that is not whsec_ + base64 of 24 to 64 bytes` };
      return genericRequest(endpoint, envelope, ctx.id, ctx.timestampSeconds, key);
    }
    case 'kommo':
      return kommoRequest(endpoint, envelope);
    case 'bitrix24':
      return bitrix24Request(endpoint, envelope, step as Bitrix24Step, ctx.crmCallId);
  }
}

export function stepVerdict(endpoint: WebhookEndpoint, step: DeliveryStep, status: number, body: string, retryAfterMs: number | null): StepVerdict {
  switch (endpoint.kind) {
    case 'generic':
      return verdictOfStatus(status, retryAfterMs);
    case 'kommo':
      return readKommoResponse(status, body, retryAfterMs);
    case 'bitrix24':
      return readBitrix24Response(step as Bitrix24Step, status, body, retryAfterMs);
  }
}
