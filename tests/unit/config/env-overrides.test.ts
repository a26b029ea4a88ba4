import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load-config.js';

const strong = () => randomBytes(32).toString('base64');

/** A production-like file with strong secrets; `extra` adds sections. */
function file(extra = '', manager = 'extension: "101", '): string {
  return `api:
  tokens: [{ name: crm, token: "${strong()}" }]
managers:
  - { ${manager}name: Anna, password: "${randomBytes(12).toString('base64')}" }
trunks:
  - { name: t, address: 198.51.100.20, callerId: "+74951234567" }
http: { host: 0.0.0.0 }
${extra}
`;
}

const s3 = `recordings:
  storage: { driver: s3, endPoint: s3.example.com, accessKey: leadline, secretKey: "${strong()}", bucket: rec }
`;

describe('settings from the environment, matched and typed by the schema', () => {
  it('names a key with capitals inside it (useSSL) as USE_SSL, and types it as the schema does', () => {
    const config = parseConfig(file(s3), 'x.yaml', { LEADLINE_RECORDINGS__STORAGE__USE_SSL: 'true', LEADLINE_RECORDINGS__STORAGE__PORT: '9443' });
    const storage = config.recordings.storage;
    expect(storage.driver).toBe('s3');
    if (storage.driver === 's3') {
      expect(storage.useSSL).toBe(true);
      expect(storage.port).toBe(9443);
    }
  });

  it('keeps all-digit text as text where the schema wants text, even when the file has no value there', () => {
    const config = parseConfig(file('', ''), 'x.yaml', { LEADLINE_MANAGERS__0__EXTENSION: '102', LEADLINE_SIP__DOMAIN: '1234' });
    expect(config.managers[0]!.extension).toBe('102');
    expect(config.sip.domain).toBe('1234');
  });

  it('reads numbers and booleans where a setting takes either (http.trustProxy: false, a count, or addresses)', () => {
    expect(parseConfig(file(), 'x.yaml', { LEADLINE_HTTP__TRUST_PROXY: '1' }).http.trustProxy).toBe(1);
    expect(parseConfig(file(), 'x.yaml', { LEADLINE_HTTP__TRUST_PROXY: 'false' }).http.trustProxy).toBe(false);
  });

  it("sets a map entry whose key has a dash, when the file has that key (MAIN_LINE is main-line)", () => {
    const leads = `leads:\n  secret: "${strong()}"\n  slaMinutesByScenario: { main-line: 15, night: 60 }\n`;
    const config = parseConfig(file(leads), 'x.yaml', { LEADLINE_LEADS__SLA_MINUTES_BY_SCENARIO__MAIN_LINE: '30' });
    expect(config.leads.slaMinutesByScenario).toEqual({ 'main-line': 30, night: 60 });
  });

  it('refuses a value of the wrong type by the variable, and a misspelt key as naming no setting', () => {
    expect(() => parseConfig(file(), 'x.yaml', { LEADLINE_HTTP__PORT: 'eighty' })).toThrow(/LEADLINE_HTTP__PORT \(environment\): http\.port: /);
    expect(() => parseConfig(file(s3), 'x.yaml', { LEADLINE_RECORDINGS__STORAGE__USE_SLL: 'true' })).toThrow(/LEADLINE_RECORDINGS__STORAGE__USE_SLL names no setting/);
  });

  it('takes postgres.password from a secret into the URL, encoded', () => {
    const config = parseConfig(file('postgres: { url: "postgres://leadline@db.internal:5432/leadline" }'), 'x.yaml', { LEADLINE_POSTGRES__PASSWORD: 'p@ss/w:rd 1' });
    expect(config.postgres.url).toBe('postgres://leadline:p%40ss%2Fw%3Ard%201@db.internal:5432/leadline');
    expect(new URL(config.postgres.url).password).toBe(encodeURIComponent('p@ss/w:rd 1'));
  });
});
