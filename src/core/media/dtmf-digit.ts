/**
 * A caller's DTMF as rtpengine reports it (`--dtmf-log-dest`: one JSON datagram per
 * RFC 4733 event). The caller controls these bytes: anything but a small object
 * with a bounded Call-ID, tag and an event 0..11 (0-9, *, #) is dropped.
 */
export interface DtmfReport {
  callId: string;
  /** The From tag of the party that sent the digit (the caller for our menus). */
  sourceTag: string;
  digit: string;
}

/** rtpengine's report is a few hundred bytes; anything larger is not one. */
export const MAX_DTMF_REPORT_BYTES = 2048;
const MAX_ID = 255;

/** RFC 4733 event codes 0-11; 12-15 (A-D) and the rest are no menu key. */
export function digitOfEvent(event: unknown): string | null {
  if (typeof event !== 'number' || !Number.isInteger(event) || event < 0 || event > 11) return null;
  return event === 10 ? '*' : event === 11 ? '#' : String(event);
}

export function isMenuDigit(text: string): boolean {
  return /^[0-9*#]$/.test(text);
}

export function parseDtmfReport(datagram: Buffer | string): DtmfReport | null {
  const size = typeof datagram === 'string' ? Buffer.byteLength(datagram) : datagram.length;
  if (size === 0 || size > MAX_DTMF_REPORT_BYTES) return null;
  let value: unknown;
  try {
    value = JSON.parse(datagram.toString());
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const r = value as Record<string, unknown>;
  if (r.type !== undefined && r.type !== 'DTMF') return null;
  const callId = r.callid;
  const sourceTag = r.source_tag;
  if (typeof callId !== 'string' || callId.length === 0 || callId.length > MAX_ID) return null;
  if (typeof sourceTag !== 'string' || sourceTag.length === 0 || sourceTag.length > MAX_ID) return null;
  const digit = digitOfEvent(r.event);
  return digit === null ? null : { callId, sourceTag, digit };
}
