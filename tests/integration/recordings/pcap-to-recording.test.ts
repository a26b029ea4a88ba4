import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertCallRecording } from '../../../src/adapters/recordings/pcap-to-recording.js';
import { PCMA_TO_LINEAR } from '../../../src/core/recordings/g711.js';
import { rtpBytes, syntheticCall, writePcap, type PcapDatagram } from '../../helpers/pcap-writer.js';

/** Synthetic rtpengine pcaps (tests/helpers/pcap-writer.ts) through the whole conversion, ffmpeg included. */
let dir: string;
let pcapPath: string;
const SECONDS = 5;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'leadline-recording-'));
  mkdirSync(join(dir, 'pcaps'));
  mkdirSync(join(dir, 'metadata'));
  pcapPath = join(dir, 'pcaps', 'call-1%40host-abc.pcap');
  writePcap(pcapPath, syntheticCall(SECONDS));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function readWav(path: string): { channels: number; rate: number; left: Int16Array; right: Int16Array } {
  const f = readFileSync(path);
  const data = new Int16Array(f.buffer.slice(f.byteOffset + 44, f.byteOffset + f.length));
  const left = new Int16Array(data.length / 2);
  const right = new Int16Array(data.length / 2);
  for (let i = 0; i < left.length; i++) {
    left[i] = data[i * 2]!;
    right[i] = data[i * 2 + 1]!;
  }
  return { channels: f.readUInt16LE(22), rate: f.readUInt32LE(24), left, right };
}

function probeDuration(path: string): number {
  return Number(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', path], { encoding: 'utf8' }).trim());
}

/** Seconds a player plays: decoded, with the encoder delay and padding the file's header declares trimmed. */
function decodedDuration(path: string): number {
  const pcm = execFileSync('ffmpeg', ['-v', 'error', '-i', path, '-f', 's16le', '-ac', '2', '-ar', '8000', '-'], { maxBuffer: 1 << 28 });
  return pcm.length / 4 / 8000;
}

/** Pearson correlation over the shorter of the two (both start at the call's first sample). */
function correlation(a: Int16Array, b: Int16Array): number {
  const n = Math.min(a.length, b.length);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return ab / Math.sqrt(aa * bb);
}

describe('convertCallRecording', () => {
  it('writes a stereo WAV: caller left, manager right, every sample where it belongs', async () => {
    const outPath = join(dir, 'out.wav');
    const result = await convertCallRecording({ pcapPath, callerAddress: '10.0.0.1', outPath, format: 'wav' });
    expect(result).toMatchObject({ format: 'wav', path: outPath, callerRule: 'address', startedAt: 1_700_000_000_000 });
    // caller from 0 to 5 s, the manager 0.3 ms behind: 2 frames more
    expect(result.durationSeconds).toBeCloseTo(SECONDS + 2 / 8000, 6);
    const wav = readWav(outPath);
    expect(result.bytes).toBe(44 + wav.left.length * 4);
    expect([wav.channels, wav.rate, wav.left.length]).toEqual([2, 8000, SECONDS * 8000 + 2]);
    for (let n = 0; n < SECONDS * 8000; n++) {
      if (wav.left[n] !== PCMA_TO_LINEAR[n & 0xff]) throw new Error(`caller sample ${n}: ${wav.left[n]}`);
      const expected = PCMA_TO_LINEAR[(Math.floor(n / 160) * 7 + (n % 160) * 3) & 0xff];
      if (wav.right[n + 2] !== expected) throw new Error(`manager sample ${n}: ${wav.right[n + 2]} != ${expected}`);
    }
    expect([wav.right[0], wav.right[1], wav.left[SECONDS * 8000]]).toEqual([0, 0, 0]);
  });

  it('finds the caller from rtpengine metadata, else guesses the first sender', async () => {
    const metadataPath = join(dir, 'metadata', 'rtpengine-meta-call-1%40host-abc.txt');
    const outPath = join(dir, 'meta.wav');
    // the answer SDP goes to the caller, who then sends to its port: here, the manager's port
    writeFileSync(metadataPath, 'SDP mode: answer\n\nv=0\nc=IN IP4 10.0.0.9\nm=audio 30002 RTP/AVP 8\n\n');
    expect(await convertCallRecording({ pcapPath, outPath, format: 'wav' })).toMatchObject({ callerRule: 'metadata' });
    expect(readWav(outPath).left[2]).toBe(PCMA_TO_LINEAR[0]); // the 127.0.0.1 stream is now on the left
    rmSync(metadataPath);
    expect(await convertCallRecording({ pcapPath, outPath, format: 'wav' })).toMatchObject({ callerRule: 'first-sender' });
    expect(readWav(outPath).left[5]).toBe(PCMA_TO_LINEAR[5]);
  });

  it.each(['mp3', 'opus'] as const)('encodes %s with its encoder (lame, ffmpeg) to the same length', async (format) => {
    const outPath = join(dir, `out.${format}`);
    const result = await convertCallRecording({ pcapPath, callerAddress: '10.0.0.1:4000', outPath, format });
    expect(result.bytes).toBeGreaterThan(1000);
    expect(Math.abs(decodedDuration(outPath) - SECONDS)).toBeLessThan(0.1);
    // ffprobe's container duration of an MP3 counts whole 576-sample frames, encoder delay and padding included (+0.18 s here)
    expect(Math.abs(probeDuration(outPath) - SECONDS)).toBeLessThan(format === 'mp3' ? 0.25 : 0.1);
    const stream = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=channels,codec_name', '-of', 'csv=p=0', outPath], { encoding: 'utf8' }).trim();
    // lame's header adds a side-data section (an empty last field): the codec and channels are the first two
    expect(stream.split(',').slice(0, 2).join(',')).toBe(format === 'mp3' ? 'mp3,2' : 'opus,2');
  });

  it('keeps each voice on its own channel through the MP3 encoder', async () => {
    const wavPath = join(dir, 'channels.wav');
    const mp3Path = join(dir, 'channels.mp3');
    await convertCallRecording({ pcapPath, callerAddress: '10.0.0.1', outPath: wavPath, format: 'wav' });
    await convertCallRecording({ pcapPath, callerAddress: '10.0.0.1', outPath: mp3Path, format: 'mp3' });
    const wav = readWav(wavPath);
    const pcm = execFileSync('ffmpeg', ['-v', 'error', '-i', mp3Path, '-f', 's16le', '-ac', '2', '-ar', '8000', '-'], { maxBuffer: 1 << 28 });
    const decoded = new Int16Array(pcm.buffer, pcm.byteOffset, pcm.length / 2);
    const channel = (c: number) => Int16Array.from({ length: decoded.length / 2 }, (_, i) => decoded[i * 2 + c]!);
    const [left, right] = [channel(0), channel(1)];
    // A lossy 32 kbit/s channel keeps the waveform, not every sample: its own voice correlates, the other does not.
    console.log(`mp3 channels: left~caller ${correlation(left, wav.left).toFixed(3)}, right~manager ${correlation(right, wav.right).toFixed(3)}, left~manager ${correlation(left, wav.right).toFixed(3)}`);
    expect(correlation(left, wav.left)).toBeGreaterThan(0.9);
    expect(correlation(right, wav.right)).toBeGreaterThan(0.9);
    expect(Math.abs(correlation(left, wav.right))).toBeLessThan(0.5);
  });

  it('measures the conversation of two known talk spans (client 0-3 s, manager 2-7 s) to 100 ms, from the pcap', async () => {
    const path = join(dir, 'pcaps', 'talk-spans%40host.pcap');
    writePcap(path, spannedCall(9, [0, 3], [2, 7]));
    const result = await convertCallRecording({ pcapPath: path, callerAddress: '10.0.0.1', outPath: join(dir, 'spans.mp3'), format: 'mp3' });
    const a = result.analytics!;
    expect(Math.abs(a.clientTalkSeconds - 3)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(a.managerTalkSeconds - 5)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(a.overlapSeconds - 1)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(a.firstManagerWordSeconds! - 2)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(a.longestManagerMonologueSeconds - 5)).toBeLessThanOrEqual(0.1);
    expect(a.interruptions).toEqual({ byManager: 1, byClient: 0 });
    expect(Math.abs(a.silenceShare * 9 - 2)).toBeLessThanOrEqual(0.1);
  });

  it.each([
    ['mp3', /lame not found .*apt-get install lame/],
    ['opus', /ffmpeg not found .*apt-get install ffmpeg/],
  ] as const)('says clearly when the %s encoder is missing', async (format, message) => {
    await expect(convertCallRecording({ pcapPath, outPath: join(dir, `x.${format}`), format, encoderPath: '/nonexistent/encoder' })).rejects.toMatchObject({
      code: 'RECORDING.ENCODER_MISSING',
      message: expect.stringMatching(message),
    });
  });

  it('reports an encoder that fails with its own words', async () => {
    // `false` starts, reads nothing and exits 1: the EPIPE on its stdin must not hide the exit code.
    await expect(convertCallRecording({ pcapPath, outPath: join(dir, 'x.mp3'), format: 'mp3', encoderPath: 'false' })).rejects.toMatchObject({
      code: 'RECORDING.ENCODER_FAILED',
      message: expect.stringMatching(/lame exited with 1/),
    });
  });

  it('reports an unreadable pcap with a typed error', async () => {
    const bad = join(dir, 'bad.pcap');
    writeFileSync(bad, 'not a pcap at all, not even close');
    await expect(convertCallRecording({ pcapPath: bad, outPath: join(dir, 'x.wav'), format: 'wav' })).rejects.toMatchObject({ code: 'RECORDING.PCAP_UNREADABLE' });
  });
});

/** The A-law byte whose decoded value is nearest `sample`. */
function toAlaw(sample: number): number {
  let best = 0;
  for (let b = 1; b < 256; b++) if (Math.abs(PCMA_TO_LINEAR[b]! - sample) < Math.abs(PCMA_TO_LINEAR[best]! - sample)) best = b;
  return best;
}

/** Two 20 ms PCMA streams: voice-like audio within each side's span [from, to) seconds, A-law silence elsewhere. */
function spannedCall(seconds: number, caller: [number, number], manager: [number, number]): PcapDatagram[] {
  const encode = new Map<number, number>();
  const byte = (v: number) => {
    const q = Math.round(v / 16) * 16;
    if (!encode.has(q)) encode.set(q, toAlaw(q));
    return encode.get(q)!;
  };
  const packets: PcapDatagram[] = [];
  for (let i = 0; i < seconds * 50; i++) {
    const at = 1_700_000_000_000 + i * 20;
    const sides = [[caller, 180, '10.0.0.1:4000', 0x1111], [manager, 120, '127.0.0.1:5000', 0x2222]] as const;
    for (const [[from, to], f0, src, ssrc] of sides) {
      const payload = new Uint8Array(160);
      for (let k = 0; k < 160; k++) {
        const t = (i * 160 + k) / 8000;
        const v = t >= from && t < to ? (0.6 + 0.4 * Math.sin(2 * Math.PI * 4 * t)) * 7000 * Math.sin(2 * Math.PI * f0 * t) : 0;
        payload[k] = byte(v);
      }
      packets.push({ at: at + (ssrc === 0x2222 ? 0.3 : 0), src, dst: '10.0.0.9:30000', payload: rtpBytes({ payloadType: 8, sequence: 1000 + i, timestamp: 5000 + i * 160, ssrc, payload }) });
    }
  }
  return packets;
}
