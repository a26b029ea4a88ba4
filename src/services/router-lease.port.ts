/**
 * The router lease: of the service instances connected to one Kamailio, only the
 * holder answers route requests and handles call events (evapi sends every event to
 * every instance). Shared by all instances (Redis); a lease not renewed expires, so a
 * dead holder is replaced without anyone having to notice the death.
 */
export interface RouterLeaseStore {
  /** Takes the lease, or renews it when `holder` has it: true when it is `holder`'s for `ttlMs` from now. */
  take(holder: string, ttlMs: number): Promise<boolean>;
  /** Gives it back if `holder` has it (an orderly stop), so a standby need not wait for it to expire. */
  release(holder: string): Promise<void>;
}

/**
 * Kamailio events the lease holder has handled, by a digest of the message as Kamailio
 * sent it (each instance receives the same bytes). A standby that takes over replays
 * what it heard meanwhile, minus these: what the dead holder finished is not done twice.
 */
export interface HandledEvents {
  mark(digest: string): Promise<void>;
  /** Of `digests`, the ones marked. */
  handled(digests: readonly string[]): Promise<Set<string>>;
}
