import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSipp } from '../helpers/sipp.js';
import { COMPANY_NUMBER, TRUNK_IP, startTestPbx, type TestPbx } from '../helpers/test-pbx.js';

/**
 * What a PBX on the internet receives all day: garbage datagrams and floods.
 * Each test uses its own loopback source address, because pike blocks by address.
 */
let pbx: TestPbx;
const RATED_CPS = 5;

beforeAll(async () => {
  pbx = await startTestPbx({ name: 'hostile', basePort: 19000, managers: 1, maxCallsPerSecond: RATED_CPS });
});

afterAll(async () => {
  await pbx?.destroy();
});

function options(ip: string, port: number, n: number, proxyPort: number): string {
  return [
    `OPTIONS sip:127.0.0.1:${proxyPort} SIP/2.0`,
    `Via: SIP/2.0/UDP ${ip}:${port};branch=z9hG4bK-${n}-${randomBytes(4).toString('hex')}`,
    'Max-Forwards: 70',
    `From: <sip:probe@${ip}>;tag=${n}`,
    `To: <sip:127.0.0.1:${proxyPort}>`,
    `Call-ID: probe-${n}-${randomBytes(4).toString('hex')}@${ip}`,
    `CSeq: ${n} OPTIONS`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

async function openSocket(ip: string): Promise<{ socket: Socket; port: number; replies: string[] }> {
  const socket = createSocket('udp4');
  const replies: string[] = [];
  socket.on('message', (m) => replies.push(m.toString()));
  await new Promise<void>((r) => socket.bind(0, ip, () => r()));
  return { socket, port: socket.address().port, replies };
}

/** The trunk places calls to the company number; returns the final code of each (uac-call-expect-failure.xml). */
async function trunkCallFinals(calls: number, rate?: number): Promise<number[]> {
  const result = await runSipp({
    scenario: 'uac-call-expect-failure.xml',
    remote: `127.0.0.1:${pbx.ports.sip}`,
    localIp: TRUNK_IP,
    localPort: pbx.ports.trunk,
    mediaPort: pbx.ports.media(9),
    service: COMPANY_NUMBER,
    calls,
    ...(rate ? { rate } : {}),
    timeoutMs: 30_000,
  });
  return result.logLines.map((l) => Number(/final=(\d+)/.exec(l)?.[1]));
}

const send = (s: Socket, text: string | Buffer, port: number) => new Promise<void>((r) => s.send(text, port, '127.0.0.1', () => r()));
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('hostile input', () => {
  it('drops SIP garbage and keeps answering well-formed requests', async () => {
    const { socket, port, replies } = await openSocket('127.0.0.10');
    try {
      const garbage = [
        'hello world',
        randomBytes(1400),
        'INVITE sip:x SIP/2.0\r\nVia: nonsense\r\n\r\n',
        `INVITE sip:101@127.0.0.1 SIP/2.0\r\nCSeq: banana\r\nContent-Length: 99999\r\n\r\n`,
        '\r\n\r\n',
      ];
      for (const g of garbage) await send(socket, g, pbx.ports.sip);
      await pause(300);
      expect(replies.filter((r) => !r.startsWith('SIP/2.0 4'))).toEqual([]);
      await send(socket, options('127.0.0.10', port, 1, pbx.ports.sip), pbx.ports.sip);
      await pause(300);
      expect(replies.some((r) => r.startsWith('SIP/2.0 200'))).toBe(true);
      expect((await fetch(`${pbx.httpUrl}/healthz`)).status).toBe(200);
    } finally {
      socket.close();
    }
  });

  it('stops answering an address that floods it', async () => {
    const { socket, port, replies } = await openSocket('127.0.0.11');
    try {
      const sent = 400;
      for (let i = 0; i < sent; i++) await send(socket, options('127.0.0.11', port, i + 1, pbx.ports.sip), pbx.ports.sip);
      await pause(500);
      const answered = replies.filter((r) => r.startsWith('SIP/2.0 200')).length;
      // pike lets about 64 requests per 2 s through, then drops the rest silently
      expect(answered).toBeGreaterThan(10);
      expect(answered).toBeLessThan(sent / 2);
    } finally {
      socket.close();
    }
    // Another address is not punished for it.
    const other = await openSocket('127.0.0.12');
    try {
      await send(other.socket, options('127.0.0.12', other.port, 1, pbx.ports.sip), pbx.ports.sip);
      await pause(300);
      expect(other.replies.some((r) => r.startsWith('SIP/2.0 200'))).toBe(true);
    } finally {
      other.socket.close();
    }
  });

  it('answers calls above the rated rate with a fast 503 instead of letting them time out', async () => {
    // 60 calls in 2 s against a node rated for 5/s; nobody is registered, so an admitted
    // call gets 480 from the service and a refused one 503 from Kamailio.
    const finals = await trunkCallFinals(60, 30);
    const overloaded = finals.filter((c) => c === 503).length;
    const admitted = finals.filter((c) => c === 480).length;
    expect(finals).toHaveLength(60); // every call got a final answer: none timed out
    expect(overloaded).toBeGreaterThan(20);
    expect(admitted).toBeGreaterThan(0);
    expect(admitted + overloaded).toBe(60);
  });

  it('refuses calls with 503 at once while the service is disconnected, and routes again after it reconnects', async () => {
    const callOnce = async () => (await trunkCallFinals(1))[0];
    await new Promise((r) => setTimeout(r, 1100)); // let the rate limit of the previous test reset
    pbx.evapi.stop();
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    expect(await callOnce()).toBe(503);
    expect(Date.now() - started).toBeLessThan(3000); // not a transaction timeout
    pbx.evapi.start();
    await pbx.evapi.waitConnected(5000);
    expect(await callOnce()).toBe(480); // the service answered: nobody is registered
  });

  // Last: it breaks this PBX on purpose.
  it('says in /healthz which component is down when rtpengine dies', async () => {
    expect((await fetch(`${pbx.httpUrl}/healthz`)).status).toBe(200);
    execFileSync('pkill', ['-KILL', '-f', `listen-ng=127.0.0.1:${pbx.ports.ng}`]);
    const res = await fetch(`${pbx.httpUrl}/healthz`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { down: string[] };
    expect(body.down).toEqual(['rtpengine']);
  });
});

