/**
 * Calls waiting for a free manager, per scenario: known clients (sticky) first,
 * then in order of arrival. Kept in this instance's memory on purpose: a waiting
 * call is a Kamailio transaction suspended towards this instance's evapi
 * connection, so only this instance can resume it.
 */
export interface WaitingEntry {
  callId: string;
  scenario: string;
  priority: boolean;
  /** The scenario step it waits in (each step's line has its own cap, max_waiting). */
  step: number;
  /** When the call started: its place in line. */
  since: number;
  /** When the current step gives up waiting. */
  deadline: number;
}

export class WaitingLine {
  private readonly lines = new Map<string, WaitingEntry[]>();
  private readonly byCall = new Map<string, WaitingEntry>();

  add(entry: WaitingEntry): void {
    this.remove(entry.callId);
    const line = this.lines.get(entry.scenario) ?? [];
    // Known clients first, then by when the call started: a caller back from an
    // unanswered ring keeps his place ahead of those who came after him.
    const at = line.findIndex((e) => (entry.priority && !e.priority) || (e.priority === entry.priority && e.since > entry.since));
    if (at === -1) line.push(entry);
    else line.splice(at, 0, entry);
    this.lines.set(entry.scenario, line);
    this.byCall.set(entry.callId, entry);
  }

  remove(callId: string): WaitingEntry | undefined {
    const entry = this.byCall.get(callId);
    if (!entry) return undefined;
    this.byCall.delete(callId);
    const line = this.lines.get(entry.scenario)!;
    line.splice(line.indexOf(entry), 1);
    if (line.length === 0) this.lines.delete(entry.scenario);
    return entry;
  }

  get(callId: string): WaitingEntry | undefined {
    return this.byCall.get(callId);
  }

  /** Would a new call with this priority have to queue behind someone in this scenario? */
  hasAhead(scenario: string, priority: boolean): boolean {
    return (this.lines.get(scenario) ?? []).some((e) => e.priority || !priority);
  }

  /** 1 for the next call served in its scenario's line; null when not waiting. */
  positionOf(callId: string): number | null {
    const entry = this.byCall.get(callId);
    if (!entry) return null;
    return this.lines.get(entry.scenario)!.indexOf(entry) + 1;
  }

  /** How many calls wait in this step of this scenario. */
  countAt(scenario: string, step: number): number {
    return (this.lines.get(scenario) ?? []).filter((e) => e.step === step).length;
  }

  /** Every waiting call, scenario by scenario, each line in serving order. */
  byScenario(): [string, WaitingEntry[]][] {
    return [...this.lines].map(([scenario, line]) => [scenario, [...line]]);
  }

  get size(): number {
    return this.byCall.size;
  }
}
