import { spawn } from 'node:child_process';
import { oggOpusStream } from '../../core/recordings/ogg-opus.js';
import { decoderBytes, samplesAt8k, type AudioCodec } from '../../core/recordings/rtp-codecs.js';
import { RecordingConversionError } from './recording-conversion-error.js';

/**
 * Decodes one sender's packets of one codec (Opus, G.722, GSM, G.729) to 8 kHz mono
 * with one ffmpeg process: the payloads in sequence order, in the container ffmpeg
 * reads them from (Ogg for Opus, the raw bitstream for the others). Each packet's
 * audio is then cut back out of the decoded stream by the count it holds, so the mix
 * places it at its own RTP timestamp as it does G.711 (gaps and reordering included).
 */

/** ffmpeg's input options per codec (stdin). */
const INPUT_ARGS: Record<Exclude<AudioCodec, 'PCMA' | 'PCMU'>, readonly string[]> = {
  opus: ['-f', 'ogg'],
  // The raw G.722 demuxer reads 16 kHz mono, two samples per byte.
  G722: ['-f', 'g722'],
  GSM: ['-f', 'gsm'],
  G729: ['-f', 'g729'],
};

export interface DecodedPackets {
  /** One entry per packet given: its 8 kHz samples (shorter than counted if the decoder stopped early). */
  pcm: Int16Array[];
  /** CPU ms ffmpeg spent (user + system), as -benchmark reports it. */
  cpuMs: number;
}

export async function decodePackets(codec: AudioCodec, payloads: readonly Uint8Array[], ffmpegPath = 'ffmpeg'): Promise<DecodedPackets> {
  if (codec === 'PCMA' || codec === 'PCMU') throw new RecordingConversionError('DECODE_UNNEEDED', 'G.711 is decoded in-process');
  const counts = payloads.map((p) => samplesAt8k(codec, p));
  let input: Uint8Array;
  if (codec === 'opus') {
    // Packets that are not valid Opus (0 samples) stay out of the stream: they would shift the rest.
    const valid = payloads.filter((_, i) => counts[i]! > 0);
    input = oggOpusStream(valid, valid.map((p) => samplesAt8k('opus', p) * 6));
  } else {
    input = Buffer.concat(payloads.map((p) => decoderBytes(codec, p)));
  }
  const args = [...INPUT_ARGS[codec], '-i', 'pipe:0', '-f', 's16le', '-ac', '1', '-ar', '8000', 'pipe:1'];
  const { stdout, cpuMs } = await runDecoder(ffmpegPath, args, input);
  // Copied into its own buffer: a view on Node's pooled Buffer memory need not be 2-byte aligned.
  const decoded = new Int16Array(stdout.length >> 1);
  new Uint8Array(decoded.buffer).set(stdout.subarray(0, decoded.length * 2));
  const pcm: Int16Array[] = [];
  let at = 0;
  for (const n of counts) {
    // Views, not copies: one allocation per packet would cost more than the cut itself.
    pcm.push(decoded.subarray(Math.min(at, decoded.length), Math.min(at + n, decoded.length)));
    at += n;
  }
  return { pcm, cpuMs };
}

function runDecoder(binary: string, args: string[], stdin: Uint8Array): Promise<{ stdout: Buffer; cpuMs: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['-hide_banner', '-nostats', '-loglevel', 'info', '-benchmark', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'ENOENT'
          ? new RecordingConversionError('FFMPEG_MISSING', `ffmpeg not found (${binary}); install it (Debian: apt-get install ffmpeg) to decode recordings of phones on Opus, G.722, GSM or G.729`, { cause: err })
          : new RecordingConversionError('FFMPEG_FAILED', `cannot start ${binary}: ${err.message}`, { cause: err }),
      );
    });
    child.stdin.on('error', () => {});
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new RecordingConversionError('FFMPEG_FAILED', `ffmpeg decoding exited with ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
        return;
      }
      const stdout = Buffer.concat(out);
      const bench = /utime=([\d.]+)s stime=([\d.]+)s/.exec(stderr);
      resolve({ stdout, cpuMs: bench ? (Number(bench[1]) + Number(bench[2])) * 1000 : 0 });
    });
    child.stdin.end(stdin);
  });
}
