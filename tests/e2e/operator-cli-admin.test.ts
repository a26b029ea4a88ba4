import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Phones, callIdOf } from '../helpers/phones.js';
import { API_TOKEN, TRUNK_IP, startTestPbx, type TestPbx } from '../helpers/test-pbx.js';

/**
 * The operator CLI's trunks and recordings commands against a running PBX with recordings
 * on (real Kamailio, rtpengine, Redis, PostgreSQL, ffmpeg, sipp): through the HTTP API,
 * with the service's own checks.
 */
let pbx: TestPbx;
let phones: Phones;

beforeAll(async () => {
  pbx = await startTestPbx({ name: 'cliadmin', basePort: 39800, managers: 1, ringTimeoutSeconds: 3, recordings: {} });
  phones = new Phones(pbx);
});

afterAll(async () => {
  await phones?.unregisterAll();
  await pbx?.destroy();
});

function cli(token: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile('npx', ['tsx', 'src/cli/operator-cli.ts', ...args], { env: { ...process.env, LEADLINE_URL: pbx.httpUrl, LEADLINE_TOKEN: token }, timeout: 30_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, out: stdout, err: stderr }),
    );
  });
}

describe('operator CLI: trunks and recordings', () => {
  it('shows the trunk as trusted', async () => {
    const trunks = await cli(API_TOKEN, 'trunks');
    expect(trunks, trunks.err).toMatchObject({ code: 0 });
    expect(trunks.out).toMatch(/^NAME\s+KIND\s+STATE\s+SINCE\n\S+\s+address\s+trusted\s/);
  }, 60_000);

  it('refuses to re-convert a stored recording (its pcap is gone), an unknown call, and a wrong token', async () => {
    expect((await phones.register('101')).exitCode).toBe(0);
    const echo = await phones.answer('101', 'echo');
    const caller = phones.callFromTrunk({ talkMs: 1500 });
    expect((await caller.done).exitCode).toBe(0);
    await echo.stop();
    const callId = callIdOf(caller, TRUNK_IP);
    await expect
      .poll(async () => (await fetch(`${pbx.httpUrl}/api/recordings/${encodeURIComponent(callId)}/audio`, { headers: { authorization: `Bearer ${API_TOKEN}` } })).status, { timeout: 30_000, interval: 500 })
      .toBe(200);

    const stored = await cli(API_TOKEN, 'recordings', 'reconvert', callId);
    expect(stored.code).toBe(1);
    expect(stored.err).toContain(`409 RECORDINGS.NOT_RECONVERTIBLE: The recording of call ${callId} is stored`);
    const unknown = await cli(API_TOKEN, 'recordings', 'reconvert', 'no-such-call@nowhere');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/404 NOT_FOUND: A recording of call no-such-call@nowhere was not found/);
    const wrongToken = await cli('wrong-token-0123456789', 'recordings', 'reconvert', callId);
    expect(wrongToken.code).toBe(1);
    expect(wrongToken.err).toMatch(/401/);
  }, 90_000);
});
