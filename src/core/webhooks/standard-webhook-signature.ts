import { createHmac } from 'node:crypto';

/**
 * Signatures per the Standard Webhooks spec (standardwebhooks.com): the header
 * `webhook-signature` is `v1,` + base64(HMAC-SHA256(key, `${id}.${timestamp}.${body}`)),
 * with the timestamp in integer Unix seconds and the key the base64-decoded secret.
 */

const PREFIX = 'whsec_';
/** The spec asks for keys of 24 to 64 bytes: shorter ones can be guessed, longer ones add nothing to SHA-256. */
export const MIN_KEY_BYTES = 24;
export const MAX_KEY_BYTES = 64;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * The HMAC key of a secret written as `whsec_<base64>` or as bare base64 (as the
 * standardwebhooks libraries accept it), or null when it is neither or its length is
 * outside 24..64 bytes. A secret that is not base64 is refused rather than used as
 * text: the receiver's library would decode it and the signatures would never match.
 */
export function signingKey(secret: string): Buffer | null {
  const encoded = secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret;
  if (encoded.length % 4 !== 0 || !BASE64.test(encoded)) return null;
  const key = Buffer.from(encoded, 'base64');
  return key.length >= MIN_KEY_BYTES && key.length <= MAX_KEY_BYTES ? key : null;
}

export function signWebhook(id: string, timestampSeconds: number, body: string, key: Buffer): string {
  const mac = createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}

/** The three headers of one attempt; the id stays the same across retries, the timestamp is the attempt's. */
export function standardWebhookHeaders(id: string, timestampSeconds: number, body: string, key: Buffer): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': signWebhook(id, timestampSeconds, body, key),
  };
}
