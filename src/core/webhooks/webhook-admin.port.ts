import type { EndpointKind } from './webhook-endpoint.js';

/** What the HTTP API asks of webhook delivery: the failed and dead deliveries, replay, the endpoints' state. */

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'dead'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface DeliveryView {
  /** The webhook-id: a replay sends it again, so the receiver can tell a repeat. */
  id: string;
  endpoint: string;
  event: string;
  callId: string | null;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
  deliveredAt: string | null;
  payload: unknown;
}

export interface EndpointView {
  name: string;
  kind: EndpointKind;
  /** Without secrets (a Bitrix24 URL's token is cut). */
  url: string;
  events: string[];
  disabled: boolean;
  disabledAt: string | null;
  disabledReason: string | null;
  /** Deliveries per status other than delivered. */
  pending: number;
  failed: number;
  dead: number;
}

export interface DeliveryQuery {
  statuses: DeliveryStatus[];
  endpoint?: string;
  limit: number;
}

export interface WebhookAdmin {
  deliveries(query: DeliveryQuery): Promise<DeliveryView[]>;
  /** Sends a failed or dead delivery again with the same webhook-id; NotFoundError, or 409 when it is not failed or dead. */
  replay(id: string): Promise<DeliveryView>;
  endpoints(): Promise<EndpointView[]>;
  /** Sends to an endpoint disabled by a 410 again; NotFoundError for an unknown name. */
  enable(name: string): Promise<EndpointView>;
}
