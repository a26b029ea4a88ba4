/**
 * Console sessions that ended before their cookie expired. A session cookie is a signed
 * JWT naming the login, the session's id (sid) and the login's generation (gen) when it
 * was signed. Signing out revokes the sid until the cookie would have expired; "sign out
 * everywhere" raises the login's generation, so every cookie signed before is refused.
 * Both are checked on each request, in one round trip.
 */
export interface SessionRevocations {
  /** The login's current generation: a new session is signed with it. */
  generation(login: string): Promise<number>;
  /** False when the session was signed out, or its login signed out everywhere since. */
  isAlive(session: { login: string; sid: string; gen: number }): Promise<boolean>;
  /** Signs one session out until `expiresAt` (epoch ms), when its cookie dies anyway. */
  revoke(sid: string, expiresAt: number): Promise<void>;
  /** Signs every session of the login out; returns the new generation. */
  revokeAll(login: string): Promise<number>;
}
