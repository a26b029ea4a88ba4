import { execFileSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRequest, buildResponse, newBranch, newTag, register, sdp, SipEndpoint, type SipMessage } from '../helpers/raw-sip.js';
import { COMPANY_NUMBER, SIP_DOMAIN, startTestPbx, TRUNK_IP, type TestPbx } from '../helpers/test-pbx.js';
import { CrmStandIn } from '../helpers/crm-stand-in.js';
import { PCMA_TO_LINEAR } from '../../src/core/recordings/g711.js';
import { createDatabase } from '../../src/adapters/postgres/database.js';

/**
 * Announcements through the real rtpengine: a caller from the trunk (hand-built SIP,
 * his RTP counted byte by byte) hears the greeting and recording notice as early
 * media before the manager's phone rings, and a scenario naming a missing or broken
 * sound file is rejected with file:line while the last good version serves.
 */
const BASE = 38000;
let pbx: TestPbx;
let trunk: SipEndpoint;

const dialplan = (extra: string) =>
  [
    'name: test-line',
    `numbers: ["${COMPANY_NUMBER}"]`,
    'timezone: UTC',
    extra,
    'groups: { sales: ["101"] }',
    'steps:',
    '  - { group: sales, strategy: sequential, ring_timeout: 2, max_wait: 3, wrap_up: 0 }',
    '',
  ].join('\n');

const GOOD = dialplan('greeting: welcome.mp3\nrecording_notice: default/en/recording-notice.wav');
const MAILBOX_NUMBER = '+74950000003';
// Nobody in this line's group ever signs in: every call is missed at once and goes to the mailbox.
const MAILBOX = [
  'name: mailbox-line',
  `numbers: ["${MAILBOX_NUMBER}"]`,
  'timezone: UTC',
  'groups: { night: ["102"] }',
  'steps:',
  '  - { group: night, strategy: sequential }',
  'missed:',
  '  callback: { group: night }',
  '  voicemail: { max_seconds: 5 }',
  '',
].join('\n');
const CROWD_NUMBER = '+74950000004';
const CROWD = [
  'name: crowd-line',
  `numbers: ["${CROWD_NUMBER}"]`,
  'timezone: UTC',
  'groups: { sales: ["103"] }',
  'steps:',
  '  - { group: sales, strategy: sequential, max_wait: 120, wrap_up: 0, while_waiting: { music: hold/music.mp3 } }',
  '',
].join('\n');
const crm = new CrmStandIn(['voicemail.left', 'recording.ready']);
const QUEUE_NUMBER = '+74950000002';
const QUEUE = [
  'name: queue-line',
  `numbers: ["${QUEUE_NUMBER}"]`,
  'timezone: UTC',
  'groups: { sales: ["101"] }',
  'steps:',
  '  - group: sales',
  '    strategy: sequential',
  '    max_wait: 120',
  '    wrap_up: 0',
  '    while_waiting: { music: hold/music.mp3, position_every: 10 }',
  '',
].join('\n');

function tone(seconds: number, frequency: number): Buffer {
  const file = join(tmpdir(), `announce-${process.pid}-${frequency}.mp3`);
  execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `sine=frequency=${frequency}:duration=${seconds}`, '-ar', '44100', file]);
  return readFileSync(file);
}

/** The A-law samples of a prepared file (the WAV's data chunk). */
function alawData(path: string): Buffer {
  return alawData2(readFileSync(path));
}

/** The data chunk of a WAV file in memory. */
function alawData2(wav: Buffer): Buffer {
  for (let at = 12; at + 8 <= wav.length; ) {
    const size = wav.readUInt32LE(at + 4);
    if (wav.toString('latin1', at, at + 4) === 'data') return wav.subarray(at + 8, at + 8 + size);
    at += 8 + size + (size % 2);
  }
  throw new Error('no data chunk in the WAV file');
}

interface Heard {
  socket: Socket;
  packets: { at: number; pt: number; payload: Buffer }[];
}

async function listen(ip: string, port: number): Promise<Heard> {
  const socket = createSocket('udp4');
  const heard: Heard = { socket, packets: [] };
  socket.on('message', (m) => {
    if (m.length > 12 && m[0]! >> 6 === 2) heard.packets.push({ at: Date.now(), pt: m[1]! & 0x7f, payload: m.subarray(12) });
  });
  await new Promise<void>((r) => socket.bind(port, ip, () => r()));
  return heard;
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

beforeAll(async () => {
  await crm.start();
  pbx = await startTestPbx({
    name: 'announcements',
    basePort: BASE,
    managers: 3,
    recordings: { format: 'wav' },
    crm: crm.config(),
    dialplans: { 'test-line.yaml': GOOD, 'queue-line.yaml': QUEUE, 'mailbox.yaml': MAILBOX, 'crowd.yaml': CROWD }, sounds: { 'welcome.mp3': tone(2, 440), 'hold/music.mp3': tone(3, 600) } });
  trunk = await SipEndpoint.open(TRUNK_IP, pbx.ports.trunk);
}, 120_000);

afterAll(async () => {
  trunk?.close();
  await pbx?.destroy();
  await crm.stop();
});

describe('greeting and recording notice as early media', () => {
  it('sends 183 with rtpengine SDP and plays both files to the caller before the manager rings', async () => {
    const phone = await SipEndpoint.open('127.0.0.1', pbx.ports.phone(0));
    const caller = await listen(TRUNK_IP, pbx.ports.media(1));
    try {
      expect((await register(phone, pbx.ports.sip, { user: '101', password: pbx.passwordOf('101'), domain: SIP_DOMAIN })).status).toBe(200);
      await signedIn('101');
      let rangAt = 0;
      phone.onRequest((m: SipMessage) => {
        if (m.method === 'INVITE') {
          rangAt ||= Date.now();
          return [buildResponse(m, 486, 'Busy Here', { toTag: newTag() })];
        }
        return [];
      });
      const callId = `announce-${newTag()}`;
      const invite = buildRequest({
        method: 'INVITE',
        uri: `sip:${COMPANY_NUMBER}@127.0.0.1:${pbx.ports.sip}`,
        local: trunk,
        from: `<sip:+79161112233@${TRUNK_IP}>;tag=${newTag()}`,
        to: `<sip:${COMPANY_NUMBER}@127.0.0.1>`,
        callId,
        cseq: 1,
        branch: newBranch(),
        body: sdp(TRUNK_IP, pbx.ports.media(1)),
      });
      const sentAt = Date.now();
      await trunk.send(invite, pbx.ports.sip);
      const early = await trunk.waitFor((m) => m.header('call-id') === callId && m.status === 183, 3000, 'the 183 with early media');
      const port = Number(/m=audio (\d+)/.exec(early.text)?.[1]);
      expect(port).toBeGreaterThan(0);
      expect(/c=IN IP4 127\.0\.0\.1/.test(early.text)).toBe(true);
      // Like a phone, the caller sends media too (rtpengine learns his address).
      for (let i = 0; i < 5; i++) caller.socket.send(Buffer.concat([Buffer.from([0x80, 8, 0, i, 0, 0, 0, i, 0, 0, 0, 9]), Buffer.alloc(160, 0xd5)]), port, '127.0.0.1');

      const final = await trunk.waitFor((m) => m.header('call-id') === callId && (m.status ?? 0) >= 300, 20_000, 'the final answer');
      expect(rangAt).toBeGreaterThan(0);
      const welcome = alawData(join(pbx.spoolDir, '..', 'run', 'sounds', 'welcome.mp3.alaw.wav'));
      const notice = alawData(join(pbx.spoolDir, '..', 'run', 'sounds', 'default/en/recording-notice.wav.alaw.wav'));
      const expectedMs = ((welcome.length + notice.length) / 8000) * 1000;
      // The phone rang only once both files had played...
      expect(rangAt - sentAt).toBeGreaterThanOrEqual(expectedMs - 300);
      const before = caller.packets.filter((p) => p.at <= rangAt);
      // ...and the caller received them, 50 packets a second, as A-law...
      expect(before.length).toBeGreaterThanOrEqual(((expectedMs / 1000) * 50) * 0.9);
      expect(new Set(before.map((p) => p.pt))).toEqual(new Set([8]));
      // ...sample for sample: A-law in, A-law out, so the bytes of the files are in what he heard, in order.
      const stream = Buffer.concat(before.map((p) => p.payload));
      const greetingAt = stream.indexOf(welcome.subarray(8000, 16000));
      const noticeAt = stream.indexOf(notice.subarray(4000, 8000));
      expect(greetingAt).toBeGreaterThanOrEqual(0);
      expect(noticeAt).toBeGreaterThan(greetingAt);
      await trunk.send(buildRequest({ method: 'ACK', uri: `sip:${COMPANY_NUMBER}@127.0.0.1:${pbx.ports.sip}`, local: trunk, from: invite.match(/From: (.*)/)![1]!, to: final.header('to')!, callId, cseq: 1 }), pbx.ports.sip);
      const record = await pbx.waitForRecord(callId);
      expect(record.disposition).toBe('missed');
    } finally {
      phone.close();
      caller.socket.close();
    }
  }, 40_000);
});

/** An INVITE from the trunk to `number`, its SDP pointing at `media`; returns what a CANCEL needs. */
async function call(number: string, media: number) {
  const callId = `announce-${newTag()}`;
  const parts = {
    uri: `sip:${number}@127.0.0.1:${pbx.ports.sip}`,
    local: trunk,
    from: `<sip:+7916${String(media).slice(-7).padStart(7, '0')}@${TRUNK_IP}>;tag=${newTag()}`,
    to: `<sip:${number}@127.0.0.1>`,
    callId,
    cseq: 1,
    branch: newBranch(),
  };
  await trunk.send(buildRequest({ ...parts, method: 'INVITE', body: sdp(TRUNK_IP, media) }), pbx.ports.sip);
  const early = await trunk.waitFor((m) => m.header('call-id') === callId && m.status === 183, 3000, 'the 183 with early media');
  return { callId, parts, rtpPort: Number(/m=audio (\d+)/.exec(early.text)![1]) };
}

describe('music and place in line while waiting', () => {
  it('plays music and "you are number N in line" recomputed from the real line', async () => {
    const phone = await SipEndpoint.open('127.0.0.1', pbx.ports.phone(0));
    const b = await listen(TRUNK_IP, pbx.ports.media(2));
    const c = await listen(TRUNK_IP, pbx.ports.media(3));
    const held: string[] = [];
    try {
      expect((await register(phone, pbx.ports.sip, { user: '101', password: pbx.passwordOf('101'), domain: SIP_DOMAIN })).status).toBe(200);
      await signedIn('101');
      // The manager takes the first call and stays on it: the next callers wait in line.
      phone.onRequest((m: SipMessage) => (m.method === 'INVITE' ? [buildResponse(m, 200, 'OK', { toTag: newTag(), contact: phone.contact, body: sdp('127.0.0.1', pbx.ports.media(4)) })] : m.method === 'BYE' ? [buildResponse(m, 200, 'OK')] : []));
      const first = await call(QUEUE_NUMBER, pbx.ports.media(5));
      await trunk.waitFor((m) => m.header('call-id') === first.callId && m.status === 200, 3000, 'the first call answered');
      const second = await call(QUEUE_NUMBER, pbx.ports.media(2));
      await new Promise((r) => setTimeout(r, 300));
      const third = await call(QUEUE_NUMBER, pbx.ports.media(3));
      held.push(second.callId, third.callId);
      for (const [leg, who] of [[second, b], [third, c]] as const) {
        for (let i = 0; i < 3; i++) who.socket.send(Buffer.concat([Buffer.from([0x80, 8, 0, i, 0, 0, 0, i, 0, 0, 0, 7]), Buffer.alloc(160, 0xd5)]), leg.rtpPort, '127.0.0.1');
      }
      await new Promise((r) => setTimeout(r, 4000));
      // The second caller leaves: the third is now first in line, and is told so at the next announcement.
      await trunk.send(buildRequest({ ...second.parts, method: 'CANCEL' }), pbx.ports.sip);
      const cancelledAt = Date.now();
      await new Promise((r) => setTimeout(r, 9000));
      const prepared = (name: string) => alawData(join(pbx.spoolDir, '..', 'run', 'sounds', `${name}.alaw.wav`));
      const streamOf = (h: Heard, from = 0, to = Infinity) => Buffer.concat(h.packets.filter((p) => p.at >= from && p.at <= to).map((p) => p.payload));
      const position1 = prepared('default/en/position-1.wav');
      const position2 = prepared('default/en/position-2.wav');
      const music = prepared('hold/music.mp3');
      const probe = (audio: Buffer) => audio.subarray(2000, 4000);
      // Second caller: first in line, then music.
      expect(streamOf(b).indexOf(probe(position1))).toBeGreaterThanOrEqual(0);
      expect(streamOf(b).indexOf(probe(music))).toBeGreaterThan(streamOf(b).indexOf(probe(position1)));
      // Third caller: second in line, music, and after the second caller left, first in line.
      const before = streamOf(c, 0, cancelledAt);
      expect(before.indexOf(probe(position2))).toBeGreaterThanOrEqual(0);
      expect(before.indexOf(probe(position1))).toBe(-1);
      expect(before.indexOf(probe(music))).toBeGreaterThan(before.indexOf(probe(position2)));
      expect(streamOf(c, cancelledAt).indexOf(probe(position1))).toBeGreaterThanOrEqual(0);
      const record = await pbx.waitForRecord(second.callId);
      expect(record.disposition).not.toBe('answered');
    } finally {
      phone.close();
      b.socket.close();
      c.socket.close();
    }
  }, 60_000);
});

/**
 * A call from the trunk to the mailbox line, answered by the mailbox: the caller's
 * side of the dialog (ACK and BYE along the Record-Route), and his RTP, a known A-law
 * signal, sent 50 times a second while the call lasts.
 */
async function callMailbox(media: number, signal: Buffer) {
  const heard = await listen(TRUNK_IP, media);
  const callId = `voicemail-${newTag()}`;
  const from = `<sip:+79165550000@${TRUNK_IP}>;tag=${newTag()}`;
  const uri = `sip:${MAILBOX_NUMBER}@127.0.0.1:${pbx.ports.sip}`;
  await trunk.send(buildRequest({ method: 'INVITE', uri, local: trunk, from, to: `<sip:${MAILBOX_NUMBER}@127.0.0.1>`, callId, cseq: 1, body: sdp(TRUNK_IP, media) }), pbx.ports.sip);
  const ok = await trunk.waitFor((m) => m.header('call-id') === callId && (m.status ?? 0) >= 200, 5000, 'the mailbox answering');
  expect(ok.status).toBe(200);
  const target = /<([^>]+)>/.exec(ok.header('contact')!)![1]!;
  const routes = ok.headers('record-route').reverse();
  const inDialog = (method: string, cseq: number) => buildRequest({ method, uri: target, local: trunk, from, to: ok.header('to')!, callId, cseq, routes });
  await trunk.send(inDialog('ACK', 1), pbx.ports.sip);
  const rtpPort = Number(/m=audio (\d+)/.exec(ok.text)![1]);
  let seq = 0;
  const sender = setInterval(() => {
    const at = (seq * 160) % (signal.length - 160);
    const header = Buffer.alloc(12);
    header.writeUInt16BE(0x8008, 0);
    header.writeUInt16BE(seq & 0xffff, 2);
    header.writeUInt32BE((seq * 160) >>> 0, 4); // the RTP clock: 160 samples a packet
    header.writeUInt32BE(0x1234, 8);
    heard.socket.send(Buffer.concat([header, signal.subarray(at, at + 160)]), rtpPort, '127.0.0.1');
    seq++;
  }, 20);
  return {
    callId,
    heard,
    hangUp: async () => {
      await trunk.send(inDialog('BYE', 2), pbx.ports.sip);
      await trunk.waitFor((m) => m.header('call-id') === callId && m.status === 200 && /BYE/.test(m.header('cseq') ?? ''), 3000, 'the 200 to our BYE');
    },
    close: () => {
      clearInterval(sender);
      heard.socket.close();
    },
  };
}

describe('50 callers waiting with music at once', () => {
  it('gives each one early media and music, holds no Kamailio worker, and silences each who hangs up', async () => {
    const phone = await SipEndpoint.open('127.0.0.1', pbx.ports.phone(2));
    const callers: { heard: Heard; parts: Awaited<ReturnType<typeof call>>['parts']; callId: string }[] = [];
    try {
      expect((await register(phone, pbx.ports.sip, { user: '103', password: pbx.passwordOf('103'), domain: SIP_DOMAIN })).status).toBe(200);
      await signedIn('103');
      phone.onRequest((m: SipMessage) => (m.method === 'INVITE' ? [buildResponse(m, 200, 'OK', { toTag: newTag(), contact: phone.contact, body: sdp('127.0.0.1', pbx.ports.media(8)) })] : m.method === 'BYE' ? [buildResponse(m, 200, 'OK')] : []));
      const busy = await call(CROWD_NUMBER, pbx.ports.media(9));
      await trunk.waitFor((m) => m.header('call-id') === busy.callId && m.status === 200, 3000, 'the manager taking the first call');
      for (let i = 0; i < 50; i++) {
        const heard = await listen(TRUNK_IP, 0);
        const placed = await call(CROWD_NUMBER, (heard.socket.address() as { port: number }).port);
        heard.socket.send(Buffer.concat([Buffer.from([0x80, 8, 0, 1, 0, 0, 0, 1, 0, 0, 0, 5]), Buffer.alloc(160, 0xd5)]), placed.rtpPort, '127.0.0.1');
        callers.push({ heard, parts: placed.parts, callId: placed.callId });
      }
      await new Promise((r) => setTimeout(r, 3000));
      const music = alawData(join(pbx.spoolDir, '..', 'run', 'sounds', 'hold/music.mp3.alaw.wav'));
      for (const c of callers) {
        expect(c.heard.packets.length).toBeGreaterThanOrEqual(50);
        expect(Buffer.concat(c.heard.packets.map((p) => p.payload)).indexOf(music.subarray(4000, 5600))).toBeGreaterThanOrEqual(0);
      }
      // 50 suspended calls hold none of Kamailio's 4 workers: a new request is answered at once.
      const started = Date.now();
      const ping = `ping-${newTag()}`;
      await trunk.send(buildRequest({ method: 'OPTIONS', uri: `sip:127.0.0.1:${pbx.ports.sip}`, local: trunk, from: `<sip:ping@${TRUNK_IP}>;tag=${newTag()}`, to: `<sip:127.0.0.1>`, callId: ping, cseq: 1 }), pbx.ports.sip);
      await trunk.waitFor((m) => m.header('call-id') === ping && m.status === 200, 1000, 'the answer to OPTIONS');
      expect(Date.now() - started).toBeLessThan(500);
      for (const c of callers) await trunk.send(buildRequest({ ...c.parts, method: 'CANCEL' }), pbx.ports.sip);
      for (const c of callers) await trunk.waitFor((m) => m.header('call-id') === c.callId && m.status === 487, 5000, 'the 487 of a cancelled waiting call');
      await new Promise((r) => setTimeout(r, 500));
      const after = Date.now();
      await new Promise((r) => setTimeout(r, 1000));
      expect(callers.map((c) => c.heard.packets.filter((p) => p.at > after).length)).toEqual(callers.map(() => 0));
      expect((await pbx.waitForRecord(callers[49]!.callId)).disposition).not.toBe('answered');
    } finally {
      phone.close();
      for (const c of callers) c.heard.socket.close();
    }
  }, 90_000);
});

describe('voicemail', () => {
  it('answers a missed call, plays prompt and beep, records up to max_seconds, hangs up, stores the message, attaches it and raises voicemail.left', async () => {
    const signal = alawData(join(pbx.spoolDir, '..', 'run', 'sounds', 'welcome.mp3.alaw.wav'));
    const caller = await callMailbox(pbx.ports.media(6), signal);
    try {
      // The mailbox hangs up by itself: prompt, beep, then max_seconds (5).
      const bye = await trunk.waitFor((m) => m.method === 'BYE' && m.header('call-id') === caller.callId, 30_000, 'the mailbox hanging up');
      await trunk.send(buildResponse(bye, 200, 'OK'), bye.from.port, bye.from.ip);
      // The caller heard the prompt and the beep, sample for sample.
      const heardStream = Buffer.concat(caller.heard.packets.map((p) => p.payload));
      const prompt = alawData(join(pbx.spoolDir, '..', 'run', 'sounds', 'default/en/voicemail-prompt.wav.alaw.wav'));
      const beep = alawData(join(pbx.spoolDir, '..', 'run', 'sounds', 'default/en/beep.wav.alaw.wav'));
      expect(heardStream.indexOf(prompt.subarray(4000, 6000))).toBeGreaterThanOrEqual(0);
      expect(heardStream.indexOf(beep.subarray(800, 1600))).toBeGreaterThan(heardStream.indexOf(prompt.subarray(4000, 6000)));

      const record = await pbx.waitForRecord(caller.callId);
      expect(record.disposition).toBe('missed');
      let left: Record<string, unknown> | undefined;
      let ready: Record<string, unknown> | undefined;
      for (let i = 0; i < 300 && !(left && ready); i++) {
        left = crm.verified().find((e) => e.type === 'voicemail.left' && e.data.callId === caller.callId)?.data;
        ready = crm.verified().find((e) => e.type === 'recording.ready' && e.data.callId === caller.callId)?.data;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(left).toMatchObject({ callId: caller.callId, scenario: 'mailbox-line', callerNumber: '+79165550000', companyNumber: MAILBOX_NUMBER });
      expect(Number(left!.seconds)).toBeGreaterThanOrEqual(4);
      expect(Number(left!.seconds)).toBeLessThanOrEqual(5);
      expect(ready).toBeDefined();
      expect(left!.url).toBe(ready!.url);
      // The stored message is what the caller sent: the left channel decodes his A-law bytes exactly.
      const audio = Buffer.from(await (await pbx.api(new URL(String(left!.url)).pathname)).arrayBuffer());
      const pcm = alawData2(audio);
      const left16 = Buffer.alloc(pcm.length / 2);
      for (let i = 0; i < pcm.length / 4; i++) left16.writeInt16LE(pcm.readInt16LE(i * 4), i * 2);
      const sent = Buffer.alloc(1600 * 2);
      for (let i = 0; i < 1600; i++) sent.writeInt16LE(PCMA_TO_LINEAR[signal[8000 + i]!]!, i * 2);
      expect(left16.indexOf(sent)).toBeGreaterThanOrEqual(0);
      // ...and the callback task says a message is waiting.
      const db = createDatabase(pbx.config.postgres);
      try {
        const task = await db.selectFrom('callback_tasks').selectAll().where('call_id', '=', caller.callId).executeTakeFirst();
        expect(task).toMatchObject({ manager: '102', voicemail_url: left!.url, voicemail_seconds: left!.seconds });
      } finally {
        await db.destroy();
      }
    } finally {
      caller.close();
    }
  }, 60_000);

  it('leaves no message when the caller hangs up before the beep: still a missed call', async () => {
    const signal = alawData(join(pbx.spoolDir, '..', 'run', 'sounds', 'welcome.mp3.alaw.wav'));
    const caller = await callMailbox(pbx.ports.media(7), signal);
    try {
      await new Promise((r) => setTimeout(r, 1500));
      await caller.hangUp();
      const record = await pbx.waitForRecord(caller.callId);
      expect(record.disposition).toBe('missed');
      await new Promise((r) => setTimeout(r, 4000));
      expect(crm.verified().filter((e) => e.data.callId === caller.callId)).toEqual([]);
      expect((await pbx.api(`/api/recordings/${encodeURIComponent(caller.callId)}/audio`)).status).toBe(404);
      const db = createDatabase(pbx.config.postgres);
      try {
        const task = await db.selectFrom('callback_tasks').selectAll().where('call_id', '=', caller.callId).executeTakeFirst();
        expect(task).toMatchObject({ manager: '102', voicemail_url: null });
      } finally {
        await db.destroy();
      }
    } finally {
      caller.close();
    }
  }, 30_000);
});

describe('sound files checked at load', () => {
  it('rejects a scenario naming a missing or broken file with file:line, and keeps the last good version', async () => {
    const file = join(pbx.dialplansDir, 'test-line.yaml');
    for (const [text, expected] of [
      [dialplan('greeting: nowhere.wav'), /test-line\.yaml:4: greeting: no file nowhere\.wav/],
      [dialplan('greeting: broken.wav'), /test-line\.yaml:4: greeting: broken\.wav is not a playable WAV or MP3 file/],
      [dialplan('greeting: ../etc/passwd.wav'), /test-line\.yaml:4: greeting: a sound path may not contain/],
    ] as const) {
      writeFileSync(join(pbx.spoolDir, '..', 'sounds', 'broken.wav'), Buffer.from('RIFF\0\0\0\0WAVEjunk, not audio'));
      const mark = pbx.logMark();
      writeFileSync(file, text);
      const deadline = Date.now() + 5000;
      while (!expected.test(pbx.logSince(mark)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(pbx.logSince(mark)).toMatch(expected);
      expect(pbx.logSince(mark)).toMatch(/last good version stays active/);
    }
    // The line still serves its last good version: the caller still gets the greeting (183).
    const placed = await call(COMPANY_NUMBER, pbx.ports.media(1));
    await trunk.send(buildRequest({ ...placed.parts, method: 'CANCEL' }), pbx.ports.sip);
    await trunk.waitFor((m) => m.header('call-id') === placed.callId && m.status === 487, 5000, 'the 487 after CANCEL');
  }, 30_000);
});
