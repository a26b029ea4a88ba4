import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkPhoneCredentials, derivePhoneCredentials, phonePassword } from '../../../src/core/auth/phone-credentials.js';

const SECRET = 'kamailio_rules';
const NOW = 1_800_000_000_000 - 600_000;

describe('browser phone credentials (auth_ephemeral scheme)', () => {
  it("derives the user name '<expiry>:<extension>' and base64(HMAC-SHA1(secret, user name))", () => {
    const c = derivePhoneCredentials(SECRET, '101', NOW, 600);
    expect(c).toEqual({ username: '1800000000:101', password: 'SGl4VNEk6rPf9eplTLH0iDVUNKc=', extension: '101', expiresAt: 1_800_000_000_000 });
    // The same vector as `printf 1800000000:101 | openssl dgst -sha1 -hmac kamailio_rules -binary | base64`.
    expect(phonePassword(SECRET, '1800000000:101')).toBe('SGl4VNEk6rPf9eplTLH0iDVUNKc=');
  });

  it('rounds the expiry down to whole seconds and refuses a bad extension or lifetime', () => {
    expect(derivePhoneCredentials(SECRET, '101', NOW + 999, 60).username).toBe(`${Math.floor((NOW + 999) / 1000) + 60}:101`);
    for (const ext of ['', '1', 'abc', '101:102', '101@x', '123456789', ' 101']) expect(() => derivePhoneCredentials(SECRET, ext, NOW, 60)).toThrow(/not an extension/);
    for (const ttl of [0, -1, 1.5, Number.NaN]) expect(() => derivePhoneCredentials(SECRET, '101', NOW, ttl)).toThrow(/lifetime/);
  });

  it('accepts its own credentials until they expire, and then refuses them', () => {
    const c = derivePhoneCredentials(SECRET, '102', NOW, 120);
    expect(checkPhoneCredentials(SECRET, c.username, c.password, NOW)).toEqual({ ok: true, extension: '102' });
    expect(checkPhoneCredentials(SECRET, c.username, c.password, c.expiresAt - 1)).toEqual({ ok: true, extension: '102' });
    expect(checkPhoneCredentials(SECRET, c.username, c.password, c.expiresAt)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses forged, tampered, borrowed and malformed credentials', () => {
    const c = derivePhoneCredentials(SECRET, '101', NOW, 120);
    const forged = derivePhoneCredentials('another-secret', '101', NOW, 120);
    expect(checkPhoneCredentials(SECRET, forged.username, forged.password, NOW)).toEqual({ ok: false, reason: 'bad-password' });
    // A later expiry or another extension pasted onto a valid signature.
    expect(checkPhoneCredentials(SECRET, `${Number(c.username.split(':')[0]) + 3600}:101`, c.password, NOW)).toEqual({ ok: false, reason: 'bad-password' });
    expect(checkPhoneCredentials(SECRET, c.username.replace(':101', ':102'), c.password, NOW)).toEqual({ ok: false, reason: 'bad-password' });
    for (const u of ['101', ':101', '1800000000:', '1800000000:101:x', 'x:101', '1800000000;101', '']) {
      expect(checkPhoneCredentials(SECRET, u, c.password, NOW)).toEqual({ ok: false, reason: 'malformed' });
    }
    expect(checkPhoneCredentials(SECRET, c.username, '', NOW)).toEqual({ ok: false, reason: 'bad-password' });
  });

  it('any change to a valid password is refused', () => {
    const c = derivePhoneCredentials(SECRET, '101', NOW, 120);
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (password) => {
        fc.pre(password !== c.password);
        expect(checkPhoneCredentials(SECRET, c.username, password, NOW).ok).toBe(false);
      }),
    );
  });
});
