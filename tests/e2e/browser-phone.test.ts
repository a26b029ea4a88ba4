import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kamailioSecrets } from '../../src/adapters/kamailio/render-config.js';
import { readPcapUdp } from '../../src/adapters/rtpengine/pcap-reader.js';
import { derivePhoneCredentials, phonePassword } from '../../src/core/auth/phone-credentials.js';
import { PCMA_TO_LINEAR, decodeG711Into } from '../../src/core/recordings/g711.js';
import { pcapNameMatcher } from '../../src/core/recordings/pcap-name.js';
import { isRtp, parseRtpPacket } from '../../src/core/recordings/rtp-packet.js';
import { fakeMicrophoneArgs, launchChromium, screenshot, signIn } from '../helpers/browser.js';
import { CONSOLE_ACCOUNTS, consoleSection } from '../helpers/console-accounts.js';
import { Phones, callIdOf } from '../helpers/phones.js';
import { COMPANY_NUMBER, SIP_DOMAIN, TRUNK_IP, startTestPbx, testConfig, type TestPbx } from '../helpers/test-pbx.js';
import { concat, toneShare } from '../helpers/tone-share.js';
import { waitFor } from '../helpers/webhook-receiver.js';
import { PageSipSocket, registerOverWs } from '../helpers/ws-sip.js';

/**
 * The browser phone in Debian's Chromium against a real PBX: the manager signs in to the
 * console, his page registers his extension over Kamailio's WebSocket with credentials
 * the service issued, a sipp trunk call rings it, he answers, and audio flows both ways
 * through rtpengine (DTLS-SRTP to the browser, plain G.711 to the trunk): the trunk's
 * audio is counted by the browser's own RTP statistics, the fake microphone's 440 Hz tone
 * is found in the G.711 rtpengine recorded from the browser's side. Forged, expired and
 * borrowed credentials, the SIP password over WebSocket and a foreign page's handshake are
 * all refused by Kamailio.
 */
const BASE = 41000;
const CLIENT = '79161234567';
const TONE_HZ = 440;

let pbx: TestPbx;
let phones: Phones;
let browser: Browser;
let anna: { context: BrowserContext; page: Page };
let secret: string;
let wsUrl: string;

beforeAll(async () => {
  const work = mkdtempSync(join(tmpdir(), 'leadline-browser-phone-'));
  const tone = join(work, 'tone.wav');
  // Chromium's fake microphone plays this file in a loop.
  execFileSync('sox', ['-n', '-r', '48000', '-c', '1', '-b', '16', tone, 'synth', '10', 'sine', String(TONE_HZ), 'vol', '0.5']);
  const options = { name: 'browser-phone', basePort: BASE, managers: 2, console: consoleSection(), webphone: { enabled: true, credentialTtlSeconds: 120 } };
  pbx = await startTestPbx(options);
  phones = new Phones(pbx);
  const config = testConfig(options, work);
  secret = kamailioSecrets(config).webphone;
  wsUrl = `ws://127.0.0.1:${pbx.ports.ws}`;
  browser = await launchChromium(fakeMicrophoneArgs(tone));
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await signIn(page, pbx.httpUrl, CONSOLE_ACCOUNTS.anna.login, CONSOLE_ACCOUNTS.anna.password);
  anna = { context, page };
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await pbx?.destroy();
});

describe('the browser phone', () => {
  it("registers the signed-in manager's extension over WebSocket without his SIP password", async () => {
    const phone = anna.page.locator('[data-testid=phone]');
    await expect.poll(() => phone.getAttribute('data-phone-status'), { timeout: 15_000 }).toBe('registered');
    expect(await phone.textContent()).toMatch(/extension 101/);
    // The page never held the SIP password: only what the credentials endpoint gave it.
    const issued = await anna.page.evaluate(() => fetch('/api/phone/credentials', { method: 'POST' }).then((r) => r.json()));
    expect(issued.username).toMatch(/^\d+:101$/);
    expect(JSON.stringify(issued)).not.toContain(pbx.passwordOf('101'));
    expect(Date.parse(issued.expiresAt) - Date.now()).toBeLessThanOrEqual(120_000);
    await screenshot(anna.page, 'browser-phone-registered');
  }, 30_000);

  it('answers a trunk call in the browser, with audio both ways through rtpengine', async () => {
    const page = anna.page;
    const caller = phones.callFromTrunk({ talkMs: 6000, caller: CLIENT });
    const phone = page.locator('[data-testid=phone]');
    await expect.poll(() => phone.getAttribute('data-call-state'), { timeout: 15_000 }).toBe('ringing');
    expect(await page.textContent('[data-testid=phone-peer]')).toBe(CLIENT);
    await page.click('[data-action=answer]');
    await expect.poll(() => phone.getAttribute('data-call-state'), { timeout: 10_000 }).toBe('talking');
    // The trunk's G.711 reaches the browser as SRTP: its own statistics count it.
    await expect.poll(async () => Number((await page.textContent('[data-testid=rx-packets]')) ?? 0), { timeout: 10_000 }).toBeGreaterThan(50);
    expect(Number(await page.textContent('[data-testid=tx-packets]'))).toBeGreaterThan(50);
    await screenshot(page, 'browser-phone-talking');
    const result = await caller.done;
    expect(result.exitCode, result.errors).toBe(0);
    await expect.poll(() => phone.getAttribute('data-call-state'), { timeout: 10_000 }).toBe('ended');

    const callId = callIdOf(caller, TRUNK_IP);
    const record = await pbx.waitForRecord(callId);
    expect(record.manager).toBe('101');
    expect(record.disposition).toBe('answered');

    // What the browser sent, as rtpengine recorded it toward the trunk: G.711 A-law
    // carrying the fake microphone's tone (and not the trunk's own audio).
    const pcaps = join(pbx.spoolDir, 'pcaps');
    await waitFor('the call pcap', () => existsSync(pcaps) && readdirSync(pcaps).some(pcapNameMatcher(callId)), 10_000);
    const file = join(pcaps, readdirSync(pcaps).find(pcapNameMatcher(callId))!);
    const bySource = new Map<string, Int16Array[]>();
    for (const udp of readPcapUdp(file)) {
      if (!isRtp(udp.payload)) continue;
      const rtp = parseRtpPacket(udp.payload);
      if (rtp.payloadType !== 8) continue;
      const pcm = new Int16Array(rtp.payload.length);
      decodeG711Into(rtp.payload, PCMA_TO_LINEAR, pcm, 0);
      bySource.set(udp.src, [...(bySource.get(udp.src) ?? []), pcm]);
    }
    const fromBrowser = [...bySource.entries()].filter(([src]) => !src.startsWith(`${TRUNK_IP}:`));
    expect(fromBrowser.length, `RTP sources in the pcap: ${[...bySource.keys()].join(', ')}`).toBeGreaterThan(0);
    const [, frames] = fromBrowser.sort((a, b) => b[1].length - a[1].length)[0]!;
    expect(frames.length).toBeGreaterThan(100);
    const samples = concat(frames.slice(25));
    expect(toneShare(samples, TONE_HZ)).toBeGreaterThan(0.5);
  }, 60_000);

  it("click-to-call from the leads page rings the browser phone, which is referred to the client on the trunk with the company's caller ID", async () => {
    const page = anna.page;
    const client = '+79167654321';
    const lead = await pbx.api('/api/leads', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'L-77', phone: client, ownerManager: '101' }),
    });
    expect(lead.status).toBe(201);
    const trunk = await phones.trunkAnswers(1);
    let trunkDir = '';
    try {
      await page.goto(`${pbx.httpUrl}/#/leads`);
      const phone = page.locator('[data-testid=phone]');
      await expect.poll(() => phone.getAttribute('data-phone-status'), { timeout: 15_000 }).toBe('registered');
      await page.click('[data-lead="L-77"] [data-action=call-lead]');
      // The first leg is answered by itself (his own click), then referred to the client.
      await expect.poll(async () => (await phone.getAttribute('data-call-state')) === 'talking' && (await page.textContent('[data-testid=phone-peer]')), { timeout: 20_000 }).toBe(client);
      // The trunk echoes what it gets: the browser hears its own microphone back through rtpengine.
      await expect.poll(async () => Number((await page.textContent('[data-testid=rx-packets]')) ?? 0), { timeout: 10_000 }).toBeGreaterThan(50);
      await screenshot(page, 'browser-phone-click-to-call');
      await page.click('[data-action=hangup]');
      await expect.poll(() => phone.getAttribute('data-call-state'), { timeout: 10_000 }).toBe('ended');
    } finally {
      trunkDir = (await trunk.stop()).workDir;
    }
    // The client's leg is the manager's ordinary outbound call: company caller ID at the trunk, a record, a first dial.
    const trunkSaw = readdirSync(trunkDir).filter((f) => f === 'messages.log');
    expect(trunkSaw.length).toBeGreaterThan(0);
    const invite = readFileSync(join(trunkDir, trunkSaw[0]!), 'utf8');
    expect(invite).toMatch(new RegExp(`From:[^\\r\\n]*${COMPANY_NUMBER.replace('+', '\\+?')}`));
    let record: Record<string, unknown> | undefined;
    await waitFor('the outbound call record', async () => {
      const list = (await (await pbx.api('/api/calls?direction=outbound&limit=5')).json()) as { items: Record<string, unknown>[] };
      record = list.items.find((c) => String(c.calleeNumber).endsWith('79167654321'));
      return record !== undefined;
    });
    expect(record).toMatchObject({ direction: 'outbound', manager: '101', disposition: 'answered' });
    const dialled = (await (await pbx.api('/api/leads/L-77')).json()) as { firstDial: { manager: string | null } | null };
    expect(dialled.firstDial?.manager).toBe('101');
  }, 60_000);

  it('lets a supervisor listen live to a call in progress, refuses a manager, and audits both', async () => {
    const head = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const board = await head.newPage();
    await signIn(board, pbx.httpUrl, CONSOLE_ACCOUNTS.head.login, CONSOLE_ACCOUNTS.head.password);
    const page = anna.page;
    const phone = page.locator('[data-testid=phone]');
    await page.goto(`${pbx.httpUrl}/#/board`);
    await expect.poll(() => phone.getAttribute('data-phone-status'), { timeout: 15_000 }).toBe('registered');
    const caller = phones.callFromTrunk({ talkMs: 9000, caller: CLIENT });
    try {
      await expect.poll(() => phone.getAttribute('data-call-state'), { timeout: 15_000 }).toBe('ringing');
      await page.click('[data-action=answer]');
      const callId = callIdOf(caller, TRUNK_IP);
      await board.click(`[data-manager="101"] [data-call="${callId}"] [data-action=listen]`, { timeout: 10_000 });
      const listen = board.locator(`[data-call="${callId}"] .listen`);
      await expect
        .poll(async () => `${await listen.getAttribute('data-listen-state', { timeout: 500 }).catch(() => 'none')} ${(await board.locator('[data-manager="101"]').innerHTML({ timeout: 500 }).catch(() => ''))}`, { timeout: 10_000 })
        .toMatch(/^listening/);
      // Both parties' audio reaches the supervisor's browser (DTLS-SRTP from rtpengine).
      await expect.poll(async () => Number((await board.textContent('[data-testid=listen-rx]', { timeout: 500 }).catch(() => '0')) ?? 0), { timeout: 10_000 }).toBeGreaterThan(100);
      await screenshot(board, 'browser-phone-live-listen');

      // The manager, signed in, may not listen, even with the API at hand.
      const refused = await page.evaluate((id) => fetch(`/api/calls/${encodeURIComponent(id)}/listen`, { method: 'POST' }).then(async (r) => ({ status: r.status, body: await r.json() })), callId);
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('AUTH.FORBIDDEN');
      // Nor can anyone listen to a call that is not in progress.
      expect((await pbx.api('/api/calls/no-such-call/listen', { method: 'POST' })).status).toBe(404);

      await board.click('[data-action=stop-listen]', { timeout: 5000 });
      const audit = await pbx.db.selectFrom('recording_audit').select(['action', 'who', 'role']).where('call_id', '=', callId).orderBy('id').execute();
      expect(audit).toEqual([
        { action: 'live-listen', who: 'head', role: 'supervisor' },
        { action: 'live-listen-refused', who: 'anna', role: 'manager' },
      ]);
    } finally {
      expect((await caller.done).exitCode).toBe(0);
      await head.close();
    }
  }, 60_000);

  it('refuses forged, expired and borrowed credentials, the SIP password, and a foreign page', async () => {
    const page = anna.page;
    const sock = await PageSipSocket.open(page, wsUrl);
    const now = Date.now();
    const fresh = derivePhoneCredentials(secret, '101', now, 60);
    const register = (username: string, password: string, extension = '101') => registerOverWs(sock, { extension, domain: SIP_DOMAIN, username, password });

    // The harness itself works: fresh credentials register.
    expect(await register(fresh.username, fresh.password)).toBe(200);
    // Forged: the right shape, signed with another secret.
    const forged = derivePhoneCredentials('not-the-shared-secret-0123456789', '101', now, 60);
    expect(await register(forged.username, forged.password)).toBe(403);
    // Expired: signed with the real secret, but the expiry has passed.
    const expiredUser = `${Math.floor(now / 1000) - 5}:101`;
    expect(await register(expiredUser, phonePassword(secret, expiredUser))).toBe(403);
    // Tampered: a later expiry pasted onto a valid signature.
    expect(await register(`${Math.floor(now / 1000) + 3600}:101`, fresh.password)).toBe(403);
    // Borrowed: 102's valid credentials registering 101.
    const boris = derivePhoneCredentials(secret, '102', now, 60);
    expect(await register(boris.username, boris.password, '101')).toBe(403);
    // The SIP password is for desk phones over UDP, never over the WebSocket.
    expect(await register('101', pbx.passwordOf('101'))).toBe(403);
    await sock.close();

    // A page of another origin cannot even open the WebSocket.
    expect(await handshake('http://evil.example.test')).toBe(403);
    expect(await handshake(pbx.httpUrl)).toBe(101);
  }, 60_000);

  it('issues credentials only to a signed-in manager', async () => {
    const anonymous = await fetch(`${pbx.httpUrl}/api/phone/credentials`, { method: 'POST' });
    expect(anonymous.status).toBe(401);
    const supervisor = await pbx.api('/api/phone/credentials', { method: 'POST' });
    expect(supervisor.status).toBe(403);
    expect((await supervisor.json()).error.code).toBe('PHONE.NO_EXTENSION');
  });
});

/** The HTTP status of a WebSocket handshake to Kamailio with this Origin (raw TCP: the status line is all we need). */
function handshake(origin: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(pbx.ports.ws, '127.0.0.1');
    let text = '';
    socket.setTimeout(5000, () => socket.destroy(new Error('no handshake answer within 5 s')));
    socket.on('connect', () =>
      socket.write(
        [
          'GET / HTTP/1.1',
          `Host: 127.0.0.1:${pbx.ports.ws}`,
          'Connection: Upgrade',
          'Upgrade: websocket',
          `Origin: ${origin}`,
          'Sec-WebSocket-Version: 13',
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
          'Sec-WebSocket-Protocol: sip',
          '',
          '',
        ].join('\r\n'),
      ),
    );
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (status) {
        socket.destroy();
        resolve(Number(status[1]));
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`connection closed without a status line: ${JSON.stringify(text)}`)));
  });
}
