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

/** Size now and a moment later: equal and non-zero means rtpengine has finished writing. */
export async function hasSettled(path: string, pauseMs: number): Promise<boolean> {
  const size = () => stat(path).then((s) => s.size, () => -1);
  const first = await size();
  if (first <= 0) return false;
  await new Promise((r) => setTimeout(r, pauseMs));
  return (await size()) === first;
}
