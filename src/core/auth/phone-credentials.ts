import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Short-lived SIP credentials for the browser phone, in the scheme Kamailio's
 * auth_ephemeral module checks (draft-uberti-rtcweb-turn-rest, username_format 1):
 * the user name is "<expiry as UNIX seconds>:<extension>" and the password is
 * base64(HMAC-SHA1(secret, user name)). Kamailio recomputes the password from the
 * shared secret and refuses a user name whose expiry has passed, so the browser holds
 * something that works for one extension for a few minutes, never the SIP password.
 * HMAC-SHA1 is what the module uses by default; its strength here rests on the HMAC,
 * not on SHA-1's collision resistance.
 */
export interface PhoneCredentials {
  /** "<expiry>:<extension>": the digest user name. */
  username: string;
  password: string;
  extension: string;
  /** Epoch milliseconds after which Kamailio refuses them. */
  expiresAt: number;
}

const EXTENSION = /^[0-9]{2,8}$/;

export function derivePhoneCredentials(secret: string, extension: string, nowMs: number, ttlSeconds: number): PhoneCredentials {
  if (!EXTENSION.test(extension)) throw new Error(`not an extension: ${JSON.stringify(extension)}`);
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) throw new Error(`credential lifetime must be a positive number of seconds, not ${ttlSeconds}`);
  const expiry = Math.floor(nowMs / 1000) + ttlSeconds;
  const username = `${expiry}:${extension}`;
  return { username, password: phonePassword(secret, username), extension, expiresAt: expiry * 1000 };
}

export function phonePassword(secret: string, username: string): string {
  return createHmac('sha1', secret).update(username).digest('base64');
}

export type PhoneCredentialCheck = { ok: true; extension: string } | { ok: false; reason: 'malformed' | 'expired' | 'bad-password' };

/**
 * What Kamailio does with a presented pair, for the service's own checks and tests:
 * the same format, the same expiry rule (the expiry must be in the future), the same HMAC.
 */
export function checkPhoneCredentials(secret: string, username: string, password: string, nowMs: number): PhoneCredentialCheck {
  const match = /^([0-9]{1,12}):([0-9]{2,8})$/.exec(username);
  if (!match) return { ok: false, reason: 'malformed' };
  if (Number(match[1]) * 1000 <= nowMs) return { ok: false, reason: 'expired' };
  const expected = Buffer.from(phonePassword(secret, username));
  const given = Buffer.from(password);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'bad-password' };
  return { ok: true, extension: match[2]! };
}
