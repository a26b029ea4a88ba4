import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPcapUdp } from '../../src/adapters/rtpengine/pcap-reader.js';
import { PCMA_TO_LINEAR, decodeG711Into } from '../../src/core/recordings/g711.js';
import { pcapNameMatcher } from '../../src/core/recordings/pcap-name.js';
import { isRtp, parseRtpPacket } from '../../src/core/recordings/rtp-packet.js';
import { fakeMicrophoneArgs, launchChromium, screenshot, signIn } from '../helpers/browser.js';
import { CONSOLE_ACCOUNTS, consoleSection } from '../helpers/console-accounts.js';
import { Phones, callIdOf } from '../helpers/phones.js';
import type { SippRun } from '../helpers/sipp.js';
import { TRUNK_IP, startTestPbx, type TestPbx } from '../helpers/test-pbx.js';
import { concat, toneShare } from '../helpers/tone-share.js';
import { waitFor } from '../helpers/webhook-receiver.js';

/**
 * Whisper and barge in Debian's Chromium against a real PBX. Two browsers with fake
 * microphones: the manager's plays 440 Hz, the supervisor's 1000 Hz. A sipp trunk call
 * rings the manager's browser phone; the supervisor listens from the live board, then
 * whispers or barges. The manager's browser counts the supervisor's RTP; what the client
 * hears is what rtpengine recorded from the manager's side toward the trunk: during a
 * whisper it carries the manager's 440 Hz and never the supervisor's 1000 Hz, during a
 * barge it carries both. A manager's whisper attempt is refused and audited. While the
 * call rings, the manager's phone shows the caller's number and his lead.
 */
const BASE = 48000;
const CLIENT = '79161234567';
const MANAGER_HZ = 440;
const SUPERVISOR_HZ = 1000;

let pbx: TestPbx;
let phones: Phones;
let managerBrowser: Browser;
let supervisorBrowser: Browser;
let anna: Page;
let head: Page;

beforeAll(async () => {
  const work = mkdtempSync(join(tmpdir(), 'leadline-live-coaching-'));
  const tone = (hz: number) => {
    const file = join(work, `tone-${hz}.wav`);
    execFileSync('sox', ['-n', '-r', '48000', '-c', '1', '-b', '16', file, 'synth', '30', 'sine', String(hz), 'vol', '0.5']);
    return file;
  };
  const options = { name: 'live-coaching', basePort: BASE, managers: 2, console: consoleSection(), webphone: { enabled: true, credentialTtlSeconds: 300 } };
  pbx = await startTestPbx(options);
  phones = new Phones(pbx);
  const lead = await pbx.api('/api/leads', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'L-16', phone: `+${CLIENT}`, ownerManager: '101' }) });
  expect(lead.status).toBe(201);
  // One fake microphone per Chromium process: two processes, two tones.
  managerBrowser = await launchChromium(fakeMicrophoneArgs(tone(MANAGER_HZ)));
  supervisorBrowser = await launchChromium(fakeMicrophoneArgs(tone(SUPERVISOR_HZ)));
  anna = await (await managerBrowser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await signIn(anna, pbx.httpUrl, CONSOLE_ACCOUNTS.anna.login, CONSOLE_ACCOUNTS.anna.password);
  head = await (await supervisorBrowser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await signIn(head, pbx.httpUrl, CONSOLE_ACCOUNTS.head.login, CONSOLE_ACCOUNTS.head.password);
}, 90_000);

afterAll(async () => {
  await managerBrowser?.close();
  await supervisorBrowser?.close();
  await pbx?.destroy();
});

/** A trunk call answered in the manager's browser, listened to from the supervisor's board. */
async function answeredAndListened(talkMs: number): Promise<{ caller: SippRun; callId: string }> {
  const phone = anna.locator('[data-testid=phone]');
  await expect.poll(() => phone.getAttribute('data-phone-status'), { timeout: 15_000 }).toBe('registered');
  const caller = phones.callFromTrunk({ talkMs, caller: CLIENT });
  await expect.poll(() => phone.getAttribute('data-call-state'), { timeout: 15_000 }).toBe('ringing');
  // While it rings: the caller's number as people read it, and his lead from the leads store.
  await expect.poll(() => anna.textContent('[data-testid=phone-number]', { timeout: 500 }).catch(() => null), { timeout: 5000 }).toBe('+7 916 123 45 67');
  expect(await anna.textContent('[data-testid=phone-lead]')).toBe('L-16');
  await anna.click('[data-action=answer]');
  await expect.poll(() => phone.getAttribute('data-call-state'), { timeout: 10_000 }).toBe('talking');
  const callId = callIdOf(caller, TRUNK_IP);
  await head.click(`[data-manager="101"] [data-call="${callId}"] [data-action=listen]`, { timeout: 10_000 });
  await expect.poll(() => head.locator(`[data-call="${callId}"] .listen`).getAttribute('data-listen-state', { timeout: 500 }).catch(() => 'none'), { timeout: 10_000 }).toBe('listening');
  return { caller, callId };
}

/** What the manager's side sent toward the trunk (the client's ear), per second, as decoded G.711 A-law. */
async function clientHeard(callId: string): Promise<Int16Array[]> {
  const pcaps = join(pbx.spoolDir, 'pcaps');
  await waitFor('the call pcap', () => existsSync(pcaps) && readdirSync(pcaps).some(pcapNameMatcher(callId)), 10_000);
  const file = join(pcaps, readdirSync(pcaps).find(pcapNameMatcher(callId))!);
  const bySource = new Map<string, Int16Array[]>();
  for (const udp of readPcapUdp(file)) {
    if (!isRtp(udp.payload) || udp.src.startsWith(`${TRUNK_IP}:`)) continue;
    const rtp = parseRtpPacket(udp.payload);
    if (rtp.payloadType !== 8) continue;
    const pcm = new Int16Array(rtp.payload.length);
    decodeG711Into(rtp.payload, PCMA_TO_LINEAR, pcm, 0);
    bySource.set(udp.src, [...(bySource.get(udp.src) ?? []), pcm]);
  }
  const [frames] = [...bySource.values()].sort((a, b) => b.length - a.length);
  expect(frames?.length ?? 0, `RTP sources in the pcap: ${[...bySource.keys()].join(', ')}`).toBeGreaterThan(200);
  const seconds: Int16Array[] = [];
  for (let at = 25; at + 50 <= frames!.length; at += 50) seconds.push(concat(frames!.slice(at, at + 50)));
  return seconds;
}

async function audit(callId: string) {
  return pbx.db.selectFrom('recording_audit').select(['action', 'who', 'role']).where('call_id', '=', callId).orderBy('id').execute();
}

describe('whisper and barge', () => {
  it('whisper: the manager hears the supervisor, the client does not; a manager may not whisper, and is audited', async () => {
    const { caller, callId } = await answeredAndListened(20_000);
    try {
      await head.click(`[data-call="${callId}"] [data-action=whisper]`);
      await expect.poll(() => head.locator(`[data-call="${callId}"] .listen`).getAttribute('data-coach-state'), { timeout: 10_000 }).toBe('whisper');
      // The supervisor's browser sends to rtpengine (DTLS-SRTP, the publish).
      await expect.poll(async () => Number((await head.textContent('[data-testid=coach-tx]', { timeout: 500 }).catch(() => '0')) ?? 0), { timeout: 10_000 }).toBeGreaterThan(50);
      // The manager's phone picks the session up and receives the supervisor's stream.
      const coaching = anna.locator('[data-testid=phone-coaching]');
      await expect.poll(() => coaching.getAttribute('data-coach-mode', { timeout: 500 }).catch(() => null), { timeout: 10_000 }).toBe('whisper');
      await expect.poll(async () => Number((await anna.textContent('[data-testid=coach-rx]', { timeout: 500 }).catch(() => '0')) ?? 0), { timeout: 10_000 }).toBeGreaterThan(100).catch(async (e: Error) => {
        throw new Error(`${e.message}; the stream's link: ${await coaching.getAttribute('data-coach-link')}`);
      });
      await screenshot(anna, 'live-coaching-whisper-manager');
      await screenshot(head, 'live-coaching-whisper-supervisor');

      // The manager, signed in, may not whisper, even with the API at hand.
      const refused = await anna.evaluate(
        (id) => fetch(`/api/calls/${encodeURIComponent(id)}/coach`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode: 'whisper', sdp: 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n' }) }).then(async (r) => ({ status: r.status, body: await r.json() })),
        callId,
      );
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('AUTH.FORBIDDEN');
    } finally {
      expect((await caller.done).exitCode).toBe(0);
    }
    await expect.poll(() => anna.locator('[data-testid=phone]').getAttribute('data-call-state'), { timeout: 10_000 }).toBe('ended');

    const seconds = await clientHeard(callId);
    // The client heard the manager all along, and not one second of the supervisor.
    expect(toneShare(concat(seconds), MANAGER_HZ)).toBeGreaterThan(0.3);
    const supervisor = seconds.map((s) => toneShare(s, SUPERVISOR_HZ));
    expect(Math.max(...supervisor), `1000 Hz share per second: ${supervisor.map((x) => x.toFixed(3)).join(' ')}`).toBeLessThan(0.02);

    expect(await audit(callId)).toEqual([
      { action: 'live-listen', who: 'head', role: 'supervisor' },
      { action: 'whisper', who: 'head', role: 'supervisor' },
      { action: 'whisper-refused', who: 'anna', role: 'manager' },
    ]);
  }, 90_000);

  it('barge: the supervisor is mixed into the call, so the client hears him as well as the manager', async () => {
    const { caller, callId } = await answeredAndListened(20_000);
    try {
      await head.click(`[data-call="${callId}"] [data-action=barge]`);
      await expect.poll(() => head.locator(`[data-call="${callId}"] .listen`).getAttribute('data-coach-state'), { timeout: 10_000 }).toBe('barge');
      const coaching = anna.locator('[data-testid=phone-coaching]');
      await expect.poll(() => coaching.getAttribute('data-coach-mode', { timeout: 500 }).catch(() => null), { timeout: 10_000 }).toBe('barge');
      await expect.poll(async () => Number((await anna.textContent('[data-testid=coach-rx]', { timeout: 500 }).catch(() => '0')) ?? 0), { timeout: 10_000 }).toBeGreaterThan(100).catch(async (e: Error) => {
        throw new Error(`${e.message}; the stream's link: ${await coaching.getAttribute('data-coach-link')}`);
      });
      await screenshot(anna, 'live-coaching-barge-manager');
    } finally {
      expect((await caller.done).exitCode).toBe(0);
    }
    await expect.poll(() => anna.locator('[data-testid=phone]').getAttribute('data-call-state'), { timeout: 10_000 }).toBe('ended');

    const seconds = await clientHeard(callId);
    const supervisor = seconds.map((s) => toneShare(s, SUPERVISOR_HZ));
    const manager = seconds.map((s) => toneShare(s, MANAGER_HZ));
    const detail = `per second, 1000 Hz: ${supervisor.map((x) => x.toFixed(3)).join(' ')}; 440 Hz: ${manager.map((x) => x.toFixed(3)).join(' ')}`;
    // Before the barge only the manager; once it starts, both in the same seconds.
    expect(supervisor[0]!, detail).toBeLessThan(0.02);
    const both = seconds.filter((_, i) => supervisor[i]! > 0.15 && manager[i]! > 0.15);
    expect(both.length, detail).toBeGreaterThanOrEqual(2);

    expect(await audit(callId)).toEqual([
      { action: 'live-listen', who: 'head', role: 'supervisor' },
      { action: 'barge', who: 'head', role: 'supervisor' },
    ]);
  }, 90_000);
});
