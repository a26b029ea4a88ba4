import { spawn } from 'node:child_process';
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
  /** Default "ffmpeg" on PATH. */
  ffmpegPath?: string;
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
  /** CPU ms ffmpeg spent (user + system), as it reports with -benchmark; 0 for WAV. */
  encoderCpuMs: number;
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
    return { ...common, durationSeconds: mix.durationSeconds, bytes: 0, encoderCpuMs: 0, empty: true, analytics: null };
  }
  // Measured on the decoded PCM before encoding: the lossy file would blur quiet stretches.
  const analytics = analyseConversation(mix.samples);
  const encoded = await encodeStereo(mix, input);
  return { ...common, durationSeconds: mix.durationSeconds, bytes: encoded.bytes, encoderCpuMs: encoded.cpuMs, empty: false, analytics };
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

/** ffmpeg output options per format; the input is always raw s16le stereo 8 kHz. */
export const ENCODER_ARGS: Record<Exclude<RecordingFormat, 'wav'>, readonly string[]> = {
  // Two unrelated voices: independent channels (no joint stereo), 32 kbit/s each. LAME's
  // quality 7 encodes 8 kHz speech about 1.4x faster than its default 3 with no audible
  // loss at this rate: 20 calls ending together must be stored within 2 s on 2 cores.
  mp3: ['-c:a', 'libmp3lame', '-b:a', '64k', '-joint_stereo', '0', '-compression_level', '7', '-f', 'mp3'],
  // SILK (voip) suits narrowband speech, but at the default complexity 10 it costs
  // ~12 ms CPU per second of stereo audio, 3x the 200 s/CPU-s budget; complexity 1
  // takes a third of that (bench/recording-conversion.ts).
  opus: ['-c:a', 'libopus', '-b:a', '24k', '-application', 'voip', '-compression_level', '1', '-f', 'opus'],
};

async function encodeStereo(mix: StereoMix, input: ConvertCallRecordingInput): Promise<{ bytes: number; cpuMs: number }> {
  const pcm = Buffer.from(mix.samples.buffer, mix.samples.byteOffset, mix.samples.byteLength);
  if (input.format === 'wav') {
    await writeFile(input.outPath, [wavHeader(pcm.length, SAMPLE_RATE, 2), pcm]);
    return { bytes: 44 + pcm.length, cpuMs: 0 };
  }
  const args = ENCODER_ARGS[input.format];
  if (!args) throw new RecordingConversionError('FORMAT_UNSUPPORTED', `unknown recording format ${String(input.format)}`);
  const cpuMs = await runFfmpeg(input.ffmpegPath ?? 'ffmpeg', ['-f', 's16le', '-ar', String(SAMPLE_RATE), '-ac', '2', '-i', 'pipe:0', ...args, input.outPath], pcm);
  return { bytes: statSync(input.outPath).size, cpuMs };
}

/** Runs ffmpeg (no shell) with `stdin` piped in; resolves with the CPU ms it reports (-benchmark prints at log level info). */
function runFfmpeg(binary: string, args: string[], stdin: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['-hide_banner', '-nostats', '-loglevel', 'info', '-benchmark', '-y', ...args], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'ENOENT'
          ? new RecordingConversionError('FFMPEG_MISSING', `ffmpeg not found (${binary}); install it (Debian: apt-get install ffmpeg) to encode MP3/Opus recordings, or ask for WAV`, { cause: err })
          : new RecordingConversionError('FFMPEG_FAILED', `cannot start ${binary}: ${err.message}`, { cause: err }),
      );
    });
    // ffmpeg failing early closes its stdin: the EPIPE is reported by the exit code instead.
    child.stdin.on('error', () => {});
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new RecordingConversionError('FFMPEG_FAILED', `ffmpeg exited with ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
        return;
      }
      const bench = /utime=([\d.]+)s stime=([\d.]+)s/.exec(stderr);
      resolve(bench ? (Number(bench[1]) + Number(bench[2])) * 1000 : 0);
    });
    child.stdin.end(stdin);
  });
}
