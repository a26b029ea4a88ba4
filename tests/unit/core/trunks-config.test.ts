import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load-config.js';

const config = (extra: string) => `api:
  tokens:
    - { name: crm, token: crm-token-0123456789 }
demo: true
managers:
  - { extension: "101", name: Anna, password: anna-secret, line: "+74951111111" }
trunks:
  - { name: msk, address: 127.0.0.2, callerId: "+74950000000" }
  - { name: spb, address: 127.0.0.3, callerId: "+78120000000" }
${extra}`;

const numbers = `numbers:
  - { number: "+74951111111", trunk: msk }
  - { number: "+78123333333", trunk: spb, callerId: "+78123333300" }
`;

describe('company numbers and outbound rules in the configuration', () => {
  it('reads numbers, rules and failover codes with their defaults', () => {
    const c = parseConfig(config(`${numbers}outbound:\n  rules:\n    - { prefix: "+7812", trunks: [spb, msk] }\n`));
    expect(c.numbers[1]).toEqual({ number: '+78123333333', trunk: 'spb', callerId: '+78123333300' });
    expect(c.outbound).toEqual({ rules: [{ prefix: '+7812', trunks: ['spb', 'msk'] }], failoverOn: [408, '5xx'] });
    expect(c.managers[0]!.line).toBe('+74951111111');
  });

  it.each([
    ['a number on an unknown trunk', `${numbers}  - { number: "+74993333333", trunk: mks }\n`,
      /x\.yaml:13: numbers\.2\.trunk: unknown trunk "mks" for number \+74993333333 \(trunks: msk, spb\)/],
    ['a rule naming an unknown trunk', `${numbers}outbound:\n  rules:\n    - { prefix: "+7", trunks: [msk, moscow] }\n`,
      /x\.yaml:15: outbound\.rules\.0\.trunks\.1: unknown trunk "moscow" \(trunks: msk, spb\)/],
    ['a number listed twice', `${numbers}  - { number: "74951111111", trunk: spb }\n`,
      /numbers\.2\.number: 74951111111 is listed twice \(also numbers\.0\)/],
    ['a manager line that is no company number', 'numbers:\n  - { number: "+78123333333", trunk: spb }\n',
      /x\.yaml:6: managers\.0\.line: \+74951111111 is not one of the company numbers \(numbers: \+78123333333\)/],
    ['a number without its trunk', 'numbers:\n  - { number: "+74951111111" }\n',
      /numbers\.0\.trunk: a company number names the trunk that carries it/],
    ['a prefix that is no number', `${numbers}outbound:\n  rules:\n    - { prefix: "+7-812", trunks: [spb] }\n`,
      /outbound\.rules\.0\.prefix: a prefix is digits/],
    ['an unknown failover class', `${numbers}outbound:\n  failoverOn: [408, "3xx"]\n`, /outbound\.failoverOn\.1/],
  ])('refuses %s at start-up, naming it', (_what, extra, message) => {
    expect(() => parseConfig(config(extra), 'x.yaml')).toThrow(message);
  });

  it('refuses two trunks of one name, and two address-trusted trunks on one address', () => {
    const twice = config(numbers).replace('name: spb, address: 127.0.0.3', 'name: msk, address: 127.0.0.2');
    expect(() => parseConfig(twice, 'x.yaml')).toThrow(/x\.yaml:9: trunks\.1\.name: a second trunk named "msk"[\s\S]*trunks\.1\.address: 127\.0\.0\.2 is also trunks\.0's address/);
  });
});
