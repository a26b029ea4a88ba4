import { g711Table, PT_PCMA, PT_PCMU } from './g711.js';

/**
 * Builds the stereo picture of a call from its RTP packets: caller on the left,
 * manager on the right, both on one wall clock. Pure: packets in, samples out.
 */

export type RecordingSide = 'caller' | 'manager';

/** One RTP packet of a recorded call, with the time the recorder saw it. */
export interface SidePacket {
  side: RecordingSide;
  /** Capture time, epoch ms. */
  at: number;
  payloadType: number;
  sequence: number;
  timestamp: number;
  ssrc: number;
  payload: Uint8Array;
  /**
   * The packet's audio already decoded to 8 kHz (a codec other than G.711, decoded by
   * an adapter); absent for G.711, which is decoded here.
   */
  pcm?: Int16Array;
  /** The RTP clock rate of the packet's codec (Opus: 48000); default 8000. */
  clockRate?: number;
}

export interface StereoMixOptions {
  /**
   * Payload types to leave out even though they are G.711 (0 or 8) or decoded. Anything
   * else is left out anyway: comfort noise (13), telephone-event (dynamic, usually 101)
   * and codecs that were not decoded (no `pcm`).
   */
  skipPayloadTypes?: Iterable<number>;
}

export interface StereoMix {
  /** Interleaved 16-bit samples at 8 kHz: caller, manager, caller, ... */
  samples: Int16Array;
  frames: number;
  /** Epoch ms of the first frame (the first audio packet of either side); null when there is no audio. */
  startedAt: number | null;
  durationSeconds: number;
  /** Audio packets placed per side. */
  placed: Record<RecordingSide, number>;
  /** Packets left out: neither G.711 nor decoded, or in skipPayloadTypes (telephone-event, CN, other codecs). */
  skipped: number;
  duplicates: number;
}

export const SAMPLE_RATE = 8000;
const SAMPLES_PER_MS = SAMPLE_RATE / 1000;
/**
 * How far a packet may drift from where its RTP timestamp puts it before we
 * believe the timestamp jumped (a sender restarting its clock without a new SSRC)
 * and re-anchor on its capture time. Network jitter stays far below this.
 */
const REANCHOR_MS = 1000;

/** Packets of one SSRC on one side, anchored to the wall clock. */
interface Segment {
  side: RecordingSide;
  /** Epoch ms the RTP timestamp `anchorTs` was sent at (best estimate). */
  anchorAt: number;
  anchorTs: number;
  packets: SidePacket[];
  /** Extended (unwrapped) RTP timestamps in 8 kHz units, parallel to `packets`. */
  timestamps: number[];
}

export function mixStereo(packets: readonly SidePacket[], options: StereoMixOptions = {}): StereoMix {
  const skip = new Set(options.skipPayloadTypes ?? []);
  let skipped = 0;
  // Per side and SSRC, in order of first appearance (Map keeps insertion order).
  const streams = new Map<string, SidePacket[]>();
  for (const p of packets) {
    const audio = p.pcm !== undefined || p.payloadType === PT_PCMA || p.payloadType === PT_PCMU;
    if (!audio || skip.has(p.payloadType)) {
      skipped++;
      continue;
    }
    const key = `${p.side}/${p.ssrc}`;
    const list = streams.get(key);
    if (list) list.push(p);
    else streams.set(key, [p]);
  }

  let duplicates = 0;
  const segments: Segment[] = [];
  for (const stream of streams.values()) {
    const ordered = orderBySequence(stream);
    duplicates += stream.length - ordered.length;
    segments.push(...anchor(ordered));
  }

  // Frame positions are kept as fractional "ms * 8" from the epoch until the start is known.
  let first = Infinity;
  let last = -Infinity;
  for (const s of segments) {
    for (let i = 0; i < s.packets.length; i++) {
      const start = s.anchorAt * SAMPLES_PER_MS + (s.timestamps[i]! - s.anchorTs);
      if (start < first) first = start;
      const end = start + audioLength(s.packets[i]!);
      if (end > last) last = end;
    }
  }
  const placed: Record<RecordingSide, number> = { caller: 0, manager: 0 };
  if (segments.length === 0) {
    return { samples: new Int16Array(0), frames: 0, startedAt: null, durationSeconds: 0, placed, skipped, duplicates };
  }

  const base = Math.round(first);
  const frames = Math.round(last) - base;
  // Zero-filled: every frame no packet covers is silence, which is what keeps gaps aligned.
  const samples = new Int16Array(frames * 2);
  for (const s of segments) {
    const channel = s.side === 'caller' ? 0 : 1;
    const origin = Math.round(s.anchorAt * SAMPLES_PER_MS) - s.anchorTs - base;
    for (let i = 0; i < s.packets.length; i++) {
      const p = s.packets[i]!;
      const frame = origin + s.timestamps[i]!;
      // Clip instead of failing: rounding can put the last sample one frame out.
      const from = Math.max(0, -frame);
      const to = Math.min(audioLength(p), frames - frame);
      let out = (frame + from) * 2 + channel;
      if (p.pcm) {
        const pcm = p.pcm;
        for (let k = from; k < to; k++, out += 2) samples[out] = pcm[k]!;
      } else {
        const table = g711Table(p.payloadType)!;
        const payload = p.payload;
        for (let k = from; k < to; k++, out += 2) samples[out] = table[payload[k]!]!;
      }
      placed[s.side]++;
    }
  }
  return { samples, frames, startedAt: base / SAMPLES_PER_MS, durationSeconds: frames / SAMPLE_RATE, placed, skipped, duplicates };
}

/** 8 kHz samples a packet covers: its decoded audio, or one per G.711 byte. */
function audioLength(p: SidePacket): number {
  return p.pcm ? p.pcm.length : p.payload.length;
}

/**
 * Sorts one SSRC's packets by extended sequence number (the 16-bit number
 * unwrapped against the highest seen so far, in capture order) and drops repeats.
 */
export function orderBySequence(stream: readonly SidePacket[]): SidePacket[] {
  const extended = new Float64Array(stream.length);
  let highest = -1;
  for (let i = 0; i < stream.length; i++) {
    const seq = stream[i]!.sequence;
    let ext: number;
    if (highest < 0) ext = seq;
    else {
      ext = highest - (highest & 0xffff) + seq; // same cycle as the highest
      if (ext - highest > 0x8000) ext -= 0x10000; // late packet from the previous cycle
      else if (highest - ext > 0x8000) ext += 0x10000; // wrapped into the next cycle
    }
    extended[i] = ext;
    if (ext > highest) highest = ext;
  }
  const order = Array.from(stream.keys()).sort((a, b) => extended[a]! - extended[b]!);
  const result: SidePacket[] = [];
  let previous = -Infinity;
  for (const i of order) {
    if (extended[i] === previous) continue;
    previous = extended[i]!;
    result.push(stream[i]!);
  }
  return result;
}

/**
 * Anchors packets in sequence order to the wall clock. A segment starts at its
 * first packet; a packet that arrives earlier than the anchor predicts shows the
 * anchor packet itself was delayed, so the anchor moves back (network delay only
 * ever adds). A jump of more than REANCHOR_MS starts a new segment.
 */
function anchor(ordered: readonly SidePacket[]): Segment[] {
  const segments: Segment[] = [];
  let current: Segment | null = null;
  let extTs = 0;
  let previousTs = 0;
  for (const p of ordered) {
    // Unwrap the 32-bit timestamp against the previous packet: the signed difference.
    extTs = current === null ? p.timestamp : extTs + ((p.timestamp - previousTs) | 0);
    previousTs = p.timestamp;
    // In 8 kHz units from here on (an Opus clock runs at 48 kHz).
    const ts = Math.round((extTs * SAMPLE_RATE) / (p.clockRate ?? SAMPLE_RATE));
    if (current !== null) {
      const expected = current.anchorAt + (ts - current.anchorTs) / SAMPLES_PER_MS;
      const late = p.at - expected;
      if (Math.abs(late) > REANCHOR_MS) current = null;
      else if (late < 0) current.anchorAt += late;
    }
    if (current === null) {
      current = { side: p.side, anchorAt: p.at, anchorTs: ts, packets: [], timestamps: [] };
      segments.push(current);
    }
    current.packets.push(p);
    current.timestamps.push(ts);
  }
  return segments;
}
