import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';

/**
 * Files the service creates (rendered Kamailio config with its nonce secret, spool,
 * recordings, logs) are readable by its own group at most: other users on the machine
 * must not read secrets or calls. 027 = no write for the group, nothing for others.
 */
export const PRIVATE_UMASK = 0o027;

/** Set once at start-up, before anything is written; returns the umask it replaced. */
export function keepNewFilesPrivate(): number {
  return process.umask(PRIVATE_UMASK);
}

/**
 * The run directory (rendered Kamailio config with the nonce and evapi secrets) and the
 * spool (call audio) are the service's own user's alone. chmod as well as mode: mkdir
 * and writeFile leave an existing path's mode alone.
 */
export function makePrivateDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  chmodSync(path, 0o700);
}

export function writePrivateFile(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600 });
  chmodSync(path, 0o600);
}
