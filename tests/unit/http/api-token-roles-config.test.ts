import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../../src/config/load-config.js';

const rest = `managers:
  - { extension: "101", name: Anna, password: anna-secret }
  - { extension: "102", name: Boris, password: boris-secret }
trunks:
  - { name: t, address: 127.0.0.2, callerId: "+74951234567" }
companyNumbers: ["+74951234567"]
demo: true
`;

/** The api section with these token lines, then the rest: the first token is on line 3. */
const withTokens = (...tokens: string[]) => `api:\n  tokens:\n${tokens.map((t) => `    - ${t}\n`).join('')}${rest}`;

describe('api.tokens roles in the configuration', () => {
  it('defaults a token without a role to admin, so configurations written before roles keep their access', () => {
    const config = parseConfig(withTokens('{ name: crm, token: crm-token-0123456789 }'));
    expect(config.api.tokens).toEqual([{ name: 'crm', token: 'crm-token-0123456789', role: 'admin' }]);
  });

  it('reads supervisor and manager tokens, a manager token with the extension of its manager', () => {
    const config = parseConfig(
      withTokens(
        '{ name: floor, token: floor-token-0123456789, role: supervisor }',
        '{ name: anna, token: anna-token-0123456789, role: manager, extension: "101" }',
      ),
    );
    expect(config.api.tokens.map((t) => [t.role, t.extension])).toEqual([['supervisor', undefined], ['manager', '101']]);
  });

  it.each([
    ['an unknown role', '{ name: x, token: x-token-0123456789, role: owner }', /:3: api\.tokens\.0\.role: .*"admin"\|"supervisor"\|"manager"/],
    ['a manager token without an extension', '{ name: x, token: x-token-0123456789, role: manager }',
      /:3: api\.tokens\.0: a manager token needs the extension of its manager \(one of 101, 102\)/],
    ['an extension written as a number', '{ name: x, token: x-token-0123456789, role: manager, extension: 101 }',
      /:3: api\.tokens\.0\.extension: an extension is text: quote it, e\.g\. "101"/],
    ['a manager token for an extension no manager has', '{ name: x, token: x-token-0123456789, role: manager, extension: "109" }',
      /:3: api\.tokens\.0\.extension: 109 is not the extension of any manager \(managers: 101, 102\)/],
    ['an extension on a token that is not a manager token', '{ name: x, token: x-token-0123456789, role: supervisor, extension: "101" }',
      /:3: api\.tokens\.0\.extension: only a manager token has an extension: remove it or set role: manager/],
  ])('refuses %s with file:line and path', (_what, token, message) => {
    expect(() => parseConfig(withTokens(token), 'x.yaml')).toThrow(message);
  });

  it('refuses one secret listed twice, which would give it two names and maybe two roles', () => {
    const twice = withTokens('{ name: a, token: same-token-0123456789 }', '{ name: b, token: same-token-0123456789, role: supervisor }');
    expect(() => parseConfig(twice, 'x.yaml')).toThrow(/x\.yaml:4: api\.tokens\.1\.token: the same token as api\.tokens\.0/);
  });

  it('reports a short token and a cross-check problem together', () => {
    const bad = withTokens('{ name: a, token: short }', '{ name: b, token: b-token-0123456789, role: manager }');
    expect(() => parseConfig(bad, 'x.yaml')).toThrow(
      /x\.yaml:3: api\.tokens\.0\.token: an API token needs at least 16 characters.*\n\s*x\.yaml:4: api\.tokens\.1: a manager token needs/,
    );
  });

  it('the demo configuration gives its first token the admin role', () => {
    expect(loadConfig('config/leadline.yaml').api.tokens[0]!.role).toBe('admin');
  });
});
