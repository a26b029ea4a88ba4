import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Daemon } from '../../../src/launcher/daemon.js';
import { findLeftDaemon, sameArguments } from '../../../src/launcher/left-daemon.js';

/**
 * A process left by a previous run is found through its pidfile and trusted only
 * when /proc says it is still that daemon of this install. `sleep` stands in for
 * the daemon: its command line carries the "config path" as its argument.
 */
const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function leftBehind(args: string[]): { pid: number; pidfile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'left-daemon-'));
  dirs.push(dir);
  const child = spawn('/bin/sleep', args, { detached: true, stdio: 'ignore' });
  children.push(child);
  const pidfile = join(dir, 'daemon.pid');
  writeFileSync(pidfile, `${child.pid}\n`);
  return { pid: child.pid!, pidfile };
}

describe('a daemon left by a previous run', () => {
  it('is found when the pid runs that binary with this install path', () => {
    const { pid, pidfile } = leftBehind(['300']);
    const left = findLeftDaemon(pidfile, '/bin/sleep', '300');
    expect(left?.pid).toBe(pid);
    expect(sameArguments(left!, ['300'])).toBe(true);
    expect(sameArguments(left!, ['301'])).toBe(false);
  });

  it('is not trusted when the pid now runs something else, or another install', () => {
    const { pidfile } = leftBehind(['300']);
    expect(findLeftDaemon(pidfile, '/usr/sbin/kamailio', '300')).toBeNull();
    expect(findLeftDaemon(pidfile, '/bin/sleep', '/etc/other/kamailio.cfg')).toBeNull();
  });

  it('is not found when its pidfile names a process that is gone, or is missing or garbage', async () => {
    const { pid, pidfile } = leftBehind(['300']);
    process.kill(pid, 'SIGKILL');
    await new Promise((r) => children[0]!.once('exit', r));
    expect(findLeftDaemon(pidfile, '/bin/sleep', '300')).toBeNull();
    writeFileSync(pidfile, 'not a pid');
    expect(findLeftDaemon(pidfile, '/bin/sleep', '300')).toBeNull();
    expect(findLeftDaemon(join(tmpdir(), 'no-such-dir', 'x.pid'), '/bin/sleep', '300')).toBeNull();
  });

  it('is adopted and then stopped with its whole process group', async () => {
    const { pid } = leftBehind(['300']);
    const daemon = new Daemon({ name: 'sleep', command: '/bin/sleep', args: ['300'], cwd: tmpdir() }, pino({ level: 'silent' }));
    daemon.adopt(pid);
    expect(daemon.running).toBe(true);
    await daemon.stop(1000);
    expect(daemon.running).toBe(false);
  });

  it('is started again by its supervisor when it dies, and not after a stop', async () => {
    const daemon = new Daemon({ name: 'sleep', command: '/bin/sleep', args: ['300'], cwd: tmpdir() }, pino({ level: 'silent' }));
    await daemon.start();
    daemon.supervise(20);
    const first = daemon.pid!;
    process.kill(-first, 'SIGKILL');
    const deadline = Date.now() + 5000;
    while ((daemon.pid === first || !daemon.running) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(daemon.running).toBe(true);
    expect(daemon.pid).not.toBe(first);
    await daemon.stop(1000);
    await new Promise((r) => setTimeout(r, 100));
    expect(daemon.running).toBe(false);
  });
});
