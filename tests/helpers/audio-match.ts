import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** The two channels of a 16-bit stereo 8 kHz WAV as the recording pipeline writes it (44-byte header). */
export function readStereoWav(path: string): [Int16Array, Int16Array] {
  return stereoWavChannels(readFileSync(path));
}

export function stereoWavChannels(f: Buffer): [Int16Array, Int16Array] {
  const header = [f.toString('ascii', 0, 4), f.readUInt16LE(22), f.readUInt32LE(24)];
  if (header[0] !== 'RIFF' || header[1] !== 2 || header[2] !== 8000) throw new Error(`not a stereo 8 kHz WAV: ${JSON.stringify(header)}`);
  const frames = (f.length - 44) / 4;
  const left = new Int16Array(frames);
  const right = new Int16Array(frames);
  for (let i = 0; i < frames; i++) {
    left[i] = f.readInt16LE(44 + i * 4);
    right[i] = f.readInt16LE(46 + i * 4);
  }
  return [left, right];
}

/** The lag (in `signal` samples) at which `signal[n + lag]` best matches `ref[n]`, with its normalized correlation. */
export function bestLag(signal: Int16Array, ref: Int16Array, minLag: number, maxLag: number): { lag: number; correlation: number } {
  let best = { lag: 0, correlation: -1 };
  for (let lag = minLag; lag <= maxLag; lag++) {
    let dot = 0;
    let ss = 0;
    let rr = 0;
    const from = Math.max(0, -lag);
    const to = Math.min(ref.length, signal.length - lag);
    for (let n = from; n < to; n++) {
      const s = signal[n + lag]!;
      const r = ref[n]!;
      dot += s * r;
      ss += s * s;
      rr += r * r;
    }
    const correlation = ss > 0 && rr > 0 ? dot / Math.sqrt(ss * rr) : 0;
    if (correlation > best.correlation) best = { lag, correlation };
  }
  return best;
}

/** Root mean square of a stretch of samples, on the 16-bit scale. */
export function rms(samples: Int16Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  return samples.length ? Math.sqrt(sum / samples.length) : 0;
}

/** Any audio file as mono 16-bit samples at `rate` (sox resamples with its band-limiting filter). */
export function soxSamples(path: string, rate: number): Int16Array {
  const raw = execFileSync('sox', [path, '-t', 'raw', '-r', String(rate), '-c', '1', '-b', '16', '-e', 'signed-integer', '-L', '-'], { maxBuffer: 64 * 1024 * 1024 });
  const out = new Int16Array(raw.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = raw.readInt16LE(i * 2);
  return out;
}
