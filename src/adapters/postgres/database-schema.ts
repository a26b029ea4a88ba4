import type { ColumnType, Generated } from 'kysely';
import type { AttemptResult, Direction, Disposition } from '../../core/calls/call-record.js';

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
}

export interface DatabaseSchema {
  calls: CallsTable;
  call_attempts: CallAttemptsTable;
  callback_tasks: CallbackTasksTable;
}
