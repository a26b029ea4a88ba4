/**
 * What a webhook carries: the envelope of the Standard Webhooks spec ({type, timestamp, data})
 * around one domain event. Pure data and rules; no I/O.
 */

/**
 * Every event an endpoint may subscribe to. The last three are raised by features still
 * being built; an endpoint may already list them and receives them once they are raised.
 */
export const WEBHOOK_EVENT_NAMES = [
  'call.started',
  'call.answered',
  'call.ended',
  'call.missed',
  'manager.auto_paused',
  'manager.kpi_drawdown',
  'recording.ready',
  'lead.first_dial',
  'lead.sla_breached',
  'trunk.down',
  'trunk.up',
  'voicemail.left',
] as const;
export type WebhookEventName = (typeof WEBHOOK_EVENT_NAMES)[number];

export interface WebhookEnvelope {
  type: string;
  /** When the event happened (ISO 8601), not when it was sent: a retry carries the same body. */
  timestamp: string;
  data: Record<string, unknown>;
}

/**
 * A filter entry is an event name, a family ("call.*") or "*". Known names are checked
 * at start-up, so a typo in the configuration does not silently subscribe to nothing.
 */
export function isEventPattern(pattern: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) {
    const family = pattern.slice(0, -1);
    return WEBHOOK_EVENT_NAMES.some((name) => name.startsWith(family));
  }
  return (WEBHOOK_EVENT_NAMES as readonly string[]).includes(pattern);
}

export function matchesEventFilter(filter: readonly string[], event: string): boolean {
  return filter.some((p) => p === '*' || p === event || (p.endsWith('.*') && event.startsWith(p.slice(0, -1))));
}

/**
 * The call an event is about, which orders its deliveries: one endpoint receives the
 * events of one call in the order they were raised. Events of no call are not ordered.
 */
export function callIdOf(data: Record<string, unknown>): string | null {
  if (typeof data.callId === 'string' && data.callId !== '') return data.callId;
  return null;
}
