import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NetstringDecoder, encodeNetstring } from '../../src/adapters/kamailio/netstring.js';

export interface BaresipPhone {
  dir: string;
  /** Audio the phone received, as sndfile wrote it (WAV files in dir). */
  output(): string;
  /**
   * Runs a command of baresip's menu over its ctrl_tcp channel ("dial", "hangup"); only
   * with a ctrlPort. Resolves with the response's data, rejects when it was not ok.
   */
  command(command: string, params?: string): Promise<string>;
  stop(): Promise<void>;
}

export interface BaresipOptions {
  extension: string;
  password: string;
  port: number;
  /** host:port of the PBX's listener for the transport. */
  proxy: string;
  domain: string;
  /** SIP transport to the PBX (default udp). */
  transport?: 'udp' | 'tcp' | 'tls';
  /** The CA file that signed the PBX's TLS certificate (a self-signed certificate is its own). */
  caFile?: string;
  /** Media encryption (baresip's mediaenc): srtp-mand offers and requires RTP/SAVP with SDES keys. */
  mediaenc?: 'srtp' | 'srtp-mand';
  /** TCP port on 127.0.0.1 for baresip's ctrl_tcp (JSON commands in netstrings). */
  ctrlPort?: number;
  /** The only codec module loaded (default g711). */
  codec?: BaresipCodec;
  /** What the phone sends: a WAV at the codec's rate (default a 1 kHz tone at 8 kHz). */
  audioFile?: string;
  /** baresip's RTP port range. */
  rtpPorts?: [number, number];
}

/** The only codec module a phone loads: so its SDP offers that codec alone (and telephone-event). */
export type BaresipCodec = 'g711' | 'opus' | 'g722';

/**
 * baresip as a real manager phone: registers with digest auth through the PBX,
 * auto-answers, plays a 1 kHz tone (or `audioFile`, a WAV at the codec's rate) and
 * dumps what it receives (sndfile).
 */
export function startBaresip(opts: BaresipOptions): BaresipPhone {
  const dir = mkdtempSync(join(tmpdir(), `baresip-${opts.extension}-`));
  const transport = opts.transport ?? 'udp';
  let source = opts.audioFile;
  if (!source) {
    source = join(dir, 'tone.wav');
    execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', source, 'synth', '10', 'sine', '1000', 'vol', '0.5']);
  }
  writeFileSync(
    join(dir, 'config'),
    [
      `sip_listen 127.0.0.1:${opts.port}`,
      ...(opts.caFile ? [`sip_cafile ${opts.caFile}`] : []),
      'net_interface 127.0.0.1',
      `audio_source aufile,${source}`,
      'audio_player alsa,null',
      'audio_alert alsa,null',
      `snd_path ${dir}`,
      ...(opts.rtpPorts ? [`rtp_ports ${opts.rtpPorts[0]}-${opts.rtpPorts[1]}`] : []),
      'module_path /usr/lib/baresip/modules',
      `module ${opts.codec ?? 'g711'}.so`,
      'module aufile.so',
      'module alsa.so',
      'module sndfile.so',
      'module uuid.so',
      ...(opts.mediaenc ? ['module srtp.so'] : []),
      'module_app account.so',
      // menu carries out a REFER (click-to-call): it dials the Refer-To target.
      'module_app menu.so',
      ...(opts.ctrlPort ? ['module_app ctrl_tcp.so', `ctrl_tcp_listen 127.0.0.1:${opts.ctrlPort}`] : []),
      '',
    ].join('\n'),
  );
  const mediaenc = opts.mediaenc ? `;mediaenc=${opts.mediaenc}` : '';
  writeFileSync(
    join(dir, 'accounts'),
    `<sip:${opts.extension}@${opts.domain};transport=${transport}>;auth_pass=${opts.password};answermode=auto;regint=300${mediaenc};outbound="sip:${opts.proxy};transport=${transport}"\n`,
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
  let token = 0;
  async function command(name: string, params = ''): Promise<string> {
    if (!opts.ctrlPort) throw new Error('baresip was started without ctrlPort');
    const id = `t${++token}`;
    return new Promise<string>((resolve, reject) => {
      const socket = connect(opts.ctrlPort!, '127.0.0.1');
      const decoder = new NetstringDecoder();
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`baresip did not answer "${name} ${params}" within 5 s\n${log}`));
      }, 5000);
      socket.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      socket.on('connect', () => socket.write(encodeNetstring(JSON.stringify({ command: name, params, token: id }))));
      socket.on('data', (chunk: Buffer) => {
        for (const text of decoder.push(chunk)) {
          const msg = JSON.parse(text) as { response?: boolean; ok?: boolean; data?: string; token?: string };
          if (!msg.response || msg.token !== id) continue;
          clearTimeout(timer);
          socket.end();
          if (msg.ok) resolve(msg.data ?? '');
          else reject(new Error(`baresip refused "${name} ${params}": ${msg.data}`));
        }
      });
    });
  }
  return {
    dir,
    command,
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
