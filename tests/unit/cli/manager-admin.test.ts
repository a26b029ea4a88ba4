import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { editManagers } from '../../../src/cli/manager-admin.js';
import { parseConfig } from '../../../src/config/load-config.js';

const strong = () => randomBytes(32).toString('base64');
const sip = () => randomBytes(12).toString('base64');

/** A production-like file (strong secrets) with comments the edit must keep. */
const file = () => `# head comment
api:
  tokens: [{ name: crm, token: "${strong()}" }]
managers:
  # the sales floor
  - { extension: "101", name: Anna, password: "${sip()}" }   # Anna's desk phone
  - { extension: "102", name: Boris, password: "${sip()}" }
trunks:
  - { name: t, address: 198.51.100.20, callerId: "+74951234567" }
http: { host: 0.0.0.0 }
`;

describe('managers add|passwd|disable|enable edit the file as the service would accept it', () => {
  it('adds a manager in the style of the list, keeping every comment', () => {
    const password = sip();
    const { text, config } = editManagers(file(), 'leadline.yaml', { kind: 'add', extension: '104', name: 'Vera Kim', password }, {});
    expect(config.managers.map((m) => m.extension)).toEqual(['101', '102', '104']);
    expect(config.managers[2]).toMatchObject({ name: 'Vera Kim', password });
    expect(text).toContain('# head comment');
    expect(text).toContain("# Anna's desk phone");
    expect(text).toContain('# the sales floor');
    expect(text).toMatch(/- \{ extension: "104", name: Vera Kim, password: .+ \}/);
  });

  it('refuses what the service would refuse, naming the line, and a manager that exists', () => {
    expect(() => editManagers(file(), 'leadline.yaml', { kind: 'add', extension: '105', name: 'Weak', password: 'short1' }, {})).toThrow(/leadline\.yaml:\d+: managers\.2\.password: /);
    expect(() => editManagers(file(), 'leadline.yaml', { kind: 'add', extension: '1x', name: 'Bad', password: sip() }, {})).toThrow(/managers\.2\.extension: an extension is 2 to 6 digits/);
    expect(() => editManagers(file(), 'leadline.yaml', { kind: 'add', extension: '101', name: 'Again', password: sip() }, {})).toThrow(/Manager 101 exists already \(Anna\)/);
    expect(() => editManagers(file(), 'leadline.yaml', { kind: 'passwd', extension: '109', password: sip() }, {})).toThrow(/No manager has extension 109/);
  });

  it('changes a password, unless the environment sets it (then says which variable)', () => {
    const password = sip();
    expect(editManagers(file(), 'f', { kind: 'passwd', extension: '102', password }, {}).config.managers[1]!.password).toBe(password);
    const env = { LEADLINE_MANAGERS__1__PASSWORD_FILE: '/run/secrets/boris' };
    expect(() => editManagers(file(), 'f', { kind: 'passwd', extension: '102', password }, env)).toThrow(/comes from LEADLINE_MANAGERS__1__PASSWORD in the environment/);
  });

  it('disables and enables a manager', () => {
    const disabled = editManagers(file(), 'f', { kind: 'disable', extension: '101' }, {});
    expect(disabled.config.managers[0]!.disabled).toBe(true);
    const enabled = editManagers(disabled.text, 'f', { kind: 'enable', extension: '101' }, {});
    expect(enabled.config.managers[0]!.disabled).toBeUndefined();
    expect(enabled.text).not.toContain('disabled');
  });
});

function cli(config: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile('npx', ['tsx', 'src/cli/operator-cli.ts', '--config', config, ...args], { timeout: 30_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, out: stdout, err: stderr }),
    );
  });
}

describe('npm run cli -- managers add / passwd on a file', () => {
  it('writes the file with its mode kept, shows a generated password once, and leaves a refused file untouched', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'cli-managers-')), 'leadline.yaml');
    writeFileSync(path, file());
    chmodSync(path, 0o640);
    // Nothing listens on port 1: the file is written, and the CLI says the running service has not applied it yet.
    const added = await cli(path, 'managers', 'add', '104', '--name', 'Vera', '--url', 'http://127.0.0.1:1');
    expect(added.code).toBe(0);
    const generated = /SIP password \(shown once, set it in the phone\): (\S+)/.exec(added.out)![1]!;
    expect(parseConfig(readFileSync(path, 'utf8'), path).managers.find((m) => m.extension === '104')!.password).toBe(generated);
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect(added.out).toMatch(/Not applied yet \(Leadline does not answer at http:\/\/127\.0\.0\.1:1.*\n.*config reload.*SIGHUP/);

    const before = readFileSync(path, 'utf8');
    const weak = await cli(path, 'managers', 'passwd', '104', '--password', 'password');
    expect(weak.code).toBe(1);
    expect(weak.err).toMatch(/managers\.2\.password/);
    expect(readFileSync(path, 'utf8')).toBe(before);
    const missingName = await cli(path, 'managers', 'add', '105');
    expect(missingName.err).toMatch(/needs --name/);
  }, 60_000);
});
