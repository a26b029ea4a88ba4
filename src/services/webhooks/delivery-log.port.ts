import type { DeliveryQuery, DeliveryStatus, DeliveryView } from '../../core/webhooks/webhook-admin.port.js';
import type { OutgoingRequest } from '../../core/webhooks/outgoing-request.js';
import type { WebhookEnvelope } from '../../core/webhooks/webhook-event.js';

export interface NewDelivery {
  id: string;
  endpoint: string;
  event: string;
  callId: string | null;
  envelope: WebhookEnvelope;
}

/** A queued job's row, with what sending it needs to know besides the configuration. */
export interface DeliveryToSend {
  id: string;
  endpoint: string;
  callId: string | null;
  status: DeliveryStatus;
  envelope: WebhookEnvelope;
  /** Set when a 410 disabled the endpoint. */
  disabledAt: Date | null;
  disabledReason: string | null;
  /** The CRM's id of the call (Bitrix24 CALL_ID), once a register answered it. */
  crmCallId: string | null;
}

/** A line's first pending delivery: the one that may be queued. */
export interface LineHead {
  id: string;
  endpoint: string;
}

/** The deliveries of one call to one endpoint, which go out one after the other. */
export interface Line {
  endpoint: string;
  callId: string;
}

export interface InsertedDelivery {
  id: string;
  endpoint: string;
  callId: string | null;
  blocked: boolean;
}

/**
 * One attempt's result. pending with nextAttemptAt: retried then; delivered; failed: not
 * retried; dead: out of attempts. `attempted`: a request went out (counts in attempts).
 */
export interface Settlement {
  id: string;
  status: DeliveryStatus;
  attempted: boolean;
  statusCode: number | null;
  error: string | null;
  nextAttemptAt: Date | null;
}

export interface EndpointState {
  disabledAt: Date;
  reason: string | null;
}

/**
 * The delivery log as the webhook services use it: PostgreSQL (batched) in production,
 * src/adapters/memory/memory-delivery-log.ts in unit tests. The log, not the queue, is the
 * truth: the queue only holds the head of each line (endpoint, call).
 */
export interface DeliveryLog {
  /** Logs one event's deliveries (committed when this resolves). */
  insert(rows: readonly NewDelivery[]): Promise<InsertedDelivery[]>;
  load(id: string): Promise<DeliveryToSend | null>;
  settle(settlement: Settlement): Promise<void>;
  /** The first pending delivery of the call's line to this endpoint. */
  head(endpoint: string, callId: string): Promise<string | null>;
  /** Line heads due before `before`: what the reconciler queues again. */
  overdueHeads(before: Date, limit: number): Promise<LineHead[]>;
  /** A failed or dead delivery back to pending; null when another replay won. */
  reopen(id: string): Promise<LineHead | null>;
  saveCrmCallId(endpoint: string, callId: string, crmCallId: string): Promise<void>;
  disableEndpoint(endpoint: string, reason: string, at?: Date): Promise<void>;
  enableEndpoint(endpoint: string): Promise<void>;
  endpointStates(): Promise<Map<string, EndpointState>>;
  openCounts(): Promise<Map<string, Partial<Record<DeliveryStatus, number>>>>;
  get(id: string): Promise<DeliveryView | null>;
  list(query: DeliveryQuery): Promise<DeliveryView[]>;
}

/** Where line heads wait to be sent (BullMQ in production). Adding a queued head again does nothing. */
export interface DeliveryJobQueue {
  add(heads: readonly LineHead[]): Promise<void>;
}

export interface HttpAnswer {
  status: number;
  retryAfter: string | null;
  /** The start of the body (CRMs answer ids and errors there); the rest is discarded. */
  body: string;
}

/** Sends one request; throws on a network error or when no answer came in time. */
export type SendRequest = (request: OutgoingRequest, timeoutMs: number) => Promise<HttpAnswer>;
