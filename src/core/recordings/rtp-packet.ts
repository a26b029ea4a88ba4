import { AppError } from '../errors/app-error.js';

/** The fields of an RTP packet (RFC 3550 §5.1) a recording needs. */
export interface RtpPacket {
  version: number;
  padding: boolean;
  extension: boolean;
  csrcCount: number;
  marker: boolean;
  payloadType: number;
  sequence: number;
  timestamp: number;
  ssrc: number;
  /** The media bytes: after CSRCs and the header extension, without padding. A view, not a copy. */
  payload: Uint8Array;
}

export class RtpParseError extends AppError {
  constructor(message: string) {
    super('RECORDING.RTP_INVALID', message, 422);
  }
}

const FIXED_HEADER = 12;

/**
 * Parses one RTP packet. Throws RtpParseError for anything that is not RTP v2
 * or whose lengths do not add up; use `isRtp` first to skip RTCP and strays.
 */
export function parseRtpPacket(data: Uint8Array): RtpPacket {
  if (data.length < FIXED_HEADER) throw new RtpParseError(`RTP packet of ${data.length} bytes is shorter than its header`);
  const b0 = data[0]!;
  const b1 = data[1]!;
  const version = b0 >> 6;
  if (version !== 2) throw new RtpParseError(`RTP version ${version}, expected 2`);
  const padding = (b0 & 0x20) !== 0;
  const extension = (b0 & 0x10) !== 0;
  const csrcCount = b0 & 0x0f;
  let start = FIXED_HEADER + csrcCount * 4;
  if (extension) {
    if (data.length < start + 4) throw new RtpParseError('RTP header extension runs past the packet');
    const words = (data[start + 2]! << 8) | data[start + 3]!;
    start += 4 + words * 4;
  }
  let end = data.length;
  if (padding) {
    const pad = data[end - 1]!;
    if (pad === 0) throw new RtpParseError('RTP padding count of 0');
    end -= pad;
  }
  if (start > end) throw new RtpParseError('RTP header, extension and padding are longer than the packet');
  return {
    version,
    padding,
    extension,
    csrcCount,
    marker: (b1 & 0x80) !== 0,
    payloadType: b1 & 0x7f,
    sequence: (data[2]! << 8) | data[3]!,
    // >>> 0 keeps the 32-bit fields unsigned
    timestamp: ((data[4]! << 24) | (data[5]! << 16) | (data[6]! << 8) | data[7]!) >>> 0,
    ssrc: ((data[8]! << 24) | (data[9]! << 16) | (data[10]! << 8) | data[11]!) >>> 0,
    payload: data.subarray(start, end),
  };
}

/**
 * True for a datagram that looks like RTP rather than RTCP (RFC 5761 §4: RTCP
 * packet types 200-204 land on "payload types" 72-76 with the marker set).
 */
export function isRtp(data: Uint8Array): boolean {
  if (data.length < FIXED_HEADER || data[0]! >> 6 !== 2) return false;
  const pt = data[1]! & 0x7f;
  return pt < 72 || pt > 76;
}
