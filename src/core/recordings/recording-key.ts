import type { RecordingFormat } from './recording-store.port.js';

export const CONTENT_TYPES: Record<RecordingFormat, string> = {
  mp3: 'audio/mpeg',
  opus: 'audio/ogg',
  wav: 'audio/wav',
};

/**
 * A Call-ID as one path segment: Call-IDs carry '@', '/', '+' and more, which S3 keys and
 * folders take badly. Letters, digits, '.', '_' and '-' stay; anything else is %XX, so two
 * different Call-IDs never share a key.
 */
export function safeCallId(callId: string): string {
  return Buffer.from(callId, 'utf8')
    .toString('latin1')
    .replace(/[^A-Za-z0-9._-]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)
    .replace(/^\.+/, (dots) => '%2E'.repeat(dots.length));
}

/** `<prefix>recordings/YYYY/MM/DD/<callId>.<ext>`, by the call's start in UTC. */
export function recordingKey(prefix: string, callId: string, startedAt: Date, format: RecordingFormat): string {
  const y = startedAt.getUTCFullYear();
  const m = String(startedAt.getUTCMonth() + 1).padStart(2, '0');
  const d = String(startedAt.getUTCDate()).padStart(2, '0');
  const base = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
  return `${base}recordings/${y}/${m}/${d}/${safeCallId(callId)}.${format}`;
}
