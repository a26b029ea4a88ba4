import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * sipvicious (Debian `sipvicious`), the scanner real attackers run against SIP
 * servers: svwar looks for extensions, svcrack guesses a password. Each run binds
 * its own loopback address, so pike and the bans see one attacker per run.
 */
export interface SipviciousRun {
  output: string;
  code: number | null;
}

/**
 * sipvicious 0.3.3 accepts -b (binding address) but never passes it on: its socket binds
 * to any address and the kernel picks 127.0.0.1. This shim makes every bind use `from`.
 * Debian's own python3: the tools are installed for it.
 */
const BIND_SHIM = [
  'import importlib, socket, sys',
  "sys.path.insert(0, '/usr/share/sipvicious')",
  'bind = socket.socket.bind',
  'socket.socket.bind = lambda s, a: bind(s, (FROM, a[1]))',
  'sys.argv = [TOOL] + sys.argv[1:]',
  "importlib.import_module('sipvicious.' + TOOL).main()",
].join('\n');

function run(tool: string, from: string, args: string[], timeoutMs: number): Promise<SipviciousRun> {
  const shim = `FROM = ${JSON.stringify(from)}\nTOOL = ${JSON.stringify(tool)}\n${BIND_SHIM}`;
  return new Promise((resolve) => {
    execFile('/usr/bin/python3', ['-c', shim, ...args], { timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err && 'code' in err && typeof err.code === 'number' ? err.code : err ? null : 0;
      resolve({ output: `${stdout}\n${stderr}`, code });
    });
  });
}

const target = (from: string, pbxPort: number) => ['-b', from, '-x', from, '-p', String(pbxPort), '127.0.0.1'];

/** svwar over an extension range (e.g. "100-120"); returns its report. */
export function svwar(opts: { from: string; pbxPort: number; extensions: string; method?: 'REGISTER' | 'INVITE' | 'OPTIONS' }): Promise<SipviciousRun> {
  return run('svwar', opts.from, ['-e', opts.extensions, '-m', opts.method ?? 'REGISTER', '--force', ...target(opts.from, opts.pbxPort)], 60_000);
}

/** svcrack against one user with a list of passwords, tried in order; `pace` is its -t (seconds between tries). */
export function svcrack(opts: { from: string; pbxPort: number; user: string; passwords: string[]; pace: number }): Promise<SipviciousRun> {
  const dictionary = join(tmpdir(), `svcrack-${process.pid}-${opts.user}.txt`);
  writeFileSync(dictionary, `${opts.passwords.join('\n')}\n`);
  return run('svcrack', opts.from, ['-u', opts.user, '-d', dictionary, '-t', String(opts.pace), '--maximumtime', '3', ...target(opts.from, opts.pbxPort)], 120_000);
}
