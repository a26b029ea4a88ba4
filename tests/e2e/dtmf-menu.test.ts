import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildResponse, newTag, register, sdp, SipEndpoint, type SipMessage } from '../helpers/raw-sip.js';
import { COMPANY_NUMBER, SIP_DOMAIN, startTestPbx, TRUNK_IP, type TestPbx } from '../helpers/test-pbx.js';
import { CrmStandIn } from '../helpers/crm-stand-in.js';
import { runSipp } from '../helpers/sipp.js';

/**
 * The DTMF menu through the real Kamailio and rtpengine: a sipp caller on the trunk
 * hears "press 1 for sales, 2 for support" as early media, presses 2 (RFC 2833
 * telephone-event RTP from sipp's own pcap), rtpengine reports the key, and the
 * second step's manager is rung; a caller who presses nothing hears the prompt
 * twice and reaches the first step. The choice is in the call record and in the
 * call.ended webhook.
 */
const BASE = 45000;
let pbx: TestPbx;
const crm = new CrmStandIn(['call.ended']);

const MENU_LINE = [
  'name: menu-line',
  `numbers: ["${COMPANY_NUMBER}"]`,
  'timezone: UTC',
  'groups: { sales: ["101"], support: ["102"] }',
  'steps:',
  '  - { group: sales, strategy: sequential, ring_timeout: 5, max_wait: 6, wrap_up: 0 }',
  '  - { group: support, strategy: sequential, ring_timeout: 5, max_wait: 6, wrap_up: 0 }',
  'menu:',
  '  prompt: menu.mp3',
  '  timeout: 2',
  '  options:',
  '    "1": sales',
  '    "2": 2',
  '',
].join('\n');

function tone(seconds: number, frequency: number): Buffer {
  const file = join(tmpdir(), `menu-${process.pid}-${frequency}.mp3`);
  execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `sine=frequency=${frequency}:duration=${seconds}`, '-ar', '44100', file]);
  return readFileSync(file);
}

/** The service has taken in the phone's registration (Kamailio's report is asynchronous). */
async function signedIn(extension: string): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const body = (await (await pbx.api('/api/managers')).json()) as { managers: { extension: string; status: string }[] };
    if (body.managers.some((m) => m.extension === extension && m.status !== 'offline')) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${extension} never showed as signed in`);
}

/** Two phones that answer every call (and its BYE); returns which extension each INVITE reached, by Call-ID. */
async function answeringPhones(): Promise<{ phones: SipEndpoint[]; rang: Map<string, string[]> }> {
  const rang = new Map<string, string[]>();
  const phones: SipEndpoint[] = [];
  for (const [i, ext] of ['101', '102'].entries()) {
    const phone = await SipEndpoint.open('127.0.0.1', pbx.ports.phone(i));
    phones.push(phone);
    expect((await register(phone, pbx.ports.sip, { user: ext, password: pbx.passwordOf(ext), domain: SIP_DOMAIN })).status).toBe(200);
    await signedIn(ext);
    phone.onRequest((m: SipMessage) => {
      if (m.method === 'INVITE') {
        const id = m.header('call-id')!;
        rang.set(id, [...(rang.get(id) ?? []), ext]);
        return [buildResponse(m, 200, 'OK', { toTag: newTag(), contact: phone.contact, body: sdp('127.0.0.1', pbx.ports.media(5 + i)) })];
      }
      return m.method === 'BYE' ? [buildResponse(m, 200, 'OK')] : [];
    });
  }
  return { phones, rang };
}

async function callFromTrunk(scenario: string, callId: string) {
  return runSipp({
    scenario,
    remote: `127.0.0.1:${pbx.ports.sip}`,
    localIp: TRUNK_IP,
    localPort: pbx.ports.trunk,
    mediaPort: pbx.ports.media(0),
    service: COMPANY_NUMBER,
    vars: { caller: '79161112233' },
    calls: 1,
    pauseMs: 1000,
    extraArgs: ['-cid_str', callId],
    traceErr: true,
    timeoutMs: 40_000,
  });
}

async function endedEvent(callId: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 100; i++) {
    const hit = crm.verified().find((e) => e.type === 'call.ended' && e.data.callId === callId);
    if (hit) return hit.data;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no call.ended webhook for ${callId}`);
}

beforeAll(async () => {
  await crm.start();
  pbx = await startTestPbx({ name: 'dtmf-menu', basePort: BASE, managers: 2, crm: crm.config(), dialplans: { 'menu-line.yaml': MENU_LINE }, sounds: { 'menu.mp3': tone(1, 500) } });
}, 120_000);

afterAll(async () => {
  await pbx?.destroy();
  await crm.stop();
});

describe('DTMF menu', () => {
  it('a caller pressing 2 (RFC 2833 from sipp) reaches the second step, and the record and webhook hold the choice', async () => {
    const { phones, rang } = await answeringPhones();
    try {
      const callId = `menu-two-${newTag()}`;
      const result = await callFromTrunk('uac-menu-dtmf-2.xml', callId);
      expect(result.exitCode, `${result.stdout.slice(-2000)}\n${result.errors}`).toBe(0);
      expect(rang.get(callId)).toEqual(['102']);
      const record = await pbx.waitForRecord(callId);
      expect(record.disposition).toBe('answered');
      expect(record.manager).toBe('102');
      expect(record.menuChoice).toEqual({ digit: '2', step: 2 });
      expect((await endedEvent(callId)).menuChoice).toEqual({ digit: '2', step: 2 });
    } finally {
      for (const p of phones) p.close();
    }
  }, 60_000);

  it('a caller pressing nothing hears the prompt twice, then the first step answers; the record says no key', async () => {
    const { phones, rang } = await answeringPhones();
    try {
      const callId = `menu-none-${newTag()}`;
      const started = Date.now();
      const result = await callFromTrunk('uac-call.xml', callId);
      expect(result.exitCode, `${result.stdout.slice(-2000)}\n${result.errors}`).toBe(0);
      expect(rang.get(callId)).toEqual(['101']);
      const record = await pbx.waitForRecord(callId);
      expect(record.manager).toBe('101');
      expect(record.menuChoice).toEqual({ digit: null, step: 1 });
      // Two rounds of a 1 s prompt and a 2 s timeout before the first ring.
      expect(new Date(record.attempts[0]!.startedAt as unknown as string).getTime() - started).toBeGreaterThanOrEqual(5500);
      expect((await endedEvent(callId)).menuChoice).toEqual({ digit: null, step: 1 });
    } finally {
      for (const p of phones) p.close();
    }
  }, 60_000);
});
