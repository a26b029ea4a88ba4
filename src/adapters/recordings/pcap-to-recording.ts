import { existsSync, readFileSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { planDecoding, type RtpmapLookup } from '../../core/recordings/decode-plan.js';
import type { AudioCodec } from '../../core/recordings/rtp-codecs.js';
import { callerMediaFromMetadata, parseRtpengineMetadata } from '../../core/recordings/rtpengine-metadata.js';
import { isRtp, parseRtpPacket } from '../../core/recordings/rtp-packet.js';
import { mixStereo, SAMPLE_RATE, type RecordingSide, type SidePacket, type StereoMix } from '../../core/recordings/stereo-mix.js';
import { wavHeader } from '../../core/recordings/wav.js';
import { analyseConversation, type ConversationAnalytics } from '../../core/recordings/conversation-analytics.js';
import { readPcapUdp, type UdpPacket } from '../rtpengine/pcap-reader.js';
import { ENCODERS, encodeFile } from './audio-encoders.js';
import { decodePackets, type DecodedPackets } from './ffmpeg-decode.js';
import { RecordingConversionError } from './recording-conversion-error.js';

export { RecordingConversionError };

export type RecordingFormat = 'mp3' | 'opus' | 'wav';

export interface ConvertCallRecordingInput {
  pcapPath: string;
  /**
   * Where the caller's RTP comes from: "ip" or "ip:port" (e.g. the trunk's
   * address). When absent, rtpengine's metadata file decides (see decideCallerSide).
   */
  callerAddress?: string;
  /** Default: `<spool>/metadata/rtpengine-meta-<pcap name>.txt` next to `<spool>/pcaps/`. */
  metadataPath?: string;
  outPath: string;
  format: RecordingFormat;
  /** The decoder of codecs other than G.711; default "ffmpeg" on PATH. */
  ffmpegPath?: string;
  /** The format's encoder program (audio-encoders.ts); default its name on PATH. */
  encoderPath?: string;
  /** Extra payload types to leave out (see StereoMixOptions). */
  skipPayloadTypes?: Iterable<number>;
}

/** How the caller's channel was told apart from the manager's. */
export type CallerRule = 'address' | 'metadata' | 'first-sender';

export interface ConvertedRecording {
  durationSeconds: number;
  bytes: number;
  format: RecordingFormat;
  path: string;
  callerRule: CallerRule;
  /** Epoch ms of the recording's first sample; null for a call with no audio. */
  startedAt: number | null;
  /** Less audio than MIN_AUDIO_SECONDS: no file was written and no encoder started. */
  empty: boolean;
  /** Talk, silence and interruptions from the decoded channels; null for an empty recording. */
  analytics: ConversationAnalytics | null;
  /** The codecs each side sent (a codec not listed in rtp-codecs.ts is not named: its audio is silence). */
  codecs: Record<RecordingSide, AudioCodec[]>;
  /** CPU ms ffmpeg spent decoding codecs other than G.711 (0 for a G.711 call). */
  decoderCpuMs: number;
}

/** Below this much audio a call has nothing worth keeping (a few stray packets at the answer). */
export const MIN_AUDIO_SECONDS = 0.1;

/** Turns one rtpengine pcap into a stereo file: caller left, manager right, 8 kHz. */
export async function convertCallRecording(input: ConvertCallRecordingInput): Promise<ConvertedRecording> {
  let udp: UdpPacket[];
  try {
    udp = readPcapUdp(input.pcapPath);
  } catch (err) {
    throw new RecordingConversionError('PCAP_UNREADABLE', `cannot read ${input.pcapPath}: ${(err as Error).message}`, { cause: err });
  }
  const metadataPath = input.metadataPath ?? defaultMetadataPath(input.pcapPath);
  const metadata = metadataPath && existsSync(metadataPath) ? readFileSync(metadataPath, 'utf8') : null;
  const { isCaller, rule } = decideCallerSide(udp, { callerAddress: input.callerAddress, metadata });
  const { packets, rtpmapOf } = toSidePackets(udp, isCaller, metadata);
  const { mixed, codecs, decoderCpuMs } = await decodeOtherCodecs(packets, rtpmapOf, input.ffmpegPath);
  const mix = mixStereo(mixed, { skipPayloadTypes: input.skipPayloadTypes });
  const common = { format: input.format, path: input.outPath, callerRule: rule, startedAt: mix.startedAt, codecs, decoderCpuMs };
  if (mix.durationSeconds < MIN_AUDIO_SECONDS) {
    return { ...common, durationSeconds: mix.durationSeconds, bytes: 0, empty: true, analytics: null };
  }
  // Measured on the decoded PCM before encoding: the lossy file would blur quiet stretches.
  const analytics = analyseConversation(mix.samples);
  const bytes = await encodeStereo(mix, input);
  return { ...common, durationSeconds: mix.durationSeconds, bytes, empty: false, analytics };
}

/**
 * Packets in codecs other than G.711 (a phone that kept Opus or G.722 while rtpengine
 * transcoded its leg) decoded by ffmpeg, one process per side and codec; G.711 calls
 * start no process. A stream ffmpeg cannot decode (corrupt, or a codec it lacks) stays
 * silent rather than failing the recording; a missing ffmpeg is an error (install it).
 */
async function decodeOtherCodecs(packets: SidePacket[], rtpmapOf: RtpmapLookup, ffmpegPath?: string): Promise<{ mixed: SidePacket[]; codecs: Record<RecordingSide, AudioCodec[]>; decoderCpuMs: number }> {
  const plan = planDecoding(packets, rtpmapOf);
  const mixed = plan.direct;
  let decoderCpuMs = 0;
  for (const job of plan.jobs) {
    let decoded: DecodedPackets;
    try {
      decoded = await decodePackets(job.codec, job.packets.map((p) => p.payload), ffmpegPath);
    } catch (err) {
      if (err instanceof RecordingConversionError && err.code === 'RECORDING.FFMPEG_FAILED') continue;
      throw err;
    }
    decoderCpuMs += decoded.cpuMs;
    // The plan's packets are its own copies: filled in place rather than copied once more.
    job.packets.forEach((p, i) => {
      p.pcm = decoded.pcm[i]!;
      mixed.push(p);
    });
  }
  return { mixed, codecs: plan.codecs, decoderCpuMs };
}

/** rtpengine writes `<dir>/pcaps/<name>.pcap` and `<dir>/metadata/rtpengine-meta-<name>.txt`. */
function defaultMetadataPath(pcapPath: string): string | null {
  if (basename(dirname(pcapPath)) !== 'pcaps') return null;
  return join(dirname(dirname(pcapPath)), 'metadata', `rtpengine-meta-${basename(pcapPath).replace(/\.pcap$/, '')}.txt`);
}

/**
 * Decides which packets are the caller's, in this order:
 * 1. `callerAddress`: packets whose source is that "ip" or "ip:port";
 * 2. the metadata: the first SDP rtpengine sent names the port one party sends to
 *    (an answer goes to the caller, an offer to the manager); packets to that port
 *    decide. Keyed on rtpengine's own port, so it survives the party's address
 *    changing mid-call;
 * 3. otherwise a guess: the source of the first RTP packet is the caller.
 * Everything that is not the caller's is the manager's (a transfer brings a new
 * manager address, still the right channel).
 */
export function decideCallerSide(
  packets: readonly UdpPacket[],
  hints: { callerAddress?: string | undefined; metadata?: string | null },
): { isCaller: (p: UdpPacket) => boolean; rule: CallerRule } {
  if (hints.callerAddress) {
    const address = hints.callerAddress;
    const isCaller = address.includes(':') ? (p: UdpPacket) => p.src === address : (p: UdpPacket) => p.src.startsWith(`${address}:`);
    return { isCaller, rule: 'address' };
  }
  const media = hints.metadata ? callerMediaFromMetadata(parseRtpengineMetadata(hints.metadata)) : null;
  if (media) {
    if ('callerSendsTo' in media) {
      const to = media.callerSendsTo;
      if (packets.some((p) => p.dst === to)) return { isCaller: (p) => p.dst === to, rule: 'metadata' };
    } else {
      const to = media.managerSendsTo;
      if (packets.some((p) => p.dst === to)) return { isCaller: (p) => p.dst !== to, rule: 'metadata' };
    }
  }
  const first = packets.find((p) => isRtp(p.payload))?.src;
  return { isCaller: (p) => p.src === first, rule: 'first-sender' };
}

/**
 * The RTP packets with their side; and, from the metadata's SDPs, the payload-type map
 * each sender was given (an SDP's receiver sends to the address it names).
 */
function toSidePackets(udp: readonly UdpPacket[], isCaller: (p: UdpPacket) => boolean, metadata: string | null): { packets: SidePacket[]; rtpmapOf: RtpmapLookup } {
  const rtpmapByDst = new Map<string, ReadonlyMap<number, AudioCodec | null>>();
  for (const sdp of metadata ? parseRtpengineMetadata(metadata).sdps : []) {
    if (sdp.audioAddress && sdp.rtpmap.size > 0) rtpmapByDst.set(sdp.audioAddress, sdp.rtpmap);
  }
  const dstOf = new WeakMap<SidePacket, string>();
  const result: SidePacket[] = [];
  for (const u of udp) {
    if (!isRtp(u.payload)) continue; // RTCP, STUN, strays
    let rtp;
    try {
      rtp = parseRtpPacket(u.payload);
    } catch {
      continue; // one malformed packet must not lose the whole call
    }
    const side: RecordingSide = isCaller(u) ? 'caller' : 'manager';
    const packet: SidePacket = { side, at: u.at, payloadType: rtp.payloadType, sequence: rtp.sequence, timestamp: rtp.timestamp, ssrc: rtp.ssrc, payload: rtp.payload };
    // Only the packets whose codec a map may name (the G.711 numbers are static): keeps the G.711 path as it was.
    if (rtpmapByDst.size > 0 && rtp.payloadType !== 0 && rtp.payloadType !== 8) dstOf.set(packet, u.dst);
    result.push(packet);
  }
  return { packets: result, rtpmapOf: (p) => rtpmapByDst.get(dstOf.get(p) ?? '') };
}

async function encodeStereo(mix: StereoMix, input: ConvertCallRecordingInput): Promise<number> {
  const pcm = Buffer.from(mix.samples.buffer, mix.samples.byteOffset, mix.samples.byteLength);
  if (input.format === 'wav') {
    await writeFile(input.outPath, [wavHeader(pcm.length, SAMPLE_RATE, 2), pcm]);
    return 44 + pcm.length;
  }
  if (!Object.hasOwn(ENCODERS, input.format)) throw new RecordingConversionError('FORMAT_UNSUPPORTED', `unknown recording format ${String(input.format)}`);
  await encodeFile(input.format, pcm, input.outPath, input.encoderPath);
  return statSync(input.outPath).size;
}
