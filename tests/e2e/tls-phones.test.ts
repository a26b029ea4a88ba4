import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sipTlsFiles } from '../../src/adapters/kamailio/sip-tls-files.js';
import { ngRequest } from '../../src/adapters/rtpengine/ng-request.js';
import { RedisKeys } from '../../src/adapters/redis/redis-keys.js';
import { startBaresip, type BaresipPhone } from '../helpers/baresip.js';
import { Phones, callIdOf } from '../helpers/phones.js';
import { TRUNK_IP, portPlan, startTestPbx, type TestPbx } from '../helpers/test-pbx.js';
import { until } from '../helpers/until.js';

/**
 * Phones over TLS with SRTP media, and over TCP, against the real PBX: the service makes a
 * self-signed certificate, Kamailio's tls module presents it, baresip registers over TLS
 * with SDES-SRTP required (mediaenc=srtp-mand) and places and receives calls; rtpengine
 * bridges its SRTP to the trunk's plain RTP and records both sides decrypted. And what a
 * TLS port on the internet receives: plain text, silence, garbage inside TLS.
 */
const BASE = 46000;
const ports = portPlan(BASE);
let pbx: TestPbx;
let phones: Phones;
let tlsPhone: BaresipPhone;
const CLIENT = '+79161234567';

beforeAll(async () => {
  pbx = await startTestPbx({
    name: 'tls-phones',
    basePort: BASE,
    managers: 2,
    ringTimeoutSeconds: 5,
    sip: { tcp: true, tls: { enabled: true, port: ports.tls } },
    // The browser phone's WebSocket beside them: three TCP listeners in one Kamailio.
    webphone: { enabled: true },
    recordings: { format: 'wav' },
  });
  phones = new Phones(pbx);
  tlsPhone = startBaresip({
    extension: '101',
    password: pbx.passwordOf('101'),
    port: phones.portOf('101'),
    proxy: `127.0.0.1:${ports.tls}`,
    domain: pbx.config.sip.domain,
    transport: 'tls',
    // The phone trusts the PBX's own self-signed certificate.
    caFile: sipTlsFiles(pbx.config).certificate,
    mediaenc: 'srtp-mand',
    ctrlPort: phones.portOf('101') + 3,
  });
  await until('baresip 101 is registered over TLS', async () => registrationOf('101'), 15_000, pbx.logFile);
}, 60_000);

afterAll(async () => {
  await tlsPhone?.stop();
  await pbx?.destroy();
});

async function registrationOf(extension: string): Promise<{ contact: string; source: string } | null> {
  const text = await pbx.redis.get(new RedisKeys(pbx.config.redis.keyPrefix).registration(extension));
  return text ? (JSON.parse(text) as { contact: string; source: string }) : null;
}

/** The transport profiles rtpengine holds for a call's legs (its ng "query"). */
/** rtpengine records from the answer on: the call's pcap in the spool says it was answered. */
function recordingStarted(callId: string): boolean {
  const dir = join(pbx.spoolDir, 'pcaps');
  return existsSync(dir) && readdirSync(dir).some((f) => decodeURIComponent(f).startsWith(callId));
}

async function mediaProtocols(callId: string): Promise<string[]> {
  const answer = await ngRequest(pbx.ports.ng, '127.0.0.1', { command: 'query', 'call-id': callId }, 1000);
  if ('error' in answer) return [];
  return [...answer.reply.matchAll(/8:protocol(\d+):/g)].map((m) => answer.reply.substr(m.index + m[0].length, Number(m[1])));
}

/** The distinct profiles of the call's legs once both are there (or what was seen after 10 s), sorted. */
async function legProfiles(callId: string): Promise<string[]> {
  const deadline = Date.now() + 10_000;
  let seen: string[] = [];
  while (Date.now() < deadline) {
    seen = await mediaProtocols(callId);
    if (seen.length >= 2 && new Set(seen).size === 2) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return [...new Set(seen)].sort();
}

interface RecordingJson {
  callId: string;
  status: string;
}

/** The stored recording's two channels: RMS amplitude and sox's rough frequency of each (left: the caller). */
async function recordedChannels(callId: string): Promise<{ rms: number; hz: number }[]> {
  await until(`the recording of ${callId} is stored`, async () => {
    const list = (await (await pbx.api('/api/recordings?limit=50')).json()) as { items: RecordingJson[] };
    return list.items.find((r) => r.callId === callId)?.status === 'stored';
  }, 30_000, pbx.logFile);
  const audio = await pbx.api(`/api/recordings/${encodeURIComponent(callId)}/audio`);
  expect(audio.status).toBe(200);
  const file = join(tmpdir(), `leadline-tls-${process.pid}-${randomBytes(3).toString('hex')}.wav`);
  writeFileSync(file, Buffer.from(await audio.arrayBuffer()));
  return [1, 2].map((channel) => {
    const stat = spawnSync('sox', [file, '-n', 'remix', String(channel), 'stat'], { encoding: 'utf8' }).stderr; // sox prints stat on stderr
    return { rms: Number(/RMS\s+amplitude:\s+([\d.]+)/.exec(stat)?.[1]), hz: Number(/Rough\s+frequency:\s+(\d+)/.exec(stat)?.[1]) };
  });
}

async function managerCallIds(extension: string): Promise<string[]> {
  const body = (await (await pbx.api('/api/managers')).json()) as { managers: { extension: string; status: string; callIds: string[] }[] };
  const m = body.managers.find((x) => x.extension === extension);
  return m?.status === 'on-call' ? m.callIds : [];
}

describe('the TLS listener', () => {
  it('presents the self-signed certificate the service made (key private to the service), over TLS 1.3 or 1.2', async () => {
    const files = sipTlsFiles(pbx.config);
    expect(files.selfSigned).toBe(true);
    expect(statSync(files.privateKey).mode & 0o077).toBe(0);
    const onDisk = new X509Certificate(readFileSync(files.certificate));
    expect(onDisk.subjectAltName).toContain(`DNS:${pbx.config.sip.domain}`);
    expect(onDisk.subjectAltName).toContain('IP Address:127.0.0.1');

    const socket = tlsConnect({ host: '127.0.0.1', port: ports.tls, ca: readFileSync(files.certificate), servername: pbx.config.sip.domain });
    await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
    // Verified against the file: the phone's CA is the certificate itself.
    expect(socket.authorized).toBe(true);
    expect(socket.getPeerX509Certificate()!.fingerprint256).toBe(onDisk.fingerprint256);
    expect(socket.getProtocol()).toBe('TLSv1.3');
    socket.destroy();

    // A phone that speaks TLS 1.2 at most (many desk phones) is served too.
    const older = tlsConnect({ host: '127.0.0.1', port: ports.tls, rejectUnauthorized: false, maxVersion: 'TLSv1.2' });
    await new Promise<void>((resolve, reject) => older.once('secureConnect', resolve).once('error', reject));
    expect(older.getProtocol()).toBe('TLSv1.2');
    older.destroy();
  });

  it('registers the baresip phone with its TLS connection as the place to ring it', async () => {
    const reg = (await registrationOf('101'))!;
    expect(reg.source).toMatch(/^sip:127\.0\.0\.1:\d+;transport=tls$/);
    expect(reg.contact.toLowerCase()).toContain('transport=tls');
  });
});

describe('a phone on TLS with SRTP', () => {
  it('answers a trunk call: SRTP toward the phone, RTP toward the trunk, audio both ways in the recording', async () => {
    const caller = phones.callFromTrunk({ talkMs: 4000, caller: '79165550101' });
    const callId = callIdOf(caller, TRUNK_IP);
    // While they talk, rtpengine holds one SDES-SRTP leg (the phone's) and one plain one (the trunk's).
    expect(await legProfiles(callId)).toEqual(['RTP/AVP', 'RTP/SAVP']);
    const result = await caller.done;
    expect(result.exitCode, result.errors + tlsPhone.output()).toBe(0);
    const record = await pbx.waitForRecord(callId);
    expect(record).toMatchObject({ direction: 'inbound', disposition: 'answered', manager: '101' });

    // rtpengine records the phone's side decrypted: its 1 kHz tone on the right, the client's audio on the left.
    const [client, manager] = await recordedChannels(callId);
    expect(client!.rms, 'the client channel').toBeGreaterThan(0.01);
    expect(manager!.rms, 'the manager channel').toBeGreaterThan(0.05);
    expect(Math.abs(manager!.hz - 1000)).toBeLessThan(50);
  }, 60_000);

  it('places a call to a client through the trunk, which sees plain RTP; audio both ways in the recording', async () => {
    const trunk = await phones.trunkAnswers(1);
    let callId = '';
    let trunkDir = '';
    try {
      await tlsPhone.command('dial', `sip:${CLIENT}@${pbx.config.sip.domain}`);
      callId = (await until('manager 101 talks to the client', async () => (await managerCallIds('101'))[0] ?? null, 15_000, pbx.logFile))!;
      expect(await legProfiles(callId)).toEqual(['RTP/AVP', 'RTP/SAVP']);
      await new Promise((r) => setTimeout(r, 3000));
      await tlsPhone.command('hangup');
    } finally {
      trunkDir = (await trunk.stop()).workDir;
    }
    const record = await pbx.waitForRecord(callId);
    expect(record).toMatchObject({ direction: 'outbound', disposition: 'answered', manager: '101', calleeNumber: CLIENT });
    // The trunk got an ordinary offer: RTP/AVP, no SDES keys.
    const seenByTrunk = readFileSync(join(trunkDir, 'messages.log'), 'utf8');
    const invite = seenByTrunk.slice(seenByTrunk.indexOf('INVITE sip:'));
    expect(invite).toMatch(/m=audio \d+ RTP\/AVP /);
    expect(invite).not.toContain('a=crypto');
    // The manager on the left (his tone), the trunk's echo of it on the right.
    const [manager, client] = await recordedChannels(callId);
    expect(manager!.rms, 'the manager channel').toBeGreaterThan(0.05);
    expect(Math.abs(manager!.hz - 1000)).toBeLessThan(50);
    expect(client!.rms, 'the client channel').toBeGreaterThan(0.01);
  }, 60_000);
});

/** baresip as manager 102 over TCP, plain RTP. */
function tcpPhone102(): BaresipPhone {
  return startBaresip({
    extension: '102',
    password: pbx.passwordOf('102'),
    port: phones.portOf('102'),
    proxy: `127.0.0.1:${ports.sip}`,
    domain: pbx.config.sip.domain,
    transport: 'tcp',
    ctrlPort: phones.portOf('102') + 3,
  });
}

describe('a phone on TCP', () => {
  it('registers over TCP and calls out through the trunk, on plain RTP', async () => {
    const phone = tcpPhone102();
    const trunk = await phones.trunkAnswers(1);
    let callId = '';
    try {
      const reg = await until('baresip 102 is registered over TCP', async () => registrationOf('102'), 15_000, pbx.logFile);
      expect(reg.source).toMatch(/;transport=tcp$/);
      await phone.command('dial', `sip:${CLIENT}@${pbx.config.sip.domain}`);
      callId = (await until('manager 102 talks to the client', async () => (await managerCallIds('102'))[0] ?? null, 15_000, pbx.logFile))!;
      // 'on-call' comes with the dial; the talk starts at the trunk's answer, which is when
      // rtpengine opens the call's pcap (a loaded machine may take seconds to get there).
      await until('the trunk answers (the recording starts)', async () => (recordingStarted(callId) ? true : null), 15_000, pbx.logFile);
      // Both legs plain RTP: nothing to bridge.
      expect(new Set(await mediaProtocols(callId))).toEqual(new Set(['RTP/AVP']));
      await new Promise((r) => setTimeout(r, 2000));
      await phone.command('hangup');
    } finally {
      await trunk.stop();
      await phone.stop();
    }
    expect(await pbx.waitForRecord(callId)).toMatchObject({ direction: 'outbound', disposition: 'answered', manager: '102' });
    const [manager, client] = await recordedChannels(callId);
    expect(manager!.rms).toBeGreaterThan(0.05);
    expect(client!.rms).toBeGreaterThan(0.01);
  }, 60_000);

  it('is rung over its TCP connection by the TLS phone: SRTP on one leg, RTP on the other', async () => {
    const phone = tcpPhone102();
    let callId = '';
    try {
      await until('baresip 102 is registered over TCP', async () => ((await registrationOf('102'))?.source.endsWith(';transport=tcp') ? true : null), 15_000, pbx.logFile);
      await tlsPhone.command('dial', `sip:102@${pbx.config.sip.domain}`);
      callId = (await until('manager 101 talks to 102', async () => (await managerCallIds('102'))[0] ?? null, 15_000, pbx.logFile))!;
      expect(await legProfiles(callId)).toEqual(['RTP/AVP', 'RTP/SAVP']);
      await new Promise((r) => setTimeout(r, 2000));
      await tlsPhone.command('hangup');
    } finally {
      await phone.stop();
    }
    expect(await pbx.waitForRecord(callId)).toMatchObject({ direction: 'internal', disposition: 'answered', manager: '102' });
    // Both phones play a 1 kHz tone: each channel carries it.
    for (const channel of await recordedChannels(callId)) {
      expect(channel.rms).toBeGreaterThan(0.05);
      expect(Math.abs(channel.hz - 1000)).toBeLessThan(50);
    }
  }, 60_000);
});

/** Resolves with how long the server took to close the connection, or rejects after timeoutMs. */
function closedWithin(socket: Socket | TLSSocket, timeoutMs: number): Promise<number> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the connection was still open after ${timeoutMs} ms`)), timeoutMs);
    socket.on('error', () => undefined);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - started);
    });
  });
}

function register(viaTransport: 'TLS' | 'TCP', port: number): string {
  const tag = randomBytes(4).toString('hex');
  return [
    `REGISTER sip:${pbx.config.sip.domain} SIP/2.0`,
    `Via: SIP/2.0/${viaTransport} 127.0.0.1:${port};branch=z9hG4bK-${tag};rport`,
    'Max-Forwards: 70',
    `From: <sip:103@${pbx.config.sip.domain}>;tag=${tag}`,
    `To: <sip:103@${pbx.config.sip.domain}>`,
    `Call-ID: hostile-${tag}@127.0.0.1`,
    'CSeq: 1 REGISTER',
    `Contact: <sip:103@127.0.0.1:${port};transport=${viaTransport.toLowerCase()}>`,
    'Expires: 60',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

async function firstReply(socket: Socket | TLSSocket, request: string): Promise<string> {
  let text = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no reply within 3 s; got: ${text}`)), 3000);
    socket.on('data', (d: Buffer) => {
      text += d.toString();
      if (text.includes('\r\n\r\n')) {
        clearTimeout(timer);
        resolve(text.split('\r\n')[0]!);
      }
    });
    socket.write(request);
  });
}

describe('hostile input on the TLS and TCP ports', () => {
  it('closes plain text on the TLS port and garbage inside TLS at once, a TLS connection that says nothing after 10 s; then still serves', async () => {
    // Plain text where a TLS handshake belongs: the handshake fails and the connection is closed.
    const plain = tcpConnect(ports.tls, '127.0.0.1');
    await new Promise<void>((r) => plain.once('connect', () => r()));
    const plainClosed = closedWithin(plain, 3000);
    plain.write(`OPTIONS sip:${pbx.config.sip.domain} SIP/2.0\r\n\r\n${randomBytes(2000).toString('binary')}`);
    expect(await plainClosed).toBeLessThan(3000);

    // Garbage after a good handshake: no answer, the connection is closed (measured: about 40 ms).
    const tls = tlsConnect({ host: '127.0.0.1', port: ports.tls, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => tls.once('secureConnect', resolve).once('error', reject));
    const tlsClosed = closedWithin(tls, 3000);
    let answered = '';
    tls.on('data', (d: Buffer) => (answered += d.toString('latin1')));
    tls.write(Buffer.concat([randomBytes(4096), Buffer.from('\r\n\r\n')]));
    expect(await tlsClosed).toBeLessThan(3000);
    expect(answered).toBe('');

    // A handshake and then silence: the tls module's connection_timeout (10 s; measured 16 s
    // with Kamailio's connection timer) closes it, not tcp_connection_lifetime (an hour).
    const silent = tlsConnect({ host: '127.0.0.1', port: ports.tls, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => silent.once('secureConnect', resolve).once('error', reject));
    const silentFor = await closedWithin(silent, 40_000);
    expect(silentFor).toBeGreaterThan(9000);

    // Meanwhile and after: a fresh TLS connection gets its REGISTER challenged, and the TLS phone is still registered.
    const good = tlsConnect({ host: '127.0.0.1', port: ports.tls, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => good.once('secureConnect', resolve).once('error', reject));
    expect(await firstReply(good, register('TLS', good.localPort!))).toBe('SIP/2.0 401 Unauthorized');
    good.destroy();
    expect((await registrationOf('101'))?.source).toMatch(/transport=tls/);
  }, 60_000);

  it('closes a TCP connection that sends an endless header, and still answers SIP over TCP (but not on the WebSocket port)', async () => {
    const flood = tcpConnect(ports.sip, '127.0.0.1');
    await new Promise<void>((r) => flood.once('connect', () => r()));
    const closed = closedWithin(flood, 3000);
    // Header lines without an end: Kamailio's read buffer (64 KiB) fills and it drops the
    // connection ("tcp_read(): buffer overrun, dropping" in its log).
    const line = `X-Junk: ${'a'.repeat(1000)}\r\n`;
    flood.write(`REGISTER sip:${pbx.config.sip.domain} SIP/2.0\r\n`);
    for (let i = 0; i < 200 && !flood.destroyed; i++) flood.write(line);
    expect(await closed).toBeLessThan(3000);

    const tcp = tcpConnect(ports.sip, '127.0.0.1');
    await new Promise<void>((r) => tcp.once('connect', () => r()));
    expect(await firstReply(tcp, register('TCP', tcp.localPort!))).toBe('SIP/2.0 401 Unauthorized');
    tcp.destroy();
    // Plain SIP on the browser phone's WebSocket port is still refused there.
    const ws = tcpConnect(ports.ws, '127.0.0.1');
    await new Promise<void>((r) => ws.once('connect', () => r()));
    expect(await firstReply(ws, register('TCP', ws.localPort!))).toBe('SIP/2.0 403 SIP over WebSocket only');
    ws.destroy();
  }, 30_000);
});
