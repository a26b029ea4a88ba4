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
