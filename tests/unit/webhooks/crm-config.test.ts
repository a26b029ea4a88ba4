import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load-config.js';

const base = readFileSync('config/leadline.yaml', 'utf8');
const withCrm = (crm: string) => parseConfig(`${base}\ncrm:\n${crm}\n`, 'leadline.yaml');
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

describe('crm configuration', () => {
  it('is optional: no endpoint, and delivery defaults', () => {
    const config = parseConfig(base, 'leadline.yaml');
    expect(config.crm.webhooks).toEqual([]);
    expect(config.crm.delivery).toMatchObject({ queueName: 'webhooks', concurrency: 128, timeoutSeconds: 10, jitter: 'equal' });
  });

  it('fills each kind\'s defaults: every event for generic, the events its CRM takes for the others, the hours-long schedule', () => {
    const config = withCrm(`  webhooks:
    - { name: hooks, kind: generic, url: "https://hooks.example.com/x", secret: "${SECRET}" }
    - { name: b24, kind: bitrix24, url: "https://p.bitrix24.ru/rest/1/tok3n/", defaultUserId: 1 }
    - { name: amo, kind: kommo, url: "https://acme.kommo.com", secret: "kommo-long-lived-token-0123456789" }`);
    const [hooks, b24, amo] = config.crm.webhooks;
    expect(hooks).toMatchObject({ events: ['*'], retry: { schedule: [5, 30, 120, 600, 1800, 3600, 7200, 14400] } });
    expect(b24).toMatchObject({ events: ['call.started', 'call.ended', 'recording.ready'], defaultUserId: '1', createLeads: true, showCard: false });
    expect(amo).toMatchObject({ events: ['call.ended'], source: 'Leadline' });
  });

  it('takes a manager\'s CRM user id as text or number', () => {
    const text = base.replace('{ extension: "101", name: Anna, password: anna-secret-101 }', '{ extension: "101", name: Anna, password: anna-secret-101, crmUserId: 17 }');
    expect(parseConfig(text).managers[0]!.crmUserId).toBe('17');
  });

  it('refuses a generic secret that receivers could not use, and says how to make one', () => {
    expect(() => withCrm(`  webhooks:\n    - { name: h, kind: generic, url: "https://h.example.com", secret: "a-plain-passphrase-long-enough-to-pass" }`))
      .toThrow(/crm.webhooks.0.secret: a signing secret is whsec_ followed by base64 of 24 to 64 random bytes: generate one with/);
  });

  it('refuses unknown events, duplicate names, and a Bitrix24 URL without its REST token', () => {
    expect(() => withCrm(`  webhooks:\n    - { name: h, kind: generic, url: "https://h.example.com", secret: "${SECRET}", events: [call.endd] }`))
      .toThrow(/crm.webhooks.0.events.0: must be "\*", an event family/);
    expect(() => withCrm(`  webhooks:\n    - { name: h, kind: generic, url: "https://a.example.com", secret: "${SECRET}" }\n    - { name: h, kind: generic, url: "https://b.example.com", secret: "${SECRET}" }`))
      .toThrow(/crm.webhooks.1.name: another endpoint is named "h"/);
    expect(() => withCrm(`  webhooks:\n    - { name: b, kind: bitrix24, url: "https://p.bitrix24.ru/" }`)).toThrow(/inbound webhook's REST base/);
    expect(() => withCrm(`  webhooks:\n    - { name: k, kind: kommo, url: "https://acme.kommo.com/api/v4", secret: "kommo-long-lived-token-0123456789" }`)).toThrow(/account's address only/);
  });
});
