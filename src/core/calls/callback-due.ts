/**
 * An open callback task as the callbacks page shows it: how long the client has waited
 * for the call back and when the callback SLA (console.callbackSlaMinutes) runs out.
 * Pure: the clock is passed in.
 */
import type { CallbackTask } from './missed-call.js';

export interface OpenCallbackTask extends CallbackTask {
  reassignedFrom: string | null;
  reassignedBy: string | null;
  reassignedAt: Date | null;
}

export interface CallbackDue {
  ageSeconds: number;
  dueAt: Date;
  /** Negative once overdue. */
  secondsLeft: number;
  overdue: boolean;
}

export function callbackDue(createdAt: Date, slaMinutes: number, now: Date): CallbackDue {
  const dueAt = new Date(createdAt.getTime() + slaMinutes * 60_000);
  const secondsLeft = (dueAt.getTime() - now.getTime()) / 1000;
  return { ageSeconds: Math.max(0, (now.getTime() - createdAt.getTime()) / 1000), dueAt, secondsLeft, overdue: secondsLeft < 0 };
}

/** The outcome of giving a task to a manager. */
export type ReassignOutcome = { kind: 'reassigned'; task: OpenCallbackTask } | { kind: 'not-found' } | { kind: 'closed' };

/** What the callbacks page reads and changes of the tasks (src/adapters/postgres/callback-task-store.ts). */
export interface CallbackTaskBoard {
  /** Open tasks, oldest first; of one manager when given. At most `limit`. */
  openTasks(filter: { manager?: string; limit: number }): Promise<OpenCallbackTask[]>;
  /** Gives an open task to `manager`; a closed or unknown task is left alone. */
  reassign(callId: string, manager: string, by: string, at: Date): Promise<ReassignOutcome>;
}
