import type { ColumnType, Generated } from 'kysely';
import type { AttemptResult, Direction, Disposition } from '../../core/calls/call-record.js';
import type { AuditAction } from '../../core/recordings/recording-store.port.js';

/** pg hands timestamptz back as Date; we may write either a Date or an ISO string. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** pg hands numeric back as a string to keep its precision; we convert on read. */
type Numeric = ColumnType<string, number | string, number | string>;

export interface CallsTable {
  call_id: string;
  direction: Direction;
  caller_number: string;
  callee_number: string;
  company_number: string | null;
  manager: string | null;
  started_at: Timestamp;
  answered_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
  ended_at: Timestamp;
  ring_seconds: Numeric;
  talk_seconds: Numeric;
  disposition: Disposition;
  sip_code: number | null;
  reason: string | null;
  /** Answer or end time estimated after the service was away (migration 0012). */
  times_approximate: Generated<boolean>;
  /** The trunk that carried the call (migration 0024); null for internal calls. */
  trunk: string | null;
  /** The DTMF menu key the caller pressed (null: the default was taken) and the step it led to, from 1 (migration 0025). */
  menu_digit: string | null;
  menu_step: number | null;
  created_at: Generated<Date>;
}

export interface CallAttemptsTable {
  call_id: string;
  /** 1-based position of the attempt in the serial fork. */
  seq: number;
  manager: string | null;
  target: string;
  started_at: Timestamp;
  ended_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
  result: AttemptResult;
  sip_code: number | null;
}

export interface CallbackTasksTable {
  call_id: string;
  scenario: string;
  client_number: string;
  company_number: string;
  manager: string | null;
  reason: string;
  created_at: Timestamp;
  done_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
  done_call_id: string | null;
  voicemail_url: ColumnType<string | null, string | null | undefined, string | null>;
  voicemail_seconds: ColumnType<number | null, number | null | undefined, number | null>;
  /** Migration 0021: the last reassignment by a supervisor. */
  reassigned_from: Generated<string | null>;
  reassigned_by: Generated<string | null>;
  reassigned_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** Nullable timestamptz: read as Date or null, written as a Date, an ISO string or null. */
type NullableTimestamp = ColumnType<Date | null, Date | string | null, Date | string | null>;

export interface LeadsTable {
  id: string;
  phone_e164: string;
  phone_raw: string;
  created_at: Timestamp;
  owner_manager: string | null;
  scenario: string | null;
  sla_minutes: number;
  first_dial_at: NullableTimestamp;
  first_dial_call_id: string | null;
  first_dial_manager: string | null;
  first_dial_seconds: ColumnType<string | null, number | string | null, number | string | null>;
  first_connected_at: NullableTimestamp;
  first_connected_call_id: string | null;
  first_inbound_at: NullableTimestamp;
  first_inbound_call_id: string | null;
  sla_breached_at: NullableTimestamp;
  reassigned_from: string | null;
  received_at: Timestamp;
}

type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed' | 'dead';

/** The webhook delivery log (migration 0003): one row per event and endpoint. */
export interface WebhookDeliveriesTable {
  id: string;
  seq: Generated<string>;
  endpoint: string;
  event: string;
  call_id: string | null;
  payload: ColumnType<unknown, string, string>;
  status: ColumnType<WebhookDeliveryStatus, WebhookDeliveryStatus | undefined, WebhookDeliveryStatus>;
  attempts: Generated<number>;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
  created_at: Generated<Date>;
  delivered_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
}

/** An endpoint disabled by a 410 (a row with disabled_at null is enabled). */
export interface WebhookEndpointStateTable {
  endpoint: string;
  disabled_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
  reason: string | null;
}

/** The CRM's id of a call per endpoint (Bitrix24 CALL_ID). */
export interface WebhookCrmCallsTable {
  endpoint: string;
  call_id: string;
  crm_call_id: string;
  created_at: Generated<Date>;
}

type RecordingStatusColumn = 'pending' | 'stored' | 'failed' | 'deleted' | 'empty';

/** The recording index (migration 0005): one row per recorded call. */
export interface RecordingsTable {
  call_id: string;
  status: ColumnType<RecordingStatusColumn, RecordingStatusColumn | undefined, RecordingStatusColumn>;
  format: 'mp3' | 'opus' | 'wav';
  pcap_path: string | null;
  caller_address: string | null;
  storage_key: string | null;
  /** bigint: pg hands it back as a string. */
  bytes: ColumnType<string | null, number | string | null, number | string | null>;
  checksum: string | null;
  duration_seconds: ColumnType<string | null, number | string | null, number | string | null>;
  manager: string | null;
  caller_number: string;
  callee_number: string;
  direction: Direction;
  started_at: Timestamp;
  attempts: Generated<number>;
  last_error: string | null;
  created_at: Generated<Date>;
  stored_at: NullableTimestamp;
  deleted_at: NullableTimestamp;
  /** jsonb (migration 0022): ConversationAnalytics; pg parses it on read, we write it as JSON text. */
  analytics: ColumnType<unknown, string | null | undefined, string | null>;
}

/** Who listened to or deleted which recording (migration 0005). */
export interface RecordingAuditTable {
  id: Generated<string>;
  action: AuditAction;
  call_id: string;
  who: string;
  role: string | null;
  ip: string | null;
  user_agent: string | null;
  at: Generated<Date>;
}

/** Drawdown alerts raised, one per manager and local day (migration 0007). */
export interface KpiDrawdownAlertsTable {
  manager: string;
  /** date: written as YYYY-MM-DD; pg would read it as a Date at local midnight, so read it as day::text. */
  day: ColumnType<Date, string, string>;
  metrics: ColumnType<unknown, string, string>;
  raised_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** The review queue (migration 0023). */
export interface ReviewItemsTable {
  call_id: string;
  /** date: written as YYYY-MM-DD and always read as day::text (pg would make it a Date at local midnight). */
  day: ColumnType<string, string, string>;
  manager: string;
  weight: Numeric;
  reasons: ColumnType<unknown, string, string>;
  picked_at: Generated<Date>;
  marks: ColumnType<unknown, string | null | undefined, string | null>;
  score: ColumnType<string | null, number | null | undefined, number | null>;
  note: string | null;
  reviewer: string | null;
  reviewed_at: NullableTimestamp;
}

export interface ReviewAuditTable {
  id: Generated<string>;
  action: 'pick' | 'score';
  /** date, read as day::text. */
  day: ColumnType<string | null, string | null | undefined, string | null>;
  call_id: string | null;
  who: string;
  detail: ColumnType<unknown, string | null | undefined, string | null>;
  at: Generated<Date>;
}

export interface DatabaseSchema {
  review_items: ReviewItemsTable;
  review_audit: ReviewAuditTable;
  calls: CallsTable;
  call_attempts: CallAttemptsTable;
  callback_tasks: CallbackTasksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_endpoint_state: WebhookEndpointStateTable;
  webhook_crm_calls: WebhookCrmCallsTable;
  leads: LeadsTable;
  recordings: RecordingsTable;
  recording_audit: RecordingAuditTable;
  kpi_drawdown_alerts: KpiDrawdownAlertsTable;
}
