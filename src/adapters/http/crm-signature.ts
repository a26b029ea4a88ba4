import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../core/errors/app-error.js';

/**
 * The CRM's signature on POST /crm/leads:
 *   X-Leadline-Timestamp: <unix seconds>
 *   X-Leadline-Signature: sha256=<hex HMAC-SHA256(leads.secret, "<timestamp>.<raw body>")>
 * The timestamp is inside the signed text, so a captured request cannot be replayed
 * later with a fresh timestamp; within the tolerance a replay only repeats an idempotent upsert.
 */
export const SIGNATURE_HEADER = 'x-leadline-signature';
export const TIMESTAMP_HEADER = 'x-leadline-timestamp';

export interface SignatureCheck {
  secret: string;
  toleranceSeconds: number;
  /** Milliseconds since the epoch. */
  now: number;
}

/** The header value a CRM sends; used by the tests and shown in docs/leads.md. */
export function signCrmBody(secret: string, timestamp: number | string, body: string): string {
  return `sha256=${mac(secret, String(timestamp), body).toString('hex')}`;
}

/** Throws a 401 AppError that says what to fix, unless the request is signed with the secret and fresh. */
export function verifyCrmSignature(check: SignatureCheck, signature: string | undefined, timestamp: string | undefined, body: string): void {
  if (signature === undefined || timestamp === undefined) {
    throw new AppError('AUTH.SIGNATURE_MISSING', `This endpoint needs the headers ${TIMESTAMP_HEADER} (unix seconds) and ${SIGNATURE_HEADER} (sha256=<hex>).`, 401);
  }
  if (!/^\d{1,12}$/.test(timestamp)) {
    throw new AppError('AUTH.SIGNATURE_INVALID', `${TIMESTAMP_HEADER} must be the unix time in seconds, e.g. ${Math.floor(check.now / 1000)}.`, 401);
  }
  if (Math.abs(check.now / 1000 - Number(timestamp)) > check.toleranceSeconds) {
    throw new AppError(
      'AUTH.SIGNATURE_EXPIRED',
      `${TIMESTAMP_HEADER} is more than ${check.toleranceSeconds} s away from the server's time: sign each request when it is sent, and check the CRM's clock.`,
      401,
    );
  }
  const presented = /^sha256=([0-9a-f]{64})$/i.exec(signature.trim());
  // Both buffers are 32 bytes, so timingSafeEqual never throws and timing says nothing.
  if (!presented || !timingSafeEqual(Buffer.from(presented[1]!, 'hex'), mac(check.secret, timestamp, body))) {
    throw new AppError('AUTH.SIGNATURE_INVALID', `${SIGNATURE_HEADER} does not match the body: sign "<timestamp>.<raw body>" with HMAC-SHA256 and leads.secret.`, 401);
  }
}

function mac(secret: string, timestamp: string, body: string): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest();
}
