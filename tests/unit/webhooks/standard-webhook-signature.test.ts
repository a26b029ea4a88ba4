import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { signingKey, signWebhook, standardWebhookHeaders } from '../../../src/core/webhooks/standard-webhook-signature.js';

/** The example the Standard Webhooks and Svix libraries test against. */
const SPEC = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

describe('Standard Webhooks signature', () => {
  it('reproduces the published example', () => {
    expect(signWebhook(SPEC.id, SPEC.timestamp, SPEC.body, signingKey(SPEC.secret)!)).toBe(SPEC.signature);
  });

  it('agrees with the independent standardwebhooks library, which verifies our headers', () => {
    for (let i = 0; i < 20; i += 1) {
      const secret = `whsec_${randomBytes(24 + i).toString('base64')}`;
      const body = JSON.stringify({ type: 'call.ended', timestamp: new Date().toISOString(), data: { n: i, text: 'Привет, "мир"\n' } });
      const now = Math.floor(Date.now() / 1000);
      const headers = standardWebhookHeaders(`msg_${i}`, now, body, signingKey(secret)!);
      const verifier = new Webhook(secret);
      expect(verifier.verify(body, headers)).toEqual(JSON.parse(body));
      expect(headers['webhook-signature']).toBe(verifier.sign(`msg_${i}`, new Date(now * 1000), body));
    }
  });

  it('is refused by the library when the body or the id changed', () => {
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const now = Math.floor(Date.now() / 1000);
    const headers = standardWebhookHeaders('msg_1', now, '{"a":1}', signingKey(secret)!);
    const verifier = new Webhook(secret);
    expect(() => verifier.verify('{"a":2}', headers)).toThrow(/No matching signature/);
    expect(() => verifier.verify('{"a":1}', { ...headers, 'webhook-id': 'msg_2' })).toThrow(/No matching signature/);
  });

  it('reads secrets with or without the whsec_ prefix, and refuses short, long and non-base64 ones', () => {
    const key = randomBytes(32);
    expect(signingKey(`whsec_${key.toString('base64')}`)).toEqual(key);
    expect(signingKey(key.toString('base64'))).toEqual(key);
    expect(signingKey(`whsec_${randomBytes(16).toString('base64')}`)).toBeNull();
    expect(signingKey(`whsec_${randomBytes(65).toString('base64')}`)).toBeNull();
    expect(signingKey('my-plain-passphrase-that-is-long-enough')).toBeNull();
    expect(signingKey('whsec_not base64 at all!!')).toBeNull();
  });
});
