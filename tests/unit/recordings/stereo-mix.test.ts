import { describe, expect, it } from 'vitest';
import { PCMA_TO_LINEAR, PCMU_TO_LINEAR } from '../../../src/core/recordings/g711.js';
import { mixStereo, type RecordingSide, type SidePacket } from '../../../src/core/recordings/stereo-mix.js';

const T0 = 1_700_000_000_000;
/** PCMA 0x80 decodes to 5504, PCMU 0x80 to 32124: easy to tell from silence (0). */
const LOUD_A = PCMA_TO_LINEAR[0x80]!;

function packet(side: RecordingSide, i: number, o: Partial<SidePacket> & { fill?: number; samples?: number } = {}): SidePacket {
  const payload = new Uint8Array(o.samples ?? 160).fill(o.fill ?? 0x80);
  return { side, at: T0 + i * 20, payloadType: 8, sequence: 100 + i, timestamp: 8000 + i * 160, ssrc: side === 'caller' ? 1 : 2, payload, ...o };
}

function channel(samples: Int16Array, c: 0 | 1): Int16Array {
  const out = new Int16Array(samples.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = samples[i * 2 + c]!;
  return out;
}

/** Indexes of the frames of a 20 ms packet slot that are non-silent. */
function loudSlots(ch: Int16Array): number[] {
  const slots: number[] = [];
  for (let s = 0; s * 160 < ch.length; s++) if (ch.subarray(s * 160, s * 160 + 160).some((v) => v !== 0)) slots.push(s);
  return slots;
}

describe('mixStereo', () => {
  it('puts the caller left and the manager right, covering first to last packet', () => {
    const mix = mixStereo([packet('caller', 0), packet('manager', 0, { fill: 0xd5 }), packet('caller', 1), packet('manager', 1, { fill: 0xd5 })]);
    expect(mix.frames).toBe(320);
    expect(mix.durationSeconds).toBeCloseTo(0.04);
    expect(mix.startedAt).toBe(T0);
    expect(mix.samples.slice(0, 4)).toEqual(Int16Array.of(LOUD_A, 8, LOUD_A, 8));
    expect(mix.placed).toEqual({ caller: 2, manager: 2 });
  });

  it('aligns a late-starting side on the wall clock with silence before it', () => {
    const packets = [0, 1, 2, 3, 4].map((i) => packet('caller', i));
    packets.push(packet('manager', 3), packet('manager', 4));
    const mix = mixStereo(packets);
    expect(mix.frames).toBe(800);
    expect(loudSlots(channel(mix.samples, 0))).toEqual([0, 1, 2, 3, 4]);
    expect(loudSlots(channel(mix.samples, 1))).toEqual([3, 4]);
  });

  it('fills a gap with silence', () => {
    const mix = mixStereo([0, 1, 4, 5].map((i) => packet('caller', i)));
    expect(mix.frames).toBe(960);
    expect(loudSlots(channel(mix.samples, 0))).toEqual([0, 1, 4, 5]);
  });

  it('puts reordered packets in sequence order', () => {
    const fills = [0x80, 0x81, 0x82, 0x83];
    const inOrder = fills.map((fill, i) => packet('caller', i, { fill }));
    // 2 arrives after 3, both a little late
    const arrived = [inOrder[0]!, inOrder[1]!, { ...inOrder[3]!, at: T0 + 62 }, { ...inOrder[2]!, at: T0 + 65 }];
    const mix = mixStereo(arrived);
    const left = channel(mix.samples, 0);
    expect(fills.map((_, s) => left[s * 160 + 5])).toEqual(fills.map((f) => PCMA_TO_LINEAR[f]));
  });

  it('follows a sequence number wrap', () => {
    const packets = [0, 1, 2, 3].map((i) => packet('caller', i, { sequence: (65534 + i) & 0xffff, timestamp: (0xffffff00 + i * 160) >>> 0, fill: 0x80 + i }));
    const mix = mixStereo([packets[0]!, packets[1]!, packets[3]!, packets[2]!]); // 0 arrives before 65535
    const left = channel(mix.samples, 0);
    expect(mix.frames).toBe(640);
    expect([0, 1, 2, 3].map((s) => left[s * 160])).toEqual([0x80, 0x81, 0x82, 0x83].map((f) => PCMA_TO_LINEAR[f]));
  });

  it('continues a new SSRC (re-INVITE, transfer) at its own wall-clock position', () => {
    const first = [0, 1, 2].map((i) => packet('manager', i));
    // new source 100 ms after the last packet, unrelated sequence and timestamp, PCMU
    const second = [0, 1].map((i) => packet('manager', 8 + i, { ssrc: 99, sequence: 7 + i, timestamp: 123456 + i * 160, payloadType: 0 }));
    const mix = mixStereo([packet('caller', 0), ...first, ...second]);
    const right = channel(mix.samples, 1);
    expect(mix.frames).toBe(10 * 160);
    expect(loudSlots(right)).toEqual([0, 1, 2, 8, 9]);
    expect(right[8 * 160]).toBe(PCMU_TO_LINEAR[0x80]);
  });

  it('leaves out telephone-event, comfort noise, other codecs and chosen payload types', () => {
    const packets = [
      packet('caller', 0),
      packet('caller', 1, { payloadType: 101, samples: 4 }),
      packet('caller', 2, { payloadType: 13, samples: 1 }),
      packet('caller', 3, { payloadType: 18, samples: 20 }),
      packet('caller', 4),
      packet('manager', 4, { payloadType: 0 }),
    ];
    const mix = mixStereo(packets);
    expect(mix.skipped).toBe(3);
    expect(loudSlots(channel(mix.samples, 0))).toEqual([0, 4]);
    expect(mixStereo(packets, { skipPayloadTypes: [0] }).placed).toEqual({ caller: 2, manager: 0 });
  });

  it('drops duplicates', () => {
    const mix = mixStereo([packet('caller', 0), packet('caller', 1), { ...packet('caller', 1, { fill: 0x00 }), at: T0 + 25 }, packet('caller', 2)]);
    expect(mix.duplicates).toBe(1);
    expect(mix.frames).toBe(480);
    expect(channel(mix.samples, 0)[160]).toBe(LOUD_A);
  });

  it('anchors on the earliest packet when the first one was delayed', () => {
    const packets = [0, 1, 2, 3].map((i) => packet('caller', i));
    packets[0] = { ...packets[0]!, at: T0 + 15 }; // jitter on the first packet
    packets.push(packet('manager', 0));
    const mix = mixStereo(packets);
    expect(mix.startedAt).toBe(T0);
    expect(loudSlots(channel(mix.samples, 0))).toEqual([0, 1, 2, 3]);
  });

  it('re-anchors when the RTP timestamp jumps without a new SSRC', () => {
    const packets = [packet('caller', 0), packet('caller', 1), packet('caller', 5, { sequence: 102, timestamp: 999_999 })];
    const mix = mixStereo(packets);
    // taken at face value the timestamp would put it two minutes later; its capture time wins
    expect(loudSlots(channel(mix.samples, 0))).toEqual([0, 1, 5]);
  });

  it('gives an empty mix for a call without audio', () => {
    expect(mixStereo([packet('caller', 0, { payloadType: 101 })])).toMatchObject({ frames: 0, startedAt: null, durationSeconds: 0 });
  });

  it('places decoded packets of a 48 kHz clock (Opus) by their timestamps, gaps as silence', () => {
    // Manager on Opus (payload type 111): 960 ticks per 20 ms; packet 2 lost.
    const opus = (i: number) => packet('manager', i, { payloadType: 111, timestamp: 48_000 + i * 960, clockRate: 48_000, payload: Uint8Array.of(0x48), pcm: new Int16Array(160).fill(1000 + i) });
    const mix = mixStereo([0, 1, 2, 3].map((i) => packet('caller', i)).concat([opus(0), opus(1), opus(3)]));
    const right = channel(mix.samples, 1);
    expect(loudSlots(right)).toEqual([0, 1, 3]);
    expect([right[0], right[160], right[480], right[639]]).toEqual([1000, 1001, 1003, 1003]);
    expect(mix.placed).toEqual({ caller: 4, manager: 3 });
  });

  it('unwraps a 48 kHz timestamp across 2^32 before scaling it', () => {
    const start = 0x1_0000_0000 - 960;
    const opus = (i: number) => packet('manager', i, { payloadType: 111, timestamp: (start + i * 960) >>> 0, clockRate: 48_000, pcm: new Int16Array(160).fill(7) });
    const mix = mixStereo([opus(0), opus(1), opus(2)]);
    expect(mix.frames).toBe(480);
    expect(loudSlots(channel(mix.samples, 1))).toEqual([0, 1, 2]);
  });

  it('leaves out a packet of another codec that nothing decoded', () => {
    const mix = mixStereo([packet('caller', 0), packet('manager', 0, { payloadType: 9 })]);
    expect(mix.placed).toEqual({ caller: 1, manager: 0 });
    expect(mix.skipped).toBe(1);
  });
});
