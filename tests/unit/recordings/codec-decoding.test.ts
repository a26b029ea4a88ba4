import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertCallRecording } from '../../../src/adapters/recordings/pcap-to-recording.js';
import { oggCrc } from '../../../src/core/recordings/ogg-opus.js';
import { opusPacketSamples } from '../../../src/core/recordings/opus-toc.js';
import { bestLag, readStereoWav, rms } from '../../helpers/audio-match.js';
import { oggPackets } from '../../helpers/ogg-reader.js';
import { rtpBytes, writePcap, type PcapDatagram } from '../../helpers/pcap-writer.js';

/**
 * The recording pipeline on phones that kept their own codec: real Opus, G.722 and GSM
 * packets (encoded by ffmpeg from a known signal) in an rtpengine-like pcap, converted,
 * and the manager's channel compared with the signal.
 */
const T0 = 1_700_000_000_000;
const SECONDS = 2;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'leadline-codec-decoding-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A rising chirp (300 Hz to 3 kHz) with a slow swell: matches itself at one lag only. */
function chirp(rate: number, seconds = SECONDS): Int16Array {
  const out = new Int16Array(rate * seconds);
  for (let n = 0; n < out.length; n++) {
    const t = n / rate;
    const phase = 2 * Math.PI * (300 * t + ((3000 - 300) / (2 * seconds)) * t * t);
    out[n] = Math.round(12000 * (0.6 + 0.4 * Math.sin(2 * Math.PI * 1.5 * t)) * Math.sin(phase));
  }
  return out;
}

function ffmpegEncode(pcm: Int16Array, rate: number, args: string[]): Buffer {
  return execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 's16le', '-ar', String(rate), '-ac', '1', '-i', 'pipe:0', ...args, 'pipe:1'], {
    input: Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength),
    maxBuffer: 16 * 1024 * 1024,
  });
}

/**
 * A call: the caller (10.0.0.1:4000) sends PCMA silence-ish noise every 20 ms, the
 * manager (127.0.0.1:5000) the given payloads with their timestamp steps.
 */
function callPcap(name: string, manager: { payloadType: number; payloads: Uint8Array[]; steps: number[] }, lost: Set<number> = new Set()): string {
  const datagrams: PcapDatagram[] = [];
  for (let i = 0; i < manager.payloads.length; i++) {
    datagrams.push({ at: T0 + i * 20, src: '10.0.0.1:4000', dst: '10.0.0.9:30000', payload: rtpBytes({ payloadType: 8, sequence: 10 + i, timestamp: 160 * i, ssrc: 1, payload: new Uint8Array(160).fill(0xd5) }) });
  }
  let ts = 123_456;
  manager.payloads.forEach((payload, i) => {
    if (!lost.has(i)) datagrams.push({ at: T0 + i * 20 + 0.4, src: '127.0.0.1:5000', dst: '10.0.0.9:30002', payload: rtpBytes({ payloadType: manager.payloadType, sequence: 65_500 + i, timestamp: ts, ssrc: 2, payload }) });
    ts += manager.steps[i]!;
  });
  const path = join(dir, `${name}.pcap`);
  writePcap(path, datagrams);
  return path;
}

async function convert(pcapPath: string) {
  const outPath = pcapPath.replace(/\.pcap$/, '.wav');
  const result = await convertCallRecording({ pcapPath, callerAddress: '10.0.0.1', outPath, format: 'wav' });
  const [left, right] = readStereoWav(outPath);
  return { result, left, right };
}

/** A raw bitstream cut into RTP payloads of `size` bytes (a trailing partial frame dropped). */
function frames(raw: Uint8Array, size: number): Uint8Array[] {
  return Array.from({ length: Math.floor(raw.length / size) }, (_, i) => raw.subarray(i * size, (i + 1) * size));
}

describe('recordings of phones on other codecs', () => {
  it('decodes Opus on a dynamic payload type with no SDP, each packet at its own time', async () => {
    const ogg = ffmpegEncode(chirp(48_000), 48_000, ['-c:a', 'libopus', '-b:a', '32k', '-application', 'voip', '-frame_duration', '20', '-f', 'ogg']);
    const { packets, pages } = oggPackets(ogg);
    // The writer's CRC is Ogg's: it reproduces the CRC of every page ffmpeg wrote.
    for (const page of pages) {
      const zeroed = Buffer.from(page);
      zeroed.writeUInt32LE(0, 22);
      expect(oggCrc(zeroed)).toBe(page.readUInt32LE(22));
    }
    const audio = packets.slice(2); // OpusHead, OpusTags
    expect(audio.length).toBeGreaterThanOrEqual(SECONDS * 50);
    const steps = audio.map((p) => opusPacketSamples(p)!);
    // Packets 50-54 (100 ms) lost on the way: silence in their place, the rest still aligned.
    const { result, right } = await convert(callPcap('opus', { payloadType: 111, payloads: audio, steps }, new Set([50, 51, 52, 53, 54])));
    expect(result.codecs).toEqual({ caller: ['PCMA'], manager: ['opus'] });
    expect(result.decoderCpuMs).toBeGreaterThan(0);
    const reference = chirp(8000);
    const whole = bestLag(right, reference, -200, 200);
    // Opus is lossy (0.98 measured here), and its encoder delay (pre-skip, about 6.5 ms) shows as a small lag.
    expect(whole.correlation).toBeGreaterThanOrEqual(0.9);
    expect(Math.abs(whole.lag)).toBeLessThan(120);
    // The gap is in the recording's own time (slots 50-54), whatever the codec's delay.
    const gap = right.subarray(50 * 160 + 40, 55 * 160 - 40);
    expect(rms(gap)).toBeLessThan(50);
    const after = bestLag(right.subarray(60 * 160), reference.subarray(60 * 160 - whole.lag), -20, 20);
    expect(after.lag).toBe(0);
    expect(after.correlation).toBeGreaterThanOrEqual(0.9);
    console.log(`opus: correlation ${whole.correlation.toFixed(3)} at lag ${whole.lag}, after the gap ${after.correlation.toFixed(3)}; ffmpeg decode ${result.decoderCpuMs.toFixed(1)} ms CPU`);
  });

  it('decodes G.722 (static payload type 9, 16 kHz audio on an 8 kHz RTP clock)', async () => {
    const raw = ffmpegEncode(chirp(16_000), 16_000, ['-c:a', 'g722', '-f', 'g722']);
    const payloads = frames(raw, 160);
    const { result, right } = await convert(callPcap('g722', { payloadType: 9, payloads, steps: payloads.map(() => 160) }));
    expect(result.codecs.manager).toEqual(['G722']);
    const match = bestLag(right, chirp(8000), -200, 200);
    expect(match.correlation).toBeGreaterThanOrEqual(0.98); // 1.000 measured: ADPCM at 64 kbit/s
    console.log(`g722: correlation ${match.correlation.toFixed(3)} at lag ${match.lag}`);
  });

  it('decodes GSM (static payload type 3, 33-byte frames)', async () => {
    const raw = ffmpegEncode(chirp(8000), 8000, ['-c:a', 'libgsm', '-f', 'gsm']);
    const payloads = frames(raw, 33);
    const { result, right } = await convert(callPcap('gsm', { payloadType: 3, payloads, steps: payloads.map(() => 160) }));
    expect(result.codecs.manager).toEqual(['GSM']);
    const match = bestLag(right, chirp(8000), -200, 200);
    expect(match.correlation).toBeGreaterThanOrEqual(0.85); // 0.97 measured
    console.log(`gsm: correlation ${match.correlation.toFixed(3)} at lag ${match.lag}`);
  });

  it('leaves an unknown codec on a dynamic payload type silent instead of guessing or failing', async () => {
    // Not Opus: code-3 packets claiming 48 frames (2.3 s each) fail the TOC check.
    const garbage = Array.from({ length: 50 }, () => Uint8Array.of(0x4b, 0x30, 1, 2, 3));
    const { result, left } = await convert(callPcap('garbage', { payloadType: 112, payloads: garbage, steps: garbage.map(() => 960) }));
    expect(result.codecs).toEqual({ caller: ['PCMA'], manager: [] });
    expect(left.length).toBeGreaterThan(0);
  });

  it('needs no ffmpeg for a G.711 call', async () => {
    const payloads = Array.from({ length: 50 }, () => new Uint8Array(160).fill(0x80));
    const pcapPath = callPcap('g711', { payloadType: 8, payloads, steps: payloads.map(() => 160) });
    const result = await convertCallRecording({ pcapPath, callerAddress: '10.0.0.1', outPath: join(dir, 'g711.wav'), format: 'wav', ffmpegPath: '/nonexistent/ffmpeg' });
    expect(result).toMatchObject({ empty: false, decoderCpuMs: 0, codecs: { caller: ['PCMA'], manager: ['PCMA'] } });
    expect(existsSync(join(dir, 'g711.wav'))).toBe(true);
  });
});
