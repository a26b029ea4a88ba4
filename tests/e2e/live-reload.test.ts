import { execFile, execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KamailioRpc } from '../../src/adapters/kamailio/kamailio-rpc.js';
import { Phones, callIdOf } from '../helpers/phones.js';
import { runSipp, waitForPortFree } from '../helpers/sipp.js';
import { API_TOKEN, TRUNK_IP, defaultDialplan, startTestPbx, type TestPbx } from '../helpers/test-pbx.js';

/**
 * Live reload against a running PBX (real Kamailio, rtpengine, Redis, PostgreSQL, sipp
 * phones): the operator CLI adds a manager and changes a password in the configuration
 * file, the service applies it (POST /api/admin/reload), and a token removed from the file
 * is refused, all without restarting the service or Kamailio.
 */
const BI_TOKEN = 'e2e-bi-token-0123456789abcdef';
let pbx: TestPbx;
let phones: Phones;
let kamailioPid: number;

/** The oldest process running this PBX's rendered Kamailio config: the main Kamailio process. */
const kamailioMainPid = () => Number(execFileSync('pgrep', ['-o', '-f', join(pbx.config.paths.runDir, 'kamailio.cfg')]).toString().trim());

beforeAll(async () => {
  pbx = await startTestPbx({
    name: 'reload',
    basePort: 44000,
    managers: 2,
    ringTimeoutSeconds: 3,
    configFile: true,
    extraTokens: [{ name: 'bi', token: BI_TOKEN, role: 'supervisor' }],
    // The line rings 104, who does not exist yet: only the reload can make him reachable.
    dialplans: { 'test-line.yaml': defaultDialplan(['104'], 3) },
  });
  phones = new Phones(pbx);
  kamailioPid = kamailioMainPid();
});

afterAll(async () => {
  await pbx?.destroy();
});

function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      'npx',
      ['tsx', 'src/cli/operator-cli.ts', '--config', pbx.configFile, ...args],
      { env: { ...process.env, LEADLINE_URL: pbx.httpUrl, LEADLINE_TOKEN: API_TOKEN }, timeout: 30_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, out: stdout, err: stderr }),
    );
  });
}

/** REGISTER from the extension's phone port: `accepted` expects 200, else the digest refused (403 after the 401 challenge). */
async function register(extension: string, password: string, accepted: boolean, expires = 300) {
  const port = phones.portOf(extension);
  await waitForPortFree(port);
  const r = await runSipp({
    scenario: accepted ? 'register.xml' : 'register-expect-403.xml',
    remote: `127.0.0.1:${pbx.ports.sip}`,
    localIp: '127.0.0.1',
    localPort: port,
    service: extension,
    authPassword: password,
    vars: { expires },
    calls: 1,
    timeoutMs: 10_000,
  });
  await waitForPortFree(port);
  return r;
}

describe('configuration reloaded live', () => {
  it('a manager added by the CLI registers with his password and is rung by an inbound call, no restart', async () => {
    const password = 'vera-104-Secret-pw';
    // Before: Kamailio does not know him.
    expect((await register('104', password, false)).exitCode).toBe(0);

    const added = await cli('managers', 'add', '104', '--name', 'Vera Kim', '--password', password);
    expect(added, added.err).toMatchObject({ code: 0 });
    expect(added.out).toContain('Applied live: manager 104 added: credential pushed, routed.');

    const ok = await register('104', password, true);
    expect(ok.exitCode, ok.stderr).toBe(0);
    const answers = await phones.answer('104', 'echo');
    const caller = phones.callFromTrunk({ talkMs: 300 });
    expect((await caller.done).exitCode).toBe(0);
    await answers.stop();
    const record = await pbx.waitForRecord(callIdOf(caller, TRUNK_IP));
    expect(record.attempts.map((a) => [a.manager, a.result])).toEqual([['104', 'answered']]);
    const listed = await cli('managers');
    expect(listed.out).toMatch(/^104\s+Vera Kim\s/m);
    expect(kamailioMainPid()).toBe(kamailioPid);
  }, 90_000);

  it('a password changed by the CLI: the old one is refused, the new one accepted', async () => {
    const old = pbx.passwordOf('101');
    expect((await register('101', old, true)).exitCode).toBe(0);
    const changed = await cli('managers', 'passwd', '101', '--password', 'anna-101-New-pw-x');
    expect(changed, changed.err).toMatchObject({ code: 0 });
    expect(changed.out).toContain('Applied live: manager 101: new password pushed.');
    expect((await register('101', old, false)).exitCode).toBe(0);
    expect((await register('101', 'anna-101-New-pw-x', true, 0)).exitCode).toBe(0);
    expect(kamailioMainPid()).toBe(kamailioPid);
  }, 60_000);

  it('a disabled manager is refused at once; a token removed from the file gets 401 after the reload', async () => {
    const rpc = new KamailioRpc(pbx.evapi);
    expect((await register('102', pbx.passwordOf('102'), true)).exitCode).toBe(0);
    expect(await rpc.call('ul.lookup', ['location', '102'])).not.toBeNull();
    const disabled = await cli('managers', 'disable', '102');
    expect(disabled.out).toContain('manager 102 disabled');
    // His binding is removed from Kamailio, and his password no longer registers.
    await expect(rpc.call('ul.lookup', ['location', '102'])).rejects.toThrow(/AOR not found/);
    expect((await register('102', pbx.passwordOf('102'), false)).exitCode).toBe(0);

    const bi = () => fetch(`${pbx.httpUrl}/api/calls`, { headers: { authorization: `Bearer ${BI_TOKEN}` } });
    expect((await bi()).status).toBe(200);
    const doc = parseDocument(readFileSync(pbx.configFile, 'utf8'));
    doc.deleteIn(['api', 'tokens', 1]);
    writeFileSync(pbx.configFile, doc.toString());
    // SIGHUP and the CLI reach the same reload; the CLI shows its answer.
    const reloaded = await cli('config', 'reload');
    expect(reloaded, reloaded.err).toMatchObject({ code: 0 });
    expect(reloaded.out).toContain('API token "bi" removed');
    const refused = await bi();
    expect(refused.status).toBe(401);
    expect((await fetch(`${pbx.httpUrl}/api/calls`, { headers: { authorization: `Bearer ${API_TOKEN}` } })).status).toBe(200);
    expect(kamailioMainPid()).toBe(kamailioPid);
  }, 60_000);

  it('a broken file is refused with file:line and the running configuration stays; a restart-only setting is named', async () => {
    const good = readFileSync(pbx.configFile, 'utf8');
    writeFileSync(pbx.configFile, `${good}\nsip: [broken\n`);
    const bad = await cli('config', 'reload');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/422 CONFIG\.INVALID: .*leadline\.yaml:\d+: .*\n?.*The running configuration stays/s);
    // 104 still registers: nothing was dropped.
    expect((await register('104', 'vera-104-Secret-pw', true, 0)).exitCode).toBe(0);

    const doc = parseDocument(good);
    doc.setIn(['routing', 'wrapUpSeconds'], 7);
    writeFileSync(pbx.configFile, doc.toString());
    const named = await cli('config', 'reload');
    expect(named.out).toContain('These settings differ but need a restart of the service: routing.wrapUpSeconds.');
  }, 60_000);
});
