// Start a Kamailio 5.6 in the foreground as a child process (bench and sipp tests).
// `kamailio -f CFG -Y RUNDIR -DD -E -m SHM -M PKG`: runtime_dir must be passed with -Y,
// logs go to stderr (kept, last 256 KiB). stop() sends SIGTERM to the process group
// and SIGKILL 3 s later.
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Replaces {{NAME}} placeholders; throws on a missing value or a leftover placeholder. */
export function renderTemplate(tpl: string, vars: Record<string, string | number>): string {
  const out = tpl.replace(/\{\{([A-Z0-9_]+)\}\}/g, (_m, k: string) => {
    const v = vars[k];
    if (v === undefined) throw new Error(`template placeholder {{${k}}} has no value`);
    return String(v);
  });
  return out;
}

export interface KamailioOptions {
  config: string; // rendered config text
  listenIp: string; // the UDP address in the config: used to know when it is up
  listenPort: number;
  shmMb?: number; // -m (1024 holds 2,000 calls/s; 256 ran out at 3,200)
  pkgMb?: number; // -M
  startTimeoutMs?: number;
}

export interface KamailioProcess {
  pid: number;
  command: string;
  log(): string;
  stop(): Promise<void>;
}

const udpPortBusy = (ip: string, port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => resolve(true));
    s.bind(port, ip, () => s.close(() => resolve(false)));
  });

export async function startKamailio(o: KamailioOptions): Promise<KamailioProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'kamailio-'));
  const cfg = join(dir, 'kamailio.cfg');
  writeFileSync(cfg, o.config);
  if (await udpPortBusy(o.listenIp, o.listenPort)) {
    throw new Error(`UDP ${o.listenIp}:${o.listenPort} is already in use: is another Kamailio running?`);
  }
  const args = ['-f', cfg, '-Y', dir, '-DD', '-E', '-m', String(o.shmMb ?? 256), '-M', String(o.pkgMb ?? 8)];
  const command = `kamailio ${args.join(' ')}`;
  const child = spawn('kamailio', args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  let exited: number | null | undefined;
  child.stderr.on('data', (d: Buffer) => {
    log += d.toString();
    if (log.length > 262144) log = log.slice(-262144);
  });
  const closed = new Promise<void>((resolve) => child.on('close', (code) => ((exited = code), resolve())));
  const killGroup = (sig: NodeJS.Signals): void => {
    try {
      if (child.pid) process.kill(-child.pid, sig);
    } catch {
      /* gone */
    }
  };
  const stop = async (): Promise<void> => {
    if (exited !== undefined) return;
    killGroup('SIGTERM');
    const t = setTimeout(() => killGroup('SIGKILL'), 3000);
    await closed;
    clearTimeout(t);
  };
  const until = Date.now() + (o.startTimeoutMs ?? 10000);
  for (;;) {
    if (exited !== undefined) throw new Error(`kamailio exited (${exited}) at startup:\n${log.slice(-4000)}`);
    if (await udpPortBusy(o.listenIp, o.listenPort)) break;
    if (Date.now() > until) {
      await stop();
      throw new Error(`kamailio did not bind ${o.listenIp}:${o.listenPort}:\n${log.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 300)); // let the workers fork
  return { pid: child.pid ?? -1, command, log: () => log, stop };
}
