import { readFileSync } from 'node:fs';

/**
 * A daemon a previous run of this install left behind (the service was killed
 * and Kamailio/rtpengine were re-parented to init, still holding their ports).
 * Found by its pidfile in the run directory, and trusted only if the process
 * behind that pid is still the same daemon of the same install: its command line
 * names the binary and a path only this install uses (its config file, its pidfile).
 * A pid reused by an unrelated process is never touched.
 */
export interface LeftDaemon {
  pid: number;
  /** The daemon's full command line, argument by argument. */
  argv: string[];
}

export function findLeftDaemon(pidfile: string, binary: string, installPath: string): LeftDaemon | null {
  const pid = readPid(pidfile);
  if (pid === null) return null;
  const argv = commandLineOf(pid);
  if (argv === null) return null;
  const namesBinary = argv[0] !== undefined && (argv[0] === binary || argv[0].endsWith(`/${basename(binary)}`) || argv[0] === basename(binary));
  const namesInstall = argv.some((arg) => arg === installPath || arg.endsWith(`=${installPath}`));
  return namesBinary && namesInstall ? { pid, argv } : null;
}

/** The same daemon started with the same arguments as we would start it now. */
export function sameArguments(left: LeftDaemon, args: readonly string[]): boolean {
  const theirs = left.argv.slice(1);
  return theirs.length === args.length && theirs.every((arg, i) => arg === args[i]);
}

function readPid(pidfile: string): number | null {
  try {
    const pid = Number(readFileSync(pidfile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 1 ? pid : null;
  } catch {
    return null;
  }
}

function commandLineOf(pid: number): string[] | null {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    const argv = raw.split('\0');
    if (argv.at(-1) === '') argv.pop();
    return argv.length > 0 ? argv : null;
  } catch {
    return null; // gone (or not ours to read)
  }
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
