import { opusPacketSamples } from './opus-toc.js';

/**
 * Which audio codec a recorded RTP stream carries, and how much 8 kHz audio each of
 * its packets decodes to. Pure: the decoding itself is an adapter's (ffmpeg), G.711
 * excepted (g711.ts).
 *
 * rtpengine records the packets each party sent, as received (--recording-method=pcap
 * writes ingress only in 10.5): a phone that keeps its own codec (Opus, G.722) while
 * rtpengine transcodes its leg to G.711 for the trunk is recorded in its own codec.
 */

export type AudioCodec = 'PCMU' | 'PCMA' | 'G722' | 'opus' | 'GSM' | 'G729';

/** RTP clock rate of each codec (RFC 3551 §4.5.2: G.722's is 8000 though it samples at 16 kHz; RFC 7587: Opus is always 48000). */
export const RTP_CLOCK_RATE: Readonly<Record<AudioCodec, number>> = { PCMU: 8000, PCMA: 8000, G722: 8000, opus: 48000, GSM: 8000, G729: 8000 };

/** Static payload types (RFC 3551 table 4) of the codecs we decode. */
const STATIC_PAYLOAD_TYPES: ReadonlyMap<number, AudioCodec> = new Map([
  [0, 'PCMU'],
  [3, 'GSM'],
  [8, 'PCMA'],
  [9, 'G722'],
  [18, 'G729'],
]);

const BY_NAME: ReadonlyMap<string, AudioCodec> = new Map([
  ['pcmu', 'PCMU'],
  ['pcma', 'PCMA'],
  ['g722', 'G722'],
  ['opus', 'opus'],
  ['gsm', 'GSM'],
  ['g729', 'G729'],
]);

/**
 * The payload-type map of an SDP's first audio section: `a=rtpmap:<pt> <name>/<rate>`.
 * A name we do not decode (telephone-event, CN, speex...) maps to null, so that its
 * number is not mistaken for a static or guessed codec.
 */
export function parseRtpmaps(sdp: string): Map<number, AudioCodec | null> {
  const map = new Map<number, AudioCodec | null>();
  let inAudio = false;
  let seenAudio = false;
  for (const line of sdp.split(/\r?\n/)) {
    const m = /^m=(\w+) /.exec(line);
    if (m) {
      inAudio = m[1] === 'audio' && !seenAudio;
      if (inAudio) seenAudio = true;
      continue;
    }
    if (!inAudio) continue;
    const r = /^a=rtpmap:(\d{1,3}) ([^/\s]+)\//.exec(line);
    if (r) map.set(Number(r[1]), BY_NAME.get(r[2]!.toLowerCase()) ?? null);
  }
  return map;
}

/** The parts of a packet codec identification looks at, in sequence order. */
export interface StreamPacket {
  sequence: number;
  timestamp: number;
  payload: Uint8Array;
}

/**
 * The codec of one stream (one sender's packets of one payload type, in sequence order):
 * 1. the SDP rtpengine sent its sender names it (`rtpmap`, when the recording has it);
 * 2. a static payload type (0, 3, 8, 9, 18);
 * 3. a dynamic payload type (96-127) whose packets are valid Opus and whose RTP timestamps
 *    step by exactly the audio each packet holds is Opus. The SDP that named it is often
 *    not in the recording (rtpengine records from the answer on, and writes only the SDPs
 *    it sent after that), and no other common codec steps by 120/240/480/960... at 20 ms.
 * Anything else: null (left out, heard as silence).
 */
export function identifyCodec(payloadType: number, rtpmap: ReadonlyMap<number, AudioCodec | null> | undefined, packets: readonly StreamPacket[]): AudioCodec | null {
  const named = rtpmap?.get(payloadType);
  if (named !== undefined) return named;
  const fixed = STATIC_PAYLOAD_TYPES.get(payloadType);
  if (fixed) return fixed;
  if (payloadType >= 96 && payloadType <= 127 && looksLikeOpus(packets)) return 'opus';
  return null;
}

/** At least this many consecutive pairs must be compared before a stream is believed to be Opus. */
const MIN_OPUS_PAIRS = 3;

function looksLikeOpus(packets: readonly StreamPacket[]): boolean {
  let pairs = 0;
  let matching = 0;
  for (let i = 0; i < packets.length; i++) {
    const samples = opusPacketSamples(packets[i]!.payload);
    if (samples === null) return false;
    const next = packets[i + 1];
    if (!next || ((next.sequence - packets[i]!.sequence) & 0xffff) !== 1) continue;
    pairs++;
    if (((next.timestamp - packets[i]!.timestamp) >>> 0) === samples) matching++;
  }
  // DTX (a pause) makes a few steps longer; a wrong guess would match almost none.
  return pairs >= MIN_OPUS_PAIRS && matching >= pairs * 0.8;
}

/**
 * 8 kHz samples one packet decodes to: what the mix places at its timestamp. G.722
 * sends two 16 kHz samples per byte, GSM 160 samples per 33-byte frame, G.729 80 per
 * 10-byte frame (a trailing 2-byte comfort-noise frame carries no speech).
 */
export function samplesAt8k(codec: AudioCodec, payload: Uint8Array): number {
  switch (codec) {
    case 'PCMA':
    case 'PCMU':
    case 'G722':
      return payload.length;
    case 'GSM':
      return Math.floor(payload.length / 33) * 160;
    case 'G729':
      return Math.floor(payload.length / 10) * 80;
    case 'opus': {
      const samples = opusPacketSamples(payload);
      return samples === null ? 0 : samples / 6;
    }
  }
}

/** The bytes of a packet the raw decoder reads (G.729: whole 10-byte frames only). */
export function decoderBytes(codec: AudioCodec, payload: Uint8Array): Uint8Array {
  if (codec === 'G729') return payload.subarray(0, Math.floor(payload.length / 10) * 10);
  if (codec === 'GSM') return payload.subarray(0, Math.floor(payload.length / 33) * 33);
  return payload;
}
