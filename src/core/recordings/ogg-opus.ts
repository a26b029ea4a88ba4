/**
 * Wraps raw Opus packets (as RTP carries them) in an Ogg Opus stream (RFC 7845), the
 * container a decoder (ffmpeg) reads them from. One packet per page, the granule
 * position the running sample count, pre-skip 0: the decoded stream is exactly the sum
 * of the packets' durations, so each packet's audio can be cut back out of it by count.
 * Pure: packets in, bytes out.
 */

const CRC_TABLE = (() => {
  // Ogg's CRC-32: polynomial 0x04c11db7, not reflected, initial value 0 (RFC 3533 §6).
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let k = 0; k < 8; k++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    t[i] = r >>> 0;
  }
  return t;
})();

export function oggCrc(bytes: Uint8Array): number {
  let crc = 0;
  for (let i = 0; i < bytes.length; i++) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ bytes[i]!) & 0xff]!) >>> 0;
  return crc;
}

const HEADER_TYPE_BOS = 0x02;
const HEADER_TYPE_EOS = 0x04;
/** A page's segment table holds 255 lacing values: a packet up to 255 * 255 - 1 bytes fits one page. */
const MAX_PACKET_BYTES = 255 * 255 - 1;

/** Bytes one page takes: 27 header bytes, one lacing value per 255 bytes (+1), the packet. */
function pageSize(packetLength: number): number {
  return 27 + Math.floor(packetLength / 255) + 1 + packetLength;
}

/**
 * Writes one page holding `packet` at `at` in `out` (whose view is `view`) and returns
 * where the next begins. Everything is written in place: one buffer for the whole
 * stream, since a page per 20 ms packet makes allocation the cost.
 */
function writePage(out: Uint8Array, view: DataView, at: number, packet: Uint8Array, headerType: number, granule: number, serial: number, sequence: number): number {
  if (packet.length > MAX_PACKET_BYTES) throw new RangeError(`an Ogg packet of ${packet.length} bytes does not fit one page`);
  // Lacing: 255 for each full 255 bytes, then the remainder (0 when the size is a multiple of 255).
  const segments = Math.floor(packet.length / 255) + 1;
  out[at] = 0x4f; // "OggS"
  out[at + 1] = 0x67;
  out[at + 2] = 0x67;
  out[at + 3] = 0x53;
  out[at + 4] = 0; // version
  out[at + 5] = headerType;
  // 64-bit granule position as two 32-bit halves: exact up to 2^53 samples, no BigInt per page.
  view.setUint32(at + 6, granule % 0x1_0000_0000, true);
  view.setUint32(at + 10, Math.floor(granule / 0x1_0000_0000), true);
  view.setUint32(at + 14, serial, true);
  view.setUint32(at + 18, sequence, true);
  view.setUint32(at + 22, 0, true);
  out[at + 26] = segments;
  for (let i = 0; i < segments - 1; i++) out[at + 27 + i] = 255;
  out[at + 27 + segments - 1] = packet.length % 255;
  out.set(packet, at + 27 + segments);
  const end = at + 27 + segments + packet.length;
  view.setUint32(at + 22, oggCrc(out.subarray(at, end)), true);
  return end;
}

function opusHead(channels: number): Uint8Array {
  const head = new Uint8Array(19);
  const view = new DataView(head.buffer);
  head.set(new TextEncoder().encode('OpusHead'), 0);
  head[8] = 1; // version
  head[9] = channels;
  view.setUint16(10, 0, true); // pre-skip: none, see the file comment
  view.setUint32(12, 48000, true); // input sample rate (informational)
  view.setInt16(16, 0, true); // output gain
  head[18] = 0; // channel mapping family 0: mono or stereo
  return head;
}

function opusTags(): Uint8Array {
  const vendor = new TextEncoder().encode('leadline');
  const tags = new Uint8Array(8 + 4 + vendor.length + 4);
  const view = new DataView(tags.buffer);
  tags.set(new TextEncoder().encode('OpusTags'), 0);
  view.setUint32(8, vendor.length, true);
  tags.set(vendor, 12);
  view.setUint32(12 + vendor.length, 0, true); // no user comments
  return tags;
}

/**
 * The Ogg Opus file of `packets` with their 48 kHz durations (`samples[i]`). Mono: a
 * stereo packet is downmixed by the decoder, and a recording channel is mono anyway.
 */
export function oggOpusStream(packets: readonly Uint8Array[], samples: readonly number[], serial = 0x4c4c4e31): Uint8Array {
  const head = opusHead(1);
  const tags = opusTags();
  let size = pageSize(head.length) + pageSize(tags.length);
  for (const p of packets) size += pageSize(p.length);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = writePage(out, view, 0, head, HEADER_TYPE_BOS, 0, serial, 0);
  at = writePage(out, view, at, tags, 0, 0, serial, 1);
  let granule = 0;
  for (let i = 0; i < packets.length; i++) {
    granule += samples[i]!;
    at = writePage(out, view, at, packets[i]!, i === packets.length - 1 ? HEADER_TYPE_EOS : 0, granule, serial, i + 2);
  }
  return out;
}
