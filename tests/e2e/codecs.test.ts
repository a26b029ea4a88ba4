import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisKeys } from '../../src/adapters/redis/redis-keys.js';
import { readPcapUdp } from '../../src/adapters/rtpengine/pcap-reader.js';
import { PCMA_TO_LINEAR } from '../../src/core/recordings/g711.js';
import { parseRtpPacket } from '../../src/core/recordings/rtp-packet.js';
import { bestLag, rms, soxSamples, stereoWavChannels } from '../helpers/audio-match.js';
import { startBaresip, type BaresipCodec, type BaresipPhone } from '../helpers/baresip.js';
import { Phones } from '../helpers/phones.js';
import { startTestPbx, type TestPbx } from '../helpers/test-pbx.js';

/**
 * Any common codec (issue 14, point 5): real baresip phones that offer only Opus or
 * only G.722 call out through the trunk (sipp, G.711 only, echoing) and are called from
 * it. rtpengine transcodes their leg to G.711 for the trunk; the recording decodes what
 * each side sent, so both channels carry the audio the phone played (correlated with the
 * speech file it sent, allowing for the codec's loss) instead of a silent channel.
 */
const BASE = 47000;
let pbx: TestPbx;
let phones: Phones;
let dir: string;
/** A few seconds of speech (espeak-ng): unlike a tone, it matches at one lag only. */
let speech: string;
/** The speech at 8 kHz: what a perfect recording channel would hold. */
let reference: Int16Array;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'leadline-codecs-'));
  speech = join(dir, 'speech.wav');
  execFileSync('espeak-ng', ['-s', '150', '-w', speech, 'Leadline records every call. The phone keeps its own codec, the trunk hears G seven eleven, and the recording carries what was said on both sides.']);
  reference = soxSamples(speech, 8000);
  pbx = await startTestPbx({ name: 'codecs', basePort: BASE, managers: 2, recordings: { format: 'wav' } });
  phones = new Phones(pbx);
}, 60_000);

afterAll(async () => {
  await pbx?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (expectedCodecs.size > 0) {
    const decoded = decodedCodecsOf();
    for (const [callId, codecs] of expectedCodecs) expect(decoded.get(callId), `codecs the worker decoded for ${callId}`).toEqual(codecs);
  }
});

/**
 * The speech as a WAV in the codec's own rate and channels: baresip's aufile refuses a file
 * that differs ("must have sample-rate ..."): Opus is 48 kHz stereo, G.722 16 kHz mono.
 */
function speechAt(rate: number, channels: number): string {
  const path = join(dir, `speech-${rate}-${channels}.wav`);
  execFileSync('sox', [speech, '-r', String(rate), '-c', String(channels), '-b', '16', path]);
  return path;
}

const FILE_FORMAT: Record<BaresipCodec, [number, number]> = { opus: [48000, 2], g722: [16000, 1], g711: [8000, 1] };

function phoneWith(extension: string, codec: BaresipCodec): BaresipPhone {
  const i = Number(extension) - 101;
  return startBaresip({
    extension,
    password: pbx.passwordOf(extension),
    port: phones.portOf(extension),
    proxy: `127.0.0.1:${pbx.ports.sip}`,
    domain: pbx.config.sip.domain,
    codec,
    audioFile: speechAt(...FILE_FORMAT[codec]),
    ctrlPort: BASE + 950 + i,
    rtpPorts: [BASE + 850 + i * 20, BASE + 869 + i * 20],
  });
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what} (see ${pbx.logFile})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface RecordingJson {
  callId: string;
  status: string;
  manager: string | null;
}

/** The newest stored recording (of a manager, or any) other than those already seen, as its WAV channels. */
async function storedRecordingOf(manager: string | null, seen: Set<string>): Promise<{ callId: string; left: Int16Array; right: Int16Array }> {
  let rec: RecordingJson | undefined;
  await until(`a new recording of ${manager ?? 'any manager'} is stored`, async () => {
    const list = (await (await pbx.api('/api/recordings?limit=50')).json()) as { items: RecordingJson[] };
    rec = list.items.find((r) => (manager === null || r.manager === manager) && !seen.has(r.callId) && r.status === 'stored');
    return rec !== undefined;
  }, 30_000);
  seen.add(rec!.callId);
  const audio = await pbx.api(`/api/recordings/${encodeURIComponent(rec!.callId)}/audio`);
  expect(audio.status).toBe(200);
  const [left, right] = stereoWavChannels(Buffer.from(await audio.arrayBuffer()));
  return { callId: rec!.callId, left, right };
}

/**
 * How well a channel carries the speech: 1 to 3 s into the speech, at the best lag from
 * -1 s to +3 s (the phone starts its file when its audio starts, which need not be when
 * the recording does). The excerpt starts 1 s in: a channel in step with the file shows
 * a lag of about 8000.
 */
function speechMatch(channel: Int16Array): { lag: number; correlation: number } {
  return bestLag(channel, reference.subarray(8000, 24000), -8000, 24000);
}

const seen = new Set<string>();

/**
 * The codecs each call's recording must have decoded, checked in the worker's log once the
 * PBX has stopped: a forked worker's lines reach the test's log file only when it exits.
 */
const expectedCodecs = new Map<string, { caller: string[]; manager: string[] }>();
function decodedCodecsOf(): Map<string, unknown> {
  const found = new Map<string, unknown>();
  for (const line of readFileSync(pbx.logFile, 'utf8').split('\n')) {
    if (!line.includes('not on G.711')) continue;
    const entry = JSON.parse(line) as { callId?: string; codecs?: unknown };
    if (entry.callId) found.set(entry.callId, entry.codecs);
  }
  return found;
}

/** A manager phone on one codec calls out; the trunk echoes; both channels must carry the phone's speech. */
async function callOut(extension: string, codec: BaresipCodec) {
  const keys = new RedisKeys(pbx.config.redis.keyPrefix);
  const trunk = await phones.trunkAnswers();
  const phone = phoneWith(extension, codec);
  let trunkDir = '';
  try {
    await until(`baresip ${extension} is registered`, async () => (await pbx.redis.exists(keys.registration(extension))) === 1);
    await phone.command('dial', `sip:+79161234567@127.0.0.1:${pbx.ports.sip}`);
    // The speech lasts about 8 s: 6 s of it is plenty.
    await new Promise((r) => setTimeout(r, 6000));
    await phone.command('hangup');
    // The BYE crosses Kamailio to the trunk, which then ends its one call.
    await new Promise((r) => setTimeout(r, 1000));
  } finally {
    await phone.stop();
    trunkDir = (await trunk.stop()).workDir;
  }
  // The trunk was offered G.711 only (and DTMF events): the phone's codec stayed on its side.
  const log = readFileSync(join(trunkDir, 'messages.log'), 'utf8');
  const invite = log.slice(log.indexOf('INVITE sip:'));
  const formats = /m=audio \d+ RTP\/AVP ([\d ]+)/.exec(invite)?.[1]?.trim().split(' ') ?? [];
  const names = formats.map((pt) => new RegExp(`a=rtpmap:${pt} ([^/]+)/`).exec(invite)?.[1] ?? { '0': 'PCMU', '8': 'PCMA', '9': 'G722' }[pt] ?? pt);
  expect(names, phone.output()).toContain('PCMA');
  expect(names.filter((n) => !['PCMA', 'PCMU', 'telephone-event'].includes(n))).toEqual([]);
  return storedRecordingOf(extension, seen);
}

describe('phones on any common codec', () => {
  /** One outbound call from a phone that has only `codec`; both channels must carry its speech at least `minimum` alike. */
  async function callOutOnly(extension: string, codec: 'opus' | 'g722', codecName: string, minimum: number): Promise<void> {
    const rec = await callOut(extension, codec);
    const record = await pbx.waitForRecord(rec.callId);
    expect(record).toMatchObject({ disposition: 'answered', manager: extension, direction: 'outbound' });
    expectedCodecs.set(rec.callId, { caller: ['PCMA'], manager: [codecName] });
    // Right: the manager's speech as the phone sent it, decoded. Left: the trunk's echo of it,
    // which rtpengine transcoded to PCMA on its way out (two codecs' loss).
    const manager = speechMatch(rec.right);
    const client = speechMatch(rec.left);
    console.log(`${codec} call: manager channel correlation ${manager.correlation.toFixed(3)} at lag ${manager.lag}; client (echo) ${client.correlation.toFixed(3)} at lag ${client.lag}`);
    expect(manager.correlation).toBeGreaterThanOrEqual(minimum);
    expect(client.correlation).toBeGreaterThanOrEqual(minimum);
  }

  // Measured 0.999 on both: Opus at the phone's rate loses little of 8 kHz speech.
  it('a phone offering only Opus calls out: the trunk gets G.711, the recording carries its speech on both channels', () => callOutOnly('101', 'opus', 'opus', 0.9), 90_000);

  // Measured 1.000 on both: G.722 at 64 kbit/s is close to lossless in the 8 kHz band.
  it('a phone offering only G.722 calls out: the trunk gets G.711, the recording carries its speech on both channels', () => callOutOnly('102', 'g722', 'G722', 0.95), 90_000);

  it('an Opus-only phone answers a call from the trunk: rtpengine offers it Opus, the recording has the caller and the phone', async () => {
    const keys = new RedisKeys(pbx.config.redis.keyPrefix);
    const phone = phoneWith('101', 'opus');
    try {
      await until('baresip 101 is registered', async () => (await pbx.redis.exists(keys.registration('101'))) === 1);
      const caller = phones.callFromTrunk({ talkMs: 5000 });
      const result = await caller.done;
      expect(result.exitCode, result.errors + phone.output()).toBe(0);
    } finally {
      await phone.stop();
    }
    const rec = await storedRecordingOf('101', seen);
    // The phone answered in Opus (rtpengine offered it after G.711), on a dynamic payload type.
    expectedCodecs.set(rec.callId, { caller: ['PCMA'], manager: ['opus'] });
    // Left: the caller's PCMA (sipp's g711a.pcap), recorded as sent.
    const played = callerReference();
    const callerMatch = bestLag(rec.left, played.subarray(0, Math.min(played.length, rec.left.length - 800)), -800, 800);
    expect(callerMatch.correlation).toBeGreaterThanOrEqual(0.99);
    // Right: the phone's Opus, whose payload type the recording found without an SDP
    // (rtpengine's offer to the phone went out before the recording started).
    const manager = speechMatch(rec.right);
    console.log(`inbound to opus: caller ${callerMatch.correlation.toFixed(4)}, manager ${manager.correlation.toFixed(3)} at lag ${manager.lag}`);
    expect(manager.correlation).toBeGreaterThanOrEqual(0.9);
    expect(rms(rec.right)).toBeGreaterThan(100);
  }, 90_000);
});

describe('phone to phone on different codecs', () => {
  it('an Opus-only phone reaches a G.711-only phone (rtpengine adds G.711 and transcodes); the recording has both', async () => {
    const keys = new RedisKeys(pbx.config.redis.keyPrefix);
    const caller = phoneWith('101', 'opus');
    // The callee plays baresip's 1 kHz tone: its channel must not be mistaken for the speech.
    const callee = startBaresip({ extension: '102', password: pbx.passwordOf('102'), port: phones.portOf('102'), proxy: `127.0.0.1:${pbx.ports.sip}`, domain: pbx.config.sip.domain, codec: 'g711', rtpPorts: [BASE + 890, BASE + 899] });
    try {
      await until('both phones are registered', async () => (await pbx.redis.exists(keys.registration('101'))) === 1 && (await pbx.redis.exists(keys.registration('102'))) === 1);
      await caller.command('dial', `sip:102@127.0.0.1:${pbx.ports.sip}`);
      await new Promise((r) => setTimeout(r, 5000));
      await caller.command('hangup');
      await new Promise((r) => setTimeout(r, 1000));
    } finally {
      await caller.stop();
      await callee.stop();
    }
    const rec = await storedRecordingOf(null, seen);
    expectedCodecs.set(rec.callId, { caller: ['opus'], manager: ['PCMA'] });
    const speech = speechMatch(rec.left);
    console.log(`opus -> g711 phone: caller correlation ${speech.correlation.toFixed(3)} at lag ${speech.lag}; callee rms ${rms(rec.right).toFixed(0)}`);
    expect(speech.correlation).toBeGreaterThanOrEqual(0.9);
    expect(speechMatch(rec.right).correlation).toBeLessThan(0.5);
    expect(rms(rec.right)).toBeGreaterThan(1000);
  }, 90_000);
});

/** The audio sipp's trunk caller plays: the PCMA payloads of its capture, in order, decoded. */
function callerReference(): Int16Array {
  const rtp = readPcapUdp('/usr/share/sip-tester/g711a.pcap').map((u) => parseRtpPacket(u.payload)).filter((p) => p.payloadType === 8);
  rtp.sort((a, b) => a.sequence - b.sequence);
  const out = new Int16Array(rtp.reduce((n, p) => n + p.payload.length, 0));
  let at = 0;
  for (const p of rtp) for (const byte of p.payload) out[at++] = PCMA_TO_LINEAR[byte]!;
  return out;
}
