import type { RetryPolicy } from './retry-schedule.js';

/** Where deliveries go, as the configuration describes it (crm.webhooks[]); the config schema checks the values. */
export type WebhookEndpoint = GenericEndpoint | Bitrix24Endpoint | KommoEndpoint;
export type EndpointKind = WebhookEndpoint['kind'];

interface EndpointBase {
  /** Unique; names the endpoint in the API, the delivery log and the logs. */
  name: string;
  url: string;
  /** Event names, families ("call.*") or "*". */
  events: string[];
  retry: { schedule: number[] };
}

/** Any receiver: one signed POST per event (Standard Webhooks). */
export interface GenericEndpoint extends EndpointBase {
  kind: 'generic';
  /** `whsec_<base64>` (or bare base64) signing secret. */
  secret: string;
}

/** Bitrix24's telephony.externalcall.* methods; `url` is the REST base, e.g. https://portal.bitrix24.ru/rest/1/<token>/. */
export interface Bitrix24Endpoint extends EndpointBase {
  kind: 'bitrix24';
  secret?: string;
  /** Bitrix24 user the call is registered to when its manager has no crmUserId (an unanswered inbound call). */
  defaultUserId?: string;
  /** CRM_CREATE: a lead is created for a number the CRM does not know. */
  createLeads: boolean;
  /** SHOW: the call card pops up for the user at register. */
  showCard: boolean;
}

/** Kommo (amoCRM) POST /api/v4/calls; `url` is the account, e.g. https://example.kommo.com, `secret` its long-lived token. */
export interface KommoEndpoint extends EndpointBase {
  kind: 'kommo';
  secret: string;
  /** `source` of every call (the integration's name in the card). */
  source: string;
}

/** Delivery settings shared by every endpoint (crm.delivery). */
export interface DeliverySettings {
  jitter: RetryPolicy['jitter'];
  maxRetryAfterSeconds: number;
  timeoutSeconds: number;
}

export function retryPolicyOf(endpoint: WebhookEndpoint, delivery: DeliverySettings): RetryPolicy {
  return { scheduleSeconds: endpoint.retry.schedule, jitter: delivery.jitter, maxRetryAfterMs: delivery.maxRetryAfterSeconds * 1000 };
}

/**
 * The endpoint's URL for lists and logs. A Bitrix24 inbound-webhook URL carries its
 * access token in the path (/rest/<user>/<token>/), so the path is cut.
 */
export function displayUrl(endpoint: WebhookEndpoint): string {
  if (endpoint.kind !== 'bitrix24') return endpoint.url;
  return endpoint.url.replace(/(\/rest\/\d+\/)[^/]+/, '$1***');
}
