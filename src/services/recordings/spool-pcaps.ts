import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** rtpengine's pcaps live in <spoolDir>/pcaps, its finished calls' metadata in <spoolDir>/metadata. */
export function pcapDir(spoolDir: string): string {
  return join(spoolDir, 'pcaps');
}

/**
 * rtpengine names a pcap `<URL-encoded Call-ID>-<hex>.pcap`. The Call-ID of a file name,
 * or null for a file that is not one of its pcaps. The random part is hex, so "abc" never
 * takes the pcap of a call "abc-1".
 */
export function callIdOfPcap(name: string): string | null {
  const m = /^(.+)-[0-9a-fA-F]+\.pcap$/.exec(name);
  if (!m) return null;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return m[1]!;
  }
}

/** rtpengine moves a call's metadata file here once it has deleted the call (it wrote the last packet). */
export function finishedMetadataPath(spoolDir: string, pcapName: string): string {
  return join(spoolDir, 'metadata', `rtpengine-meta-${pcapName.replace(/\.pcap$/, '')}.txt`);
}

/** The pcap of this call in the spool, or null. */
export async function findCallPcap(spoolDir: string, callId: string): Promise<string | null> {
  const names = await readdir(pcapDir(spoolDir)).catch(() => [] as string[]);
  const name = names.find((n) => callIdOfPcap(n) === callId);
  return name ? join(pcapDir(spoolDir), name) : null;
}

/**
 * rtpengine has finished writing the pcap: it is not empty and nothing was written to it
 * for `quietMs`. Its modification time usually says so at once (a call that ended a
 * moment ago was last written then); only a file written less than `quietMs` ago is
 * watched for the rest of that time. Watching every file for the whole pause cost each
 * recording 100 ms of a conversion slot, a second for the tenth of 20 calls ending together.
 */
export async function hasSettled(path: string, quietMs: number, now: () => number = Date.now): Promise<boolean> {
  const look = () => stat(path).then((s) => ({ size: s.size, mtimeMs: s.mtimeMs }), () => null);
  const first = await look();
  if (first === null || first.size <= 0) return false;
  const age = now() - first.mtimeMs;
  if (age >= quietMs) return true;
  // A clock that went back makes the age negative: never wait longer than the pause itself.
  await new Promise((r) => setTimeout(r, age < 0 ? quietMs : quietMs - age));
  const second = await look();
  return second !== null && second.size === first.size && second.mtimeMs === first.mtimeMs;
}
