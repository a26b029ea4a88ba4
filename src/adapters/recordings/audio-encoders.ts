import { spawn } from 'node:child_process';
import { RecordingConversionError } from './recording-conversion-error.js';

/** The lossy formats a recording is encoded to (WAV is written in-process). */
export type EncodedFormat = 'mp3' | 'opus';

/** One external encoder: raw s16le stereo 8 kHz on stdin, the file at `outPath`. */
export interface EncoderCommand {
  /** The program on PATH, and the Debian package that installs it (for the error). */
  binary: string;
  debianPackage: string;
  args(outPath: string): string[];
}

/**
 * MP3 by LAME's own command-line encoder, not ffmpeg's libmp3lame: the same encoder
 * library, but ffmpeg spends about 100 ms of CPU loading its libraries before each file,
 * as much as encoding a whole 60 s call (bench/recording-conversion.ts), and 20 calls
 * ending together must be stored within 2 s on 2 cores. Two unrelated voices:
 * independent channels (`-m s`, no joint stereo), 32 kbit/s each; quality 7 encodes
 * 8 kHz speech about 1.4x faster than the default 3 with no audible loss at this rate.
 * ReplayGain analysis (on by default) is off: nothing reads it, and it costs a fifth of the
 * encode. lame writes its header (encoder delay and padding) after the audio, so players trim
 * the padding and the file plays exactly the call's length.
 */
const MP3: EncoderCommand = {
  binary: 'lame',
  debianPackage: 'lame',
  args: (outPath) => ['--quiet', '-r', '-s', '8', '--bitwidth', '16', '--signed', '--little-endian', '-m', 's', '-b', '64', '-q', '7', '--noreplaygain', '-', outPath],
};

/**
 * Opus by ffmpeg's libopus. SILK (voip) suits narrowband speech, but at the default
 * complexity 10 it costs ~12 ms CPU per second of stereo audio, 3x the 200 s/CPU-s
 * budget; complexity 1 takes a third of that (bench/recording-conversion.ts).
 */
const OPUS: EncoderCommand = {
  binary: 'ffmpeg',
  debianPackage: 'ffmpeg',
  args: (outPath) => ['-hide_banner', '-nostats', '-loglevel', 'error', '-y', '-f', 's16le', '-ar', '8000', '-ac', '2', '-i', 'pipe:0', '-c:a', 'libopus', '-b:a', '24k', '-application', 'voip', '-compression_level', '1', '-f', 'opus', outPath],
};

export const ENCODERS: Record<EncodedFormat, EncoderCommand> = { mp3: MP3, opus: OPUS };

/**
 * Runs the format's encoder (no shell) with the PCM on stdin. `binary` replaces the
 * program's path (tests, an encoder outside PATH). A missing program is
 * RECORDING.ENCODER_MISSING; a failing one RECORDING.ENCODER_FAILED with its last words.
 */
export function encodeFile(format: EncodedFormat, pcm: Buffer, outPath: string, binary?: string): Promise<void> {
  const encoder = ENCODERS[format];
  const program = binary ?? encoder.binary;
  return new Promise((resolve, reject) => {
    const child = spawn(program, encoder.args(outPath), { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      // Only the end is reported; a chatty encoder must not grow this without bound.
      stderr = (stderr + chunk).slice(-4096);
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'ENOENT'
          ? new RecordingConversionError('ENCODER_MISSING', `${encoder.binary} not found (${program}); install it (Debian: apt-get install ${encoder.debianPackage}) to encode ${format.toUpperCase()} recordings, or ask for WAV`, { cause: err })
          : new RecordingConversionError('ENCODER_FAILED', `cannot start ${program}: ${err.message}`, { cause: err }),
      );
    });
    // An encoder failing early closes its stdin: the EPIPE is reported by the exit code instead.
    child.stdin.on('error', () => {});
    child.on('close', (code) => {
      if (code === 0) return resolve();
      reject(new RecordingConversionError('ENCODER_FAILED', `${encoder.binary} exited with ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
    });
    child.stdin.end(pcm);
  });
}
