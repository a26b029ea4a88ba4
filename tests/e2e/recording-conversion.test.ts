import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertCallRecording } from '../../src/adapters/recordings/pcap-to-recording.js';
import { readPcapUdp } from '../../src/adapters/rtpengine/pcap-reader.js';
import { PCMA_TO_LINEAR } from '../../src/core/recordings/g711.js';
import { parseRtpPacket } from '../../src/core/recordings/rtp-packet.js';
import { bestLag, readStereoWav } from '../helpers/audio-match.js';
import { Phones, callIdOf } from '../helpers/phones.js';
import { TRUNK_IP, startTestPbx, type TestPbx } from '../helpers/test-pbx.js';

/**
 * A real answered call through Kamailio and rtpengine, its pcap converted to a
 * stereo WAV: the caller's channel must be the audio sipp played
 * (/usr/share/sip-tester/g711a.pcap), the echo phone's channel the same audio
 * again, and the length the call's talk time.
 */
const CALLER_AUDIO = '/usr/share/sip-tester/g711a.pcap';
/** ±100 ms: the caller's channel starts at the first packet of either side. */
const MAX_LAG = 800;

let pbx: TestPbx;
let phones: Phones;
let outDir: string;

beforeAll(async () => {
  pbx = await startTestPbx({ name: 'recconv', basePort: 21000, managers: 1 });
  phones = new Phones(pbx);
  outDir = mkdtempSync(join(tmpdir(), 'leadline-recconv-out-'));
});

afterAll(async () => {
  await phones?.unregisterAll();
  await pbx?.destroy();
  rmSync(outDir, { recursive: true, force: true });
});

/** The audio sipp sends: the PCMA payloads of its Ethernet capture, in sequence order, decoded. */
function callerReference(): Int16Array {
  const rtp = readPcapUdp(CALLER_AUDIO).map((u) => parseRtpPacket(u.payload)).filter((p) => p.payloadType === 8);
  rtp.sort((a, b) => a.sequence - b.sequence); // one SSRC, no wrap in this file
  const out = new Int16Array(rtp.reduce((n, p) => n + p.payload.length, 0));
  let at = 0;
  for (const p of rtp) for (const byte of p.payload) out[at++] = PCMA_TO_LINEAR[byte]!;
  return out;
}

describe('recording conversion of a real call', () => {
  it('turns the call pcap into a stereo WAV: caller audio left, the echo right, as long as the talk time', async () => {
    expect((await phones.register('101')).exitCode).toBe(0);
    const echo = await phones.answer('101', 'echo');
    const caller = phones.callFromTrunk({ talkMs: 3000 });
    const result = await caller.done;
    expect(result.exitCode, result.errors).toBe(0);
    await echo.stop();

    const callId = callIdOf(caller, TRUNK_IP);
    const record = await pbx.waitForRecord(callId);
    expect(record).toMatchObject({ disposition: 'answered', manager: '101' });
    const pcapDir = join(pbx.spoolDir, 'pcaps');
    const pcap = readdirSync(pcapDir).find((f) => decodeURIComponent(f).startsWith(callId));
    expect(pcap, `a recording for ${callId} in ${pcapDir}`).toBeDefined();

    // No caller address: rtpengine's metadata file must tell the sides apart.
    const outPath = join(outDir, 'call.wav');
    const converted = await convertCallRecording({ pcapPath: join(pcapDir, pcap!), outPath, format: 'wav' });
    expect(converted.callerRule).toBe('metadata');
    expect(Math.abs(converted.durationSeconds - record.talkSeconds)).toBeLessThan(0.5);

    const [left, right] = readStereoWav(outPath);
    const reference = callerReference();
    // Only the first talk-time's worth of the file was played before the BYE.
    const played = reference.subarray(0, Math.min(reference.length, left.length - MAX_LAG));
    const callerMatch = bestLag(left, played, -MAX_LAG, MAX_LAG);
    // Tolerance: normalized correlation ≥ 0.99 at the best lag, and at least 99 % of samples bit-identical
    // (G.711 decoding is exact; only a packet lost on loopback could differ).
    expect(callerMatch.correlation).toBeGreaterThanOrEqual(0.99);
    let identical = 0;
    for (let n = 0; n < played.length; n++) if (left[n + callerMatch.lag] === played[n]) identical++;
    expect(identical / played.length).toBeGreaterThanOrEqual(0.99);

    // The echo phone sends back what it gets: the same audio, a little later.
    const echoMatch = bestLag(right, left.subarray(Math.max(0, callerMatch.lag)), 0, MAX_LAG);
    expect(echoMatch.correlation).toBeGreaterThanOrEqual(0.99);
    expect(echoMatch.lag).toBeLessThan(MAX_LAG);

    // Conversation analytics of the real call, measured on the decoded PCM: the echo phone says
    // back what the caller says a few ms later, so both sides talk as long, overlapping throughout.
    const a = converted.analytics!;
    expect(a).not.toBeNull();
    expect(a.durationSeconds).toBeCloseTo(converted.durationSeconds, 0);
    expect(a.clientTalkSeconds).toBeGreaterThan(0.5);
    expect(Math.abs(a.clientTalkSeconds - a.managerTalkSeconds)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(a.overlapSeconds - a.managerTalkSeconds)).toBeLessThanOrEqual(0.1);
    expect(a.talkRatio).toBeCloseTo(0.5, 1);
    console.log(`analytics of the real call: ${JSON.stringify(a)}`);

    // Naming the trunk instead gives the same channels.
    const byAddress = await convertCallRecording({ pcapPath: join(pcapDir, pcap!), callerAddress: TRUNK_IP, outPath: join(outDir, 'by-address.wav'), format: 'wav' });
    expect(byAddress.callerRule).toBe('address');
    expect(readFileSync(join(outDir, 'by-address.wav')).equals(readFileSync(outPath))).toBe(true);
    console.log(`caller lag ${callerMatch.lag} samples, correlation ${callerMatch.correlation.toFixed(5)}, identical ${(identical / played.length * 100).toFixed(2)} %; echo lag ${echoMatch.lag}, correlation ${echoMatch.correlation.toFixed(5)}; recording ${converted.durationSeconds} s, talk ${record.talkSeconds} s`);
  });
});
