import type { Insertable, Selectable } from 'kysely';
import type { CallRecord, RingAttempt } from '../../core/calls/call-record.js';
import type { CallAttemptsTable, CallsTable } from './database-schema.js';

/** Mapping between CallRecord and its two tables, kept apart from the queries. */

export function toCallRow(r: CallRecord): Insertable<CallsTable> {
  return {
    call_id: r.callId,
    direction: r.direction,
    caller_number: r.callerNumber,
    callee_number: r.calleeNumber,
    company_number: r.companyNumber,
    manager: r.manager,
    started_at: r.startedAt,
    answered_at: r.answeredAt,
    ended_at: r.endedAt,
    ring_seconds: r.ringSeconds,
    talk_seconds: r.talkSeconds,
    disposition: r.disposition,
    sip_code: r.sipCode,
    reason: r.reason,
    times_approximate: r.timesApproximate ?? false,
    trunk: r.trunk ?? null,
    menu_digit: r.menuChoice?.digit ?? null,
    menu_step: r.menuChoice?.step ?? null,
  };
}

export function toAttemptRows(r: CallRecord): Insertable<CallAttemptsTable>[] {
  return r.attempts.map((a, i) => ({
    call_id: r.callId,
    seq: i + 1,
    manager: a.manager,
    target: a.target,
    started_at: a.startedAt,
    ended_at: a.endedAt,
    result: a.result,
    sip_code: a.sipCode,
  }));
}

export function fromRows(row: Selectable<CallsTable>, attempts: Selectable<CallAttemptsTable>[]): CallRecord {
  return {
    callId: row.call_id,
    direction: row.direction,
    callerNumber: row.caller_number,
    calleeNumber: row.callee_number,
    companyNumber: row.company_number,
    manager: row.manager,
    startedAt: row.started_at,
    answeredAt: row.answered_at,
    endedAt: row.ended_at,
    ringSeconds: Number(row.ring_seconds),
    talkSeconds: Number(row.talk_seconds),
    disposition: row.disposition,
    sipCode: row.sip_code,
    reason: row.reason,
    ...(row.times_approximate ? { timesApproximate: true } : {}),
    ...(row.trunk ? { trunk: row.trunk } : {}),
    ...(row.menu_step !== null && row.menu_step !== undefined ? { menuChoice: { digit: row.menu_digit ?? null, step: row.menu_step } } : {}),
    attempts: attempts.map(fromAttemptRow),
  };
}

function fromAttemptRow(row: Selectable<CallAttemptsTable>): RingAttempt {
  return {
    manager: row.manager,
    target: row.target,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    result: row.result,
    sipCode: row.sip_code,
  };
}
