import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load-config.js';
import { renderKamailioConfig } from '../../../src/adapters/kamailio/render-config.js';
import { registrationContactUser, registrationsDbFiles } from '../../../src/adapters/kamailio/trunk-registrations.js';
import { trunkTarget } from '../../../src/services/trunk-route.js';

const head = `api:
  tokens:
    - { name: crm, token: crm-token-0123456789 }
managers:
  - { extension: "101", name: Anna, password: anna-secret }
demo: true
trunks:
`;

/** The trunks section's entries start on line 8. */
const withTrunks = (...lines: string[]) => `${head}${lines.map((l) => `${l}\n`).join('')}`;

const registering = [
  '  - name: provider',
  '    callerId: "+74951234567"',
  '    register:',
  '      username: acct-1',
  '      password: "pa:ss\\\\word"',
  '      domain: sip.provider.example:5070',
  '      outboundProxy: 203.0.113.9',
];

describe('registering trunks in the configuration', () => {
  it('reads a registering trunk with its defaults, next to an address-trusted one', () => {
    const config = parseConfig(withTrunks('  - { name: old, address: 127.0.0.2, callerId: "+74950000000" }', ...registering));
    expect(config.trunks[0]).toMatchObject({ name: 'old', address: '127.0.0.2' });
    expect(config.trunks[1]!.register).toEqual({
      username: 'acct-1', password: 'pa:ss\\word', domain: 'sip.provider.example:5070', outboundProxy: '203.0.113.9', realm: '', expires: 600,
    });
  });

  it.each([
    ['missing credentials', ['  - name: p', '    callerId: "+74951234567"', '    register: { domain: sip.provider.example }'],
      /x\.yaml:10: trunks\.0\.register\.username: a registering trunk needs the username the provider gave[\s\S]*x\.yaml:10: trunks\.0\.register\.password: a registering trunk needs the password/],
    ['a trunk with neither address nor registration', ['  - { name: p, callerId: "+74951234567" }'],
      /x\.yaml:8: trunks\.0\.address: a trunk needs either `address`.*or `register:`/],
    ['a domain that is no host', ['  - name: p', '    callerId: "+74951234567"', '    register: { username: u, password: p, domain: "sip:x@y" }'],
      /x\.yaml:10: trunks\.0\.register\.domain: must be a host name or IPv4 address/],
  ])('refuses %s at start-up with file:line', (_what, lines, message) => {
    expect(() => parseConfig(withTrunks(...lines), 'x.yaml')).toThrow(message);
  });
});

describe('registering trunks toward Kamailio', () => {
  const config = parseConfig(withTrunks('  - { name: old, address: 127.0.0.2, callerId: "+74950000000" }', ...registering));
  const provider = config.trunks[1]!;
  const contactUser = registrationContactUser(config, provider);

  it('writes the account into the uac_reg table, escaping db_text\'s separator', () => {
    const row = registrationsDbFiles(config).uacreg.split('\n')[1]!;
    expect(row).toBe(`1:${contactUser}:${contactUser}:${config.sip.domain}:acct-1:sip.provider.example\\:5070::acct-1:pa\\:ss\\\\word::sip\\:203.0.113.9:600:0:0::`);
    expect(registrationsDbFiles(config).version).toContain('uacreg:5');
  });

  it('keeps the password out of the Kamailio config, which names the trunk by its Contact user and domain', () => {
    const cfg = renderKamailioConfig(config);
    expect(cfg).not.toContain('pa:ss');
    expect(cfg).toContain(`$sht(reg_trunks=>${contactUser}::name) = "provider";`);
    expect(cfg).toContain(`$sht(reg_trunk_domains=>sip.provider.example) = "${contactUser}";`);
    expect(cfg).toContain(`$sht(reg_trunk_names=>provider) = "${contactUser}";`);
    expect(cfg).toContain(`$var(reg) = "${contactUser}"; route(TRUNK_STATUS_ONE);`);
    expect(cfg).toContain('$sht(trunks=>127.0.0.2) = "old";');
  });

  it('derives a Contact user per trunk that an outsider cannot guess from the name', () => {
    const other = parseConfig(withTrunks(...registering).replace('crm-token-0123456789', 'another-token-0123456789'));
    expect(contactUser).toMatch(/^trunk[0-9a-f]{20}$/);
    expect(registrationContactUser(other, other.trunks[0]!)).not.toBe(contactUser);
  });

  it('sends outbound calls to the provider\'s domain through its proxy, From the account, caller ID in P-Asserted-Identity', () => {
    const only = parseConfig(withTrunks(...registering));
    expect(trunkTarget(only, only.trunks[0]!, '79161234567', '+74951234567')).toEqual({
      uri: 'sip:79161234567@sip.provider.example:5070',
      nextHop: 'sip:203.0.113.9;trunk=provider',
      trunk: 'provider',
      ringTimeoutMs: 60_000,
      fromUri: 'sip:acct-1@sip.provider.example',
      extraHeaders: 'P-Asserted-Identity: <sip:+74951234567@sip.provider.example>\r\n',
    });
  });
});
