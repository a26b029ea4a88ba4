import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kamailioSecrets } from '../../src/adapters/kamailio/render-config.js';
import { digestHa1 } from '../../src/core/agents/digest-ha1.js';
import { EvapiPeer } from '../helpers/evapi-peer.js';
import { SipEndpoint, newBranch, newTag, register } from '../helpers/raw-sip.js';
import { COMPANY_NUMBER, SIP_DOMAIN, TRUNK_IP, startTestPbx, type TestPbx } from '../helpers/test-pbx.js';

/**
 * The channel between Kamailio and the service: every event is valid JSON whatever
 * a caller puts in his headers, every new call gets an answer, and only the service
 * (which knows the channel secret) hears the events or may answer them.
 */
let pbx: TestPbx;
let trunk: SipEndpoint;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  // Nobody registers: a call the service reads gets 480; the trunk may send as fast as the test does.
  pbx = await startTestPbx({ name: 'evapi-channel', basePort: 24000, managers: 1, trunk: { maxCallsPerSecond: 1000 } });
  trunk = await SipEndpoint.open(TRUNK_IP, pbx.ports.trunk);
});

afterAll(async () => {
  trunk?.close();
  await pbx?.destroy();
});

interface HostileCall {
  callId: Buffer;
  fromUser: Buffer;
  toUser: Buffer;
  ruriUser: Buffer;
}

const text = (s: string) => Buffer.from(s, 'latin1');

/** A request from the trunk carrying the hostile values byte for byte. */
function hostileRequest(method: string, call: HostileCall, branch: string): Buffer {
  const proxy = `127.0.0.1:${pbx.ports.sip}`;
  return Buffer.concat([
    text(`${method} sip:`), call.ruriUser, text(`@${proxy} SIP/2.0\r\n`),
    text(`Via: SIP/2.0/UDP ${trunk.contact};branch=${branch}\r\n`),
    text('Max-Forwards: 70\r\n'),
    text('From: <sip:'), call.fromUser, text(`@${TRUNK_IP}>;tag=${newTag()}\r\n`),
    text('To: <sip:'), call.toUser, text(`@${proxy}>\r\n`),
    text('Call-ID: '), call.callId, text('\r\n'),
    text(`CSeq: 1 ${method}\r\n`),
    text(`Contact: <sip:caller@${trunk.contact}>\r\n`),
    text('Content-Length: 0\r\n\r\n'),
  ]);
}

async function finalAnswer(call: HostileCall, method: 'INVITE' | 'OPTIONS', timeoutMs = 5000): Promise<number> {
  const branch = newBranch();
  await trunk.send(hostileRequest(method, call, branch), pbx.ports.sip);
  const answer = await trunk.waitFor((m) => m.text.includes(branch) && (m.status ?? 0) >= 200, timeoutMs, `a final answer to the hostile ${method}`);
  return answer.status!;
}

async function parsedByKamailio(call: HostileCall): Promise<boolean> {
  return finalAnswer(call, 'OPTIONS', 300).then(
    () => true,
    () => false,
  );
}

/** Bytes a header value can hold on the wire: anything but CR and LF, which end the header. */
const hostileByte = fc.oneof(
  fc.constantFrom(0x00, 0x22, 0x27, 0x5c, 0x01, 0x08, 0x1b, 0x1f, 0x7f, 0x80, 0xc3, 0xff, 0xed, 0xa0),
  fc.integer({ min: 0, max: 255 }).filter((b) => b !== 0x0a && b !== 0x0d),
);
const hostileValue = (minLength: number) => fc.array(hostileByte, { minLength, maxLength: 40 }).map((bytes) => Buffer.from(bytes));
const hostileCall = fc.record({ callId: hostileValue(1), fromUser: hostileValue(0), toUser: hostileValue(0), ruriUser: hostileValue(0) });

/**
 * The largest value one UDP datagram can carry beside the rest of the INVITE: a
 * datagram holds 65,507 bytes and Kamailio reads at most 65,535 (BUF_SIZE), so a
 * 64 KiB header value cannot reach it over UDP at all. Kamailio refuses an INVITE
 * whose Call-ID, From, To or R-URI is over 1 KiB itself (400 Header Too Long).
 */
const BIGGEST = 65_507 - 600;
const plain = (s: string) => Buffer.from(s, 'latin1');
const EDGE_CASES: HostileCall[] = [
  { callId: plain('q"u\'o\\te@x'), fromUser: plain('"\\'), toUser: plain(''), ruriUser: plain(COMPANY_NUMBER) },
  { callId: Buffer.from([0x61, 0x00, 0x62]), fromUser: Buffer.from([0x00]), toUser: plain(COMPANY_NUMBER), ruriUser: plain(COMPANY_NUMBER) },
  { callId: Buffer.from([0xc3, 0x28, 0xff, 0xfe]), fromUser: Buffer.from([0x80, 0xbf]), toUser: plain(COMPANY_NUMBER), ruriUser: plain(COMPANY_NUMBER) },
  { callId: Buffer.from([0x01, 0x1f, 0x7f, 0x1b]), fromUser: Buffer.from([0x08, 0x0c, 0x09]), toUser: plain(COMPANY_NUMBER), ruriUser: plain(COMPANY_NUMBER) },
  { callId: plain('empty-users'), fromUser: plain(''), toUser: plain(''), ruriUser: plain('') },
  { callId: Buffer.alloc(BIGGEST, 0x41), fromUser: plain('79161234567'), toUser: plain(COMPANY_NUMBER), ruriUser: plain(COMPANY_NUMBER) },
  { callId: plain('big-from'), fromUser: Buffer.alloc(BIGGEST, 0xff), toUser: plain(COMPANY_NUMBER), ruriUser: plain(COMPANY_NUMBER) },
];

describe('the evapi channel', () => {
  it('answers every INVITE within 5 s whatever bytes its Call-ID, From, To and R-URI users hold, and the service skips no event', async () => {
    const logFrom = pbx.logMark();
    let parsed = 0;
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(hostileCall, async (call) => {
        runs++;
        // Kamailio's core parser drops some malformed messages (a To or R-URI it cannot
        // parse) before any script runs, silently: not ours to answer. An OPTIONS with the
        // same headers tells which (it gets 405 from the script when parsed).
        if (!(await parsedByKamailio(call))) return;
        parsed++;
        expect(await finalAnswer(call, 'INVITE')).toBeGreaterThanOrEqual(400);
      }),
      { numRuns: 60, seed: 11, examples: EDGE_CASES.map((c) => [c]) },
    );
    expect(parsed).toBeGreaterThan(runs / 4); // the property is not vacuous
    expect(pbx.logSince(logFrom)).not.toMatch(/skipped|unreadable route request/);
  }, 240_000);
});

const ordinaryCall = (): HostileCall => ({ callId: plain(`ordinary-${newTag()}`), fromUser: plain('79161234567'), toUser: plain(COMPANY_NUMBER), ruriUser: plain(COMPANY_NUMBER) });

describe('who may use the channel', () => {
  it('lets only a client that gives the secret hear events or be heard, and resets a reused slot', async () => {
    // The service's own slot, freed and taken by a stranger: it must not inherit the service's tag.
    pbx.evapi.stop();
    const squatter = await EvapiPeer.connect(pbx.ports.evapi);
    pbx.evapi.start();
    await pbx.evapi.waitConnected(5000);
    const wrongSecret = await EvapiPeer.connect(pbx.ports.evapi);
    wrongSecret.send({ type: 'hello', secret: 'guessed' });
    await pause(200);
    const phone = await SipEndpoint.open('127.0.0.40');
    try {
      expect(await finalAnswer(ordinaryCall(), 'INVITE')).toBe(480); // the service answered: nobody is registered
      await pause(200);
      expect(squatter.received).toEqual([]);
      expect(wrongSecret.received).toEqual([]);
      // What they send is not acted on: here, a credential that would let them register as 101.
      for (const peer of [squatter, wrongSecret]) peer.send({ type: 'credential', user: '101', ha1: digestHa1('101', SIP_DOMAIN, 'hijacked-password') });
      await pause(200);
      expect((await register(phone, pbx.ports.sip, { user: '101', password: 'hijacked-password', domain: SIP_DOMAIN })).status).toBe(403);
      expect((await register(phone, pbx.ports.sip, { user: '101', password: pbx.passwordOf('101'), domain: SIP_DOMAIN, expires: 0 })).status).toBe(200);
    } finally {
      phone.close();
      squatter.close();
      wrongSecret.close();
    }
  });

  it('answers 503 itself when the service does not decide within firstDecisionSeconds', async () => {
    pbx.evapi.stop();
    const silent = await EvapiPeer.connect(pbx.ports.evapi);
    silent.send({ type: 'hello', secret: kamailioSecrets(pbx.config).evapi });
    await pause(200);
    try {
      const branch = newBranch();
      await trunk.send(hostileRequest('INVITE', ordinaryCall(), branch), pbx.ports.sip);
      const answer = await trunk.waitFor((m) => m.text.includes(branch) && (m.status ?? 0) >= 200, 6000, 'the 503 of an undecided call');
      expect(answer.status).toBe(503);
      expect(answer.header('retry-after')).toBe('5');
      expect(silent.received).toContainEqual(expect.objectContaining({ event: 'route', source: 'trunk' }));
    } finally {
      silent.close();
      pbx.evapi.start();
      await pbx.evapi.waitConnected(5000);
    }
  });
});

describe('files', () => {
  it('keeps the rendered Kamailio config (it holds the secrets) and the spool readable by the service only', () => {
    const runDir = join(dirname(pbx.spoolDir), 'run');
    expect(statSync(join(runDir, 'kamailio.cfg')).mode & 0o777).toBe(0o600);
    expect(statSync(runDir).mode & 0o777).toBe(0o700);
    expect(statSync(pbx.spoolDir).mode & 0o777).toBe(0o700);
  });
});
