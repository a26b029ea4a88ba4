import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signCrmBody, verifyCrmSignature } from '../../../src/adapters/http/crm-signature.js';

const secret = 'crm-secret-0123456789abcdef0123456789';
const now = 1_772_614_800_000; // 2026-03-04T09:00:00Z
const ts = String(now / 1000);
const body = '{"id":"L1","phone":"+74951234567"}';
const check = { secret, toleranceSeconds: 300, now };

describe('CRM request signature', () => {
  it('is HMAC-SHA256 of "<timestamp>.<body>" in hex, as docs/leads.md tells the CRM', () => {
    const expected = createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex');
    expect(signCrmBody(secret, ts, body)).toBe(`sha256=${expected}`);
  });

  it('accepts a fresh, correctly signed body (hex in either case)', () => {
    expect(() => verifyCrmSignature(check, signCrmBody(secret, ts, body), ts, body)).not.toThrow();
    expect(() => verifyCrmSignature(check, signCrmBody(secret, ts, body).toUpperCase().replace('SHA256', 'sha256'), ts, body)).not.toThrow();
  });

  it.each([
    ['no headers', undefined, undefined, body, 'AUTH.SIGNATURE_MISSING'],
    ['a changed body', signCrmBody(secret, ts, body), ts, body.replace('L1', 'L2'), 'AUTH.SIGNATURE_INVALID'],
    ['another secret', signCrmBody('x'.repeat(32), ts, body), ts, body, 'AUTH.SIGNATURE_INVALID'],
    ['a timestamp swapped after signing', signCrmBody(secret, ts, body), String(Number(ts) + 1), body, 'AUTH.SIGNATURE_INVALID'],
    ['a stale timestamp', signCrmBody(secret, Number(ts) - 301, body), String(Number(ts) - 301), body, 'AUTH.SIGNATURE_EXPIRED'],
    ['a timestamp from the future', signCrmBody(secret, Number(ts) + 301, body), String(Number(ts) + 301), body, 'AUTH.SIGNATURE_EXPIRED'],
    ['a timestamp in milliseconds', signCrmBody(secret, now, body), String(now), body, 'AUTH.SIGNATURE_INVALID'],
    ['a timestamp that is no number', signCrmBody(secret, ts, body), '2026-03-04', body, 'AUTH.SIGNATURE_INVALID'],
    ['a truncated signature', signCrmBody(secret, ts, body).slice(0, 40), ts, body, 'AUTH.SIGNATURE_INVALID'],
  ])('refuses %s with 401', (_what, signature, timestamp, sent, code) => {
    expect(() => verifyCrmSignature(check, signature, timestamp, sent)).toThrow(expect.objectContaining({ code, status: 401 }));
  });
});
