import { callbackDue, type CallbackTaskBoard, type OpenCallbackTask } from '../core/calls/callback-due.js';
import { AppError, NotFoundError } from '../core/errors/app-error.js';

export interface CallbackView extends OpenCallbackTask {
  managerName: string | null;
  ageSeconds: number;
  dueAt: Date;
  overdue: boolean;
}

/** Who asks: a manager sees and works only his own tasks. */
export interface CallbackViewer {
  role: 'admin' | 'supervisor' | 'manager';
  extension: string | null;
  name: string;
}

export interface CallbackDeskDeps {
  tasks: CallbackTaskBoard;
  managers: readonly { extension: string; name: string }[];
  slaMinutes: number;
  clock?: () => number;
}

/** The most tasks one page lists (oldest first): past that, the page says how many it shows. */
export const MAX_CALLBACKS_LISTED = 500;

/**
 * The callbacks page: open callback tasks with their age against the callback SLA, and
 * their reassignment by a supervisor. Tasks close by themselves when the client is called
 * back (call-events.ts), whoever calls.
 */
export class CallbackDesk {
  private readonly clock: () => number;
  private readonly names: Map<string, string>;

  constructor(private readonly deps: CallbackDeskDeps) {
    this.clock = deps.clock ?? Date.now;
    this.names = new Map(deps.managers.map((m) => [m.extension, m.name]));
  }

  async list(viewer: CallbackViewer, manager?: string): Promise<{ items: CallbackView[]; slaMinutes: number }> {
    // A manager's filter is his own extension, whatever he asked for.
    const only = viewer.role === 'manager' ? (viewer.extension ?? '') : manager;
    const tasks = await this.deps.tasks.openTasks({ manager: only, limit: MAX_CALLBACKS_LISTED });
    const now = new Date(this.clock());
    return { items: tasks.map((t) => this.view(t, now)), slaMinutes: this.deps.slaMinutes };
  }

  async reassign(viewer: CallbackViewer, callId: string, manager: string): Promise<CallbackView> {
    if (viewer.role === 'manager') {
      throw new AppError('AUTH.FORBIDDEN', `"${viewer.name}" is a manager: only a supervisor or an admin gives callback tasks to others.`, 403);
    }
    if (!this.names.has(manager)) {
      throw new AppError('REQUEST.INVALID', `manager ${manager} is not a configured manager (managers: ${[...this.names.keys()].join(', ')})`, 400);
    }
    const outcome = await this.deps.tasks.reassign(callId, manager, viewer.name, new Date(this.clock()));
    if (outcome.kind === 'not-found') throw new NotFoundError(`Callback task ${callId}`);
    if (outcome.kind === 'closed') throw new AppError('CALLBACK.CLOSED', `The callback task of ${callId} is already done: the client was called back.`, 409);
    return this.view(outcome.task, new Date(this.clock()));
  }

  private view(task: OpenCallbackTask, now: Date): CallbackView {
    const due = callbackDue(task.createdAt, this.deps.slaMinutes, now);
    return { ...task, managerName: task.manager === null ? null : (this.names.get(task.manager) ?? null), ageSeconds: due.ageSeconds, dueAt: due.dueAt, overdue: due.overdue };
  }
}
