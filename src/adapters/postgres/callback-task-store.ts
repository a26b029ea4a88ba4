import type { CallbackTaskBoard, OpenCallbackTask, ReassignOutcome } from '../../core/calls/callback-due.js';
import type { CallbackTask, CallbackTaskStore } from '../../core/calls/missed-call.js';
import { digitsOf } from '../../core/phone/phone-number.js';
import type { Selectable } from 'kysely';
import type { Database } from './database.js';
import type { CallbackTasksTable } from './database-schema.js';

export class PostgresCallbackTaskStore implements CallbackTaskStore, CallbackTaskBoard {
  constructor(private readonly db: Database) {}

  async add(task: CallbackTask): Promise<void> {
    await this.db
      .insertInto('callback_tasks')
      .values({
        call_id: task.callId,
        scenario: task.scenario,
        client_number: digitsOf(task.clientNumber),
        company_number: task.companyNumber,
        manager: task.manager,
        reason: task.reason,
        created_at: task.createdAt,
      })
      // A retried write after a lost acknowledgement must not fail on its own first copy.
      .onConflict((oc) => oc.column('call_id').doNothing())
      .execute();
  }

  async closeFor(clientNumber: string, byCallId: string, at: Date): Promise<number> {
    const result = await this.db
      .updateTable('callback_tasks')
      .set({ done_at: at, done_call_id: byCallId })
      .where('client_number', '=', digitsOf(clientNumber))
      .where('done_at', 'is', null)
      .where('created_at', '<=', at)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** A voice message left on the task's call. Idempotent: a retry writes the same values. */
  async attachVoicemail(callId: string, url: string, seconds: number): Promise<number> {
    const result = await this.db.updateTable('callback_tasks').set({ voicemail_url: url, voicemail_seconds: seconds }).where('call_id', '=', callId).executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Open tasks, oldest first (the API and the board read this). */
  async open(manager?: string): Promise<CallbackTask[]> {
    let query = this.db.selectFrom('callback_tasks').selectAll().where('done_at', 'is', null);
    if (manager) query = query.where('manager', '=', manager);
    const rows = await query.orderBy('created_at', 'asc').limit(500).execute();
    return rows.map(taskOf);
  }

  async openTasks(filter: { manager?: string; limit: number }): Promise<OpenCallbackTask[]> {
    let query = this.db.selectFrom('callback_tasks').selectAll().where('done_at', 'is', null);
    if (filter.manager !== undefined) query = query.where('manager', '=', filter.manager);
    const rows = await query.orderBy('created_at', 'asc').orderBy('call_id').limit(filter.limit).execute();
    return rows.map(openTaskOf);
  }

  /**
   * One UPDATE guarded by done_at is null: a callback that closes the task at the same
   * moment wins, and the reassignment reports the task closed instead of reopening it.
   */
  async reassign(callId: string, manager: string, by: string, at: Date): Promise<ReassignOutcome> {
    const row = await this.db
      .updateTable('callback_tasks')
      // The right-hand sides see the row as it was: reassigned_from gets the previous owner.
      .set((eb) => ({ manager, reassigned_from: eb.ref('manager'), reassigned_by: by, reassigned_at: at }))
      .where('call_id', '=', callId)
      .where('done_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (row) return { kind: 'reassigned', task: openTaskOf(row) };
    const exists = await this.db.selectFrom('callback_tasks').select('call_id').where('call_id', '=', callId).executeTakeFirst();
    return exists ? { kind: 'closed' } : { kind: 'not-found' };
  }
}

type CallbackTaskRow = Selectable<CallbackTasksTable>;

function taskOf(r: CallbackTaskRow): CallbackTask {
  return {
    callId: r.call_id,
    scenario: r.scenario,
    clientNumber: r.client_number,
    companyNumber: r.company_number,
    manager: r.manager,
    reason: r.reason,
    createdAt: r.created_at,
    ...(r.voicemail_url ? { voicemail: { url: r.voicemail_url, seconds: r.voicemail_seconds ?? 0 } } : {}),
  };
}

function openTaskOf(r: CallbackTaskRow): OpenCallbackTask {
  return { ...taskOf(r), reassignedFrom: r.reassigned_from, reassignedBy: r.reassigned_by, reassignedAt: r.reassigned_at };
}
