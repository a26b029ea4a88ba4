/**
 * How much audio one Opus packet holds, from its TOC byte (RFC 6716 §3.1) and, for
 * code 3, its frame-count byte. Pure; no decoding.
 */

/** Frame length in 48 kHz samples for each of the 32 TOC configurations. */
const FRAME_SAMPLES: readonly number[] = [
  // SILK only (0-11): 10, 20, 40, 60 ms, for NB, MB, WB
  480, 960, 1920, 2880, 480, 960, 1920, 2880, 480, 960, 1920, 2880,
  // Hybrid (12-15): 10, 20 ms, for SWB, FB
  480, 960, 480, 960,
  // CELT only (16-31): 2.5, 5, 10, 20 ms, for NB, WB, SWB, FB
  120, 240, 480, 960, 120, 240, 480, 960, 120, 240, 480, 960, 120, 240, 480, 960,
];

/** An Opus packet carries at most 120 ms (RFC 6716 §3.2.5). */
const MAX_PACKET_SAMPLES = 5760;

/**
 * The 48 kHz samples an Opus packet decodes to, or null when it is not a valid
 * Opus packet (empty, a code-3 packet without its count byte, a count of 0, or
 * more than 120 ms).
 */
export function opusPacketSamples(packet: Uint8Array): number | null {
  if (packet.length === 0) return null;
  const toc = packet[0]!;
  const frame = FRAME_SAMPLES[toc >> 3]!;
  const code = toc & 0x03;
  let frames: number;
  if (code === 0) frames = 1;
  else if (code === 1 || code === 2) frames = 2;
  else {
    if (packet.length < 2) return null;
    frames = packet[1]! & 0x3f;
    if (frames === 0) return null;
  }
  const samples = frame * frames;
  return samples > MAX_PACKET_SAMPLES ? null : samples;
}
