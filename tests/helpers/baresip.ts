import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BaresipPhone {
  dir: string;
  /** Audio the phone received, as sndfile wrote it (WAV files in dir). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * baresip as a real manager phone: registers with digest auth through the PBX,
 * auto-answers, plays a 1 kHz tone and dumps what it receives (sndfile).
 */
export function startBaresip(opts: { extension: string; password: string; port: number; proxy: string; domain: string }): BaresipPhone {
  const dir = mkdtempSync(join(tmpdir(), `baresip-${opts.extension}-`));
  const tone = join(dir, 'tone.wav');
  execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', tone, 'synth', '10', 'sine', '1000', 'vol', '0.5']);
  writeFileSync(
    join(dir, 'config'),
    [
      `sip_listen 127.0.0.1:${opts.port}`,
      'net_interface 127.0.0.1',
      `audio_source aufile,${tone}`,
      'audio_player alsa,null',
      'audio_alert alsa,null',
      `snd_path ${dir}`,
      'module_path /usr/lib/baresip/modules',
      'module g711.so',
      'module aufile.so',
      'module alsa.so',
      'module sndfile.so',
      'module uuid.so',
      'module_app account.so',
      // menu carries out a REFER (click-to-call): it dials the Refer-To target.
      'module_app menu.so',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'accounts'),
    `<sip:${opts.extension}@${opts.domain};transport=udp>;auth_pass=${opts.password};answermode=auto;regint=300;outbound="sip:${opts.proxy};transport=udp"\n`,
  );
  const child: ChildProcess = spawn('baresip', ['-f', dir], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const hardStop = setTimeout(() => kill('SIGKILL'), 120_000);
  function kill(signal: NodeJS.Signals) {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // gone
    }
  }
  return {
    dir,
    output: () => log,
    async stop() {
      clearTimeout(hardStop);
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      kill('SIGTERM');
      const force = setTimeout(() => kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(force);
    },
  };
}
