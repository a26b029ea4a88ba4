/**
 * G.711 (ITU-T G.711, 1988) decoding to 16-bit linear PCM, through 256-entry
 * tables built once at load: a lookup per sample is the fastest decode in JS.
 */

/** µ-law (PCMU, RTP payload type 0) byte -> linear sample. */
function ulawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const exponent = (u >> 4) & 0x07;
  const mantissa = u & 0x0f;
  const magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
  return u & 0x80 ? -magnitude : magnitude;
}

/** A-law (PCMA, RTP payload type 8) byte -> linear sample. */
function alawToLinear(byte: number): number {
  const a = byte ^ 0x55; // even bits are inverted on the wire
  const exponent = (a >> 4) & 0x07;
  const mantissa = a & 0x0f;
  const magnitude = exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
  return a & 0x80 ? magnitude : -magnitude;
}

function table(decode: (byte: number) => number): Int16Array {
  const t = new Int16Array(256);
  for (let i = 0; i < 256; i++) t[i] = decode(i);
  return t;
}

export const PCMU_TO_LINEAR: Int16Array = table(ulawToLinear);
export const PCMA_TO_LINEAR: Int16Array = table(alawToLinear);

export const PT_PCMU = 0;
export const PT_PCMA = 8;

/** The decode table of a static G.711 payload type, or null for any other. */
export function g711Table(payloadType: number): Int16Array | null {
  return payloadType === PT_PCMU ? PCMU_TO_LINEAR : payloadType === PT_PCMA ? PCMA_TO_LINEAR : null;
}

/** Decodes `bytes` into `out` starting at `offset` (no allocation). */
export function decodeG711Into(bytes: Uint8Array, lookup: Int16Array, out: Int16Array, offset: number): void {
  for (let i = 0; i < bytes.length; i++) out[offset + i] = lookup[bytes[i]!]!;
}
