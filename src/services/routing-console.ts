import type { AgentStatus } from '../core/agents/agent-state.js';

/**
 * What the HTTP API (and later the supervisor board) reads and changes of live
 * routing. Implemented by the service layer; the HTTP routes only translate.
 */
export interface ManagerView {
  extension: string;
  name: string;
  status: AgentStatus;
  /** Since when the manager is in this status, ISO time. */
  since: string;
  pauseReason: string | null;
  /** The call he is ringing for or talking in, if any. */
  callIds: string[];
  consecutiveMisses: number;
  callsToday: number;
  talkSecondsToday: number;
  /** Performance weight (0.05 .. 1) used by performance-weighted routing. */
  answerScore: number;
}

export interface WaitingCallView {
  callId: string;
  callerNumber: string;
  companyNumber: string;
  /** Index of the scenario step the call waits in. */
  step: number;
  /** Known client of a manager (sticky): served before the others. */
  priority: boolean;
  waitingSeconds: number;
  /** When the call joined the line, ISO time (the board counts the wait up from it). */
  since: string;
}

export interface ScenarioView {
  file: string;
  name: string;
  numbers: string[];
  open: boolean;
}

export interface RoutingConsole {
  managers(): Promise<ManagerView[]>;
  /** Throws NotFoundError for an unknown extension. */
  pause(extension: string, reason: string): Promise<ManagerView>;
  unpause(extension: string): Promise<ManagerView>;
  waiting(): Promise<{ scenario: string; calls: WaitingCallView[] }[]>;
  scenarios(): { active: ScenarioView[]; errors: { file: string; message: string }[] };
}
