import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load-config.js';

const strong = () => randomBytes(32).toString('base64');
const sipPassword = () => randomBytes(12).toString('base64');

/** A production-like file: every secret strong, so each test weakens one. Line 2 is the token, line 4 the SIP password. */
function file(o: { token?: string; sip?: string; extra?: string } = {}): string {
  return `api:
  tokens: [{ name: crm, token: "${o.token ?? strong()}" }]
managers:
  - { extension: "101", name: Anna, password: "${o.sip ?? sipPassword()}" }
trunks:
  - { name: t, address: 198.51.100.20, callerId: "+74951234567" }
http: { host: 0.0.0.0 }
${o.extra ?? ''}
`;
}

describe('secrets at start-up, outside the demo', () => {
  it('accepts random secrets (openssl rand -base64 32 / 12)', () => {
    expect(parseConfig(file({ extra: `console: { sessionSecret: "${strong()}" }\nleads: { secret: "${strong()}" }` })).demo).toBe(false);
  });

  it.each([
    ['a placeholder', 'change-me-to-a-long-random-token-please', /x\.yaml:2: api\.tokens\.0\.token: is a placeholder \("change-me"\): generate one with `openssl rand -base64 32` \(or set LEADLINE_API__TOKENS__0__TOKEN\)/],
    ['a token the demo published', 'demo-admin-token-change-me', /api\.tokens\.0\.token: is a placeholder/],
    ['a token under 32 characters', 'Xq3v9TmB7kPz2Lw8Rn5YcA', /api\.tokens\.0\.token: is 22 characters; at least 32 random characters are needed/],
    ['32 characters of words and repeats', 'correct-horse-battery-staple-xyz1', /api\.tokens\.0\.token: is too easy to guess/],
    ['32 characters of one letter', 'a'.repeat(40), /api\.tokens\.0\.token: is too easy to guess/],
  ])('refuses %s as an API token, naming the setting, its line and the command', (_what, token, message) => {
    expect(() => parseConfig(file({ token }), 'x.yaml')).toThrow(message);
  });

  it('refuses SIP passwords under 12 characters or easy to guess, and a published one', () => {
    expect(() => parseConfig(file({ sip: 'Xq3v9TmB7k' }), 'x.yaml')).toThrow(/x\.yaml:4: managers\.0\.password: is 10 characters; at least 12 random characters are needed: generate one with `openssl rand -base64 12`/);
    expect(() => parseConfig(file({ sip: 'password1234' }), 'x.yaml')).toThrow(/managers\.0\.password: is too easy to guess/);
    expect(() => parseConfig(file({ sip: 'anna-secret-101' }), 'x.yaml')).toThrow(/managers\.0\.password: is a value published in Leadline's repository/);
  });

  it('refuses the session secret, the signed-intake secret and any other value when weak, a placeholder or published', () => {
    const extra = [
      'console: { sessionSecret: "demo-session-secret-change-me-9348fb0539a2fa16" }',
      'leads: { secret: "abcdefghijklmnopqrstuvwxyz0123456789" }',
      'recordings: { storage: { driver: s3, endPoint: minio, accessKey: leadline, secretKey: leadline-minio-secret, bucket: rec } }',
    ].join('\n');
    const message = (() => {
      try {
        parseConfig(file({ extra }), 'x.yaml');
      } catch (err) {
        return (err as Error).message;
      }
      return '';
    })();
    expect(message).toMatch(/console\.sessionSecret: is a placeholder/);
    expect(message).toMatch(/leads\.secret: is too easy to guess/);
    expect(message).toMatch(/recordings\.storage\.secretKey: is a value published in Leadline's repository: put your own here \(or set LEADLINE_RECORDINGS__STORAGE__SECRET_KEY\)/);
  });

  it('lets the demo keep its published secrets on loopback only', () => {
    const demo = (host: string, listen: string) =>
      `demo: true\napi: { tokens: [{ name: a, token: demo-admin-token-change-me }] }\nmanagers: [{ extension: "101", name: A, password: anna-secret-101 }]\n` +
      `trunks: [{ name: t, address: 127.0.0.2, callerId: "+74951234567" }]\nhttp: { host: ${host} }\nsip: { listen: ${listen} }\n`;
    expect(parseConfig(demo('127.0.0.1', '127.0.0.1')).demo).toBe(true);
    expect(() => parseConfig(demo('0.0.0.0', '127.0.0.1'), 'x.yaml')).toThrow(
      /x\.yaml:1: demo: demo: true accepts published secrets, so it runs on loopback only, but http\.host is 0\.0\.0\.0/,
    );
    expect(() => parseConfig(demo('127.0.0.1', '203.0.113.10'))).toThrow(/but sip\.listen is 203\.0\.113\.10/);
  });
});

describe('settings from the environment', () => {
  it('take LEADLINE_<SECTION>__<KEY> and <NAME>_FILE over the file, typed as the file has them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'secrets-'));
    const session = strong();
    writeFileSync(join(dir, 'session'), `${session}\n`);
    const token = strong();
    const config = parseConfig(file({ token: '' }), 'x.yaml', {
      LEADLINE_API__TOKENS__0__TOKEN: token,
      LEADLINE_CONSOLE__SESSION_SECRET_FILE: join(dir, 'session'),
      LEADLINE_HTTP__PORT: '9090',
      LEADLINE_CONFIG: '/not/a/setting.yaml',
    });
    expect(config.api.tokens[0]!.token).toBe(token);
    expect(config.console.sessionSecret).toBe(session);
    expect(config.http.port).toBe(9090);
  });

  it('name the variable when its value is refused, refuse a variable that names no setting, and an unreadable file', () => {
    expect(() => parseConfig(file(), 'x.yaml', { LEADLINE_API__TOKENS__0__TOKEN: 'short-token-0123456789' })).toThrow(
      /LEADLINE_API__TOKENS__0__TOKEN \(environment\): api\.tokens\.0\.token: is 22 characters/,
    );
    expect(() => parseConfig(file(), 'x.yaml', { LEADLINE_CONSOLE__SESION_SECRET: strong() })).toThrow(
      /LEADLINE_CONSOLE__SESION_SECRET \(environment\): console\.sesionSecret: LEADLINE_CONSOLE__SESION_SECRET names no setting/,
    );
    expect(() => parseConfig(file(), 'x.yaml', { LEADLINE_LEADS__SECRET_FILE: '/nonexistent/secret' })).toThrow(
      /LEADLINE_LEADS__SECRET_FILE: cannot read \/nonexistent\/secret \(ENOENT\)/,
    );
  });
});
