import type { CallbackTask, CallbackTaskStore, ClientHistory } from '../../core/calls/missed-call.js';
import { digitsOf } from '../../core/phone/phone-number.js';

/**
 * In-memory twins of RedisClientHistory and PostgresCallbackTaskStore, for unit
 * tests of the services. Numbers are compared by digits, as the real stores do.
 */
export class MemoryClientHistory implements ClientHistory {
  /** Keyed by the client number's digits. */
  readonly entries = new Map<string, { manager: string; at: number }>();

  async lastManager(clientNumber: string): Promise<{ manager: string; at: number } | null> {
    const entry = this.entries.get(digitsOf(clientNumber));
    return entry ? { ...entry } : null;
  }

  async remember(clientNumber: string, manager: string, at: number): Promise<void> {
    const digits = digitsOf(clientNumber);
    if (digits) this.entries.set(digits, { manager, at });
  }

  /** The line each client last called, keyed by digits. */
  readonly lines = new Map<string, string>();

  async lastLine(clientNumber: string): Promise<string | null> {
    return this.lines.get(digitsOf(clientNumber)) ?? null;
  }

  async rememberLine(clientNumber: string, line: string): Promise<void> {
    const digits = digitsOf(clientNumber);
    if (digits) this.lines.set(digits, line);
  }
}

export interface StoredCallbackTask extends CallbackTask {
  doneAt: Date | null;
  doneCallId: string | null;
}

export class MemoryCallbackTaskStore implements CallbackTaskStore {
  /** In the order they were added. */
  readonly tasks: StoredCallbackTask[] = [];

  async add(task: CallbackTask): Promise<void> {
    // Like ON CONFLICT (call_id) DO NOTHING: a retried write does not duplicate the task.
    if (this.tasks.some((t) => t.callId === task.callId)) return;
    this.tasks.push({ ...task, doneAt: null, doneCallId: null });
  }

  async closeFor(clientNumber: string, byCallId: string, at: Date): Promise<number> {
    const digits = digitsOf(clientNumber);
    let closed = 0;
    for (const task of this.tasks) {
      if (task.doneAt !== null || digitsOf(task.clientNumber) !== digits || task.createdAt.getTime() > at.getTime()) continue;
      task.doneAt = at;
      task.doneCallId = byCallId;
      closed++;
    }
    return closed;
  }

  /** Open tasks, oldest first, optionally of one manager. */
  open(manager?: string): StoredCallbackTask[] {
    return this.tasks.filter((t) => t.doneAt === null && (manager === undefined || t.manager === manager));
  }
}
