/** A call nobody answered, and the task of calling the client back. Pure data and ports. */

export interface CallbackTask {
  callId: string;
  scenario: string;
  clientNumber: string;
  companyNumber: string;
  /** The manager who owes the callback; null when the group has nobody to give it to. */
  manager: string | null;
  reason: string;
  createdAt: Date;
  /** A message the caller left in the mailbox (its recording's URL in the API). */
  voicemail?: { url: string; seconds: number };
}

export interface CallbackTaskStore {
  add(task: CallbackTask): Promise<void>;
  /** A manager called the client back: closes the client's open tasks; returns how many. */
  closeFor(clientNumber: string, byCallId: string, at: Date): Promise<number>;
}

/** The client's last manager, for sticky routing ("who last talked to this number"). */
export interface ClientHistory {
  lastManager(clientNumber: string): Promise<{ manager: string; at: number } | null>;
  remember(clientNumber: string, manager: string, at: number): Promise<void>;
  /** The company number this client last called: his outbound calls show it (trunks.md). */
  lastLine(clientNumber: string): Promise<string | null>;
  rememberLine(clientNumber: string, line: string): Promise<void>;
}

/** The manager who last talked to this client within `days`, if any. */
export async function lastManagerWithin(history: ClientHistory, clientNumber: string, days: number, now: number): Promise<string | null> {
  if (!/\d/.test(clientNumber)) return null;
  const last = await history.lastManager(clientNumber);
  return last && now - last.at <= days * 86_400_000 ? last.manager : null;
}
