import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load-config.js';

const base = `api: { tokens: [{ name: crm, token: crm-token-0123456789 }] }
demo: true
managers:
  - { extension: "101", name: Anna, password: anna-secret }
trunks:
  - { name: t, address: 127.0.0.2, callerId: "+74951234567" }
`;

describe('phone and leads in the configuration', () => {
  it('defaults to region RU, a 15-minute SLA checked every 30 s, no reassignment and no CRM signing', () => {
    const config = parseConfig(base);
    expect(config.phone).toEqual({ defaultRegion: 'RU' });
    expect(config.leads).toEqual({ signatureToleranceSeconds: 300, slaMinutes: 15, slaMinutesByScenario: {}, checkIntervalSeconds: 30, reassignOnBreach: false });
  });

  it('reads every leads setting', () => {
    const config = parseConfig(`${base}phone: { defaultRegion: KZ }
leads:
  secret: ${'s'.repeat(32)}
  signatureToleranceSeconds: 60
  slaMinutes: 5
  slaMinutesByScenario: { hot-leads: 2 }
  checkIntervalSeconds: 10
  reassignOnBreach: true
`);
    expect(config.phone.defaultRegion).toBe('KZ');
    expect(config.leads).toMatchObject({ secret: 's'.repeat(32), slaMinutes: 5, slaMinutesByScenario: { 'hot-leads': 2 }, reassignOnBreach: true });
  });

  it.each([
    ['a region in lower case', 'phone: { defaultRegion: ru }', /:7: phone\.defaultRegion: must be a two-letter region code in capitals that libphonenumber knows/],
    ['an unknown region', 'phone: { defaultRegion: XX }', /phone\.defaultRegion: must be a two-letter region code/],
    ['a short CRM secret', 'leads: { secret: short }', /:7: leads\.secret: leads\.secret needs at least 32 characters/],
    ['an SLA of 0 minutes', 'leads: { slaMinutes: 0 }', /leads\.slaMinutes/],
  ])('refuses %s with file:line and path', (_what, line, message) => {
    expect(() => parseConfig(`${base}${line}\n`, 'x.yaml')).toThrow(message);
  });
});
