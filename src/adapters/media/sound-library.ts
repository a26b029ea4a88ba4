import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from 'pino';
import { defaultPromptTexts } from '../../core/media/default-prompts.js';
import { LANGUAGES } from '../../core/scenarios/scenario-schema.js';
import { defaultSound } from '../../core/scenarios/scenario-sounds.js';

const run = promisify(execFile);

/**
 * The sound files of sounds/ (WAV or MP3, any rate), each converted once into the
 * run directory as what rtpengine plays everywhere it was checked: 8 kHz mono A-law
 * WAV (docs/announcements.md). Conversion runs at start-up and when a dial plan
 * names a new or changed file, never on a call's path; a file that cannot be
 * converted is reported like a missing one.
 */
export class SoundLibrary {
  private readonly converting = new Map<string, Promise<string | null>>();

  constructor(
    readonly sourceDir: string,
    readonly preparedDir: string,
    private readonly log: Logger,
  ) {}

  /** The generated default prompts (espeak-ng, sox), made when missing. */
  async ensureDefaults(): Promise<void> {
    for (const language of LANGUAGES) {
      for (const [name, text] of Object.entries({ ...defaultPromptTexts(language), 'beep.wav': '' })) {
        const out = join(this.sourceDir, defaultSound(language, name));
        if (existsSync(out)) continue;
        mkdirSync(dirname(out), { recursive: true });
        // Unique: two services (or test runs) may generate the same prompt at once.
        const tmp = `${out}.${randomBytes(4).toString('hex')}.tmp.wav`;
        if (name === 'beep.wav') await run('sox', ['-n', '-r', '8000', '-c', '1', '-e', 'a-law', tmp, 'synth', '0.5', 'sine', '1000', 'vol', '0.5']);
        else {
          const spoken = `${tmp}.espeak.wav`;
          await run('espeak-ng', ['-v', language, '-s', '150', '-w', spoken, text]);
          await run('sox', [spoken, '-r', '8000', '-c', '1', '-e', 'a-law', tmp]);
          await run('rm', ['-f', spoken]);
        }
        renameSync(tmp, out);
      }
    }
    this.log.info({ dir: join(this.sourceDir, 'default') }, 'default prompts in place');
  }

  /** The absolute path of the prepared file rtpengine plays. */
  pathOf(name: string): string {
    return resolve(this.preparedDir, `${name}.alaw.wav`);
  }

  /**
   * Converts the file when its prepared copy is missing or older; resolves with a
   * reason when it cannot be used (missing, unreadable, not audio), else null.
   */
  prepare(name: string): Promise<string | null> {
    const running = this.converting.get(name);
    if (running) return running;
    const job = this.convert(name).finally(() => this.converting.delete(name));
    this.converting.set(name, job);
    return job;
  }

  private async convert(name: string): Promise<string | null> {
    const source = join(this.sourceDir, name);
    const source_ = statSync(source, { throwIfNoEntry: false });
    if (!source_?.isFile()) return `no file ${name} in ${this.sourceDir}`;
    const out = this.pathOf(name);
    const prepared = statSync(out, { throwIfNoEntry: false });
    if (prepared && prepared.mtimeMs >= source_.mtimeMs) return null;
    mkdirSync(dirname(out), { recursive: true });
    const tmp = `${out}.${randomBytes(4).toString('hex')}.tmp.wav`;
    try {
      await run('ffmpeg', ['-nostdin', '-y', '-loglevel', 'error', '-i', source, '-vn', '-ar', '8000', '-ac', '1', '-c:a', 'pcm_alaw', '-f', 'wav', tmp], { timeout: 60_000 });
      // A file ffmpeg reads as empty (a broken header, no audio) would play nothing.
      if ((statSync(tmp, { throwIfNoEntry: false })?.size ?? 0) <= 44 + 800) throw new Error('it holds less than 0.1 s of audio');
      renameSync(tmp, out);
      this.log.info({ file: name }, 'sound prepared for rtpengine');
      return null;
    } catch (err) {
      await run('rm', ['-f', tmp]);
      const detail = String((err as { stderr?: string }).stderr || (err as Error).message).trim().split('\n').pop();
      return `${name} is not a playable WAV or MP3 file (${detail})`;
    }
  }
}
