import type { LiveCall } from './live-call.js';

/** Calls in progress, shared by every service instance. */
export interface LiveCallStore {
  get(callId: string): Promise<LiveCall | null>;
  put(call: LiveCall): Promise<void>;
  remove(callId: string): Promise<void>;
  /** The Call-IDs of every live call (reconciliation after the service was away). */
  ids(): Promise<string[]>;
}
