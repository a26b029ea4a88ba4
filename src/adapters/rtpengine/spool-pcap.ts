import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pcapNameMatcher } from '../../core/recordings/pcap-name.js';

/**
 * When a call's media ran, read from its pcap in the spool: rtpengine creates the
 * file at the answer (recording starts there) and writes it until the call is
 * deleted. The best witness of a call that ended while the service was away.
 */
export async function mediaTimesOf(spoolDir: string, callId: string): Promise<{ firstAt: number; lastAt: number } | null> {
  const dir = join(spoolDir, 'pcaps');
  const name = (await readdir(dir).catch(() => [] as string[])).find(pcapNameMatcher(callId));
  if (!name) return null;
  const s = await stat(join(dir, name)).catch(() => null);
  if (!s) return null;
  const firstAt = s.birthtimeMs > 0 ? s.birthtimeMs : s.ctimeMs;
  return { firstAt: Math.min(firstAt, s.mtimeMs), lastAt: s.mtimeMs };
}
