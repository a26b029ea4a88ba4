import type { ConversationAnalytics } from '../../core/recordings/conversation-analytics.js';
import type { RecordingFormat } from '../../core/recordings/recording-store.port.js';
import type { DomainEventMap } from '../domain-events.js';

/** The recording.ready event of a stored recording; the URL is the service's own audio endpoint. */
export function recordingReady(
  r: { callId: string; format: RecordingFormat; durationSeconds: number; analytics?: ConversationAnalytics | null },
  publicBaseUrl: string,
  now: number,
): DomainEventMap['recording.ready'] {
  return {
    callId: r.callId,
    url: `${publicBaseUrl.replace(/\/$/, '')}/api/recordings/${encodeURIComponent(r.callId)}/audio`,
    filename: `${r.callId.replace(/[^A-Za-z0-9._-]/g, '_')}.${r.format}`,
    format: r.format,
    durationSeconds: r.durationSeconds,
    analytics: r.analytics ?? null,
    at: new Date(now).toISOString(),
  };
}
