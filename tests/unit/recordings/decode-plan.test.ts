import { describe, expect, it } from 'vitest';
import { planDecoding } from '../../../src/core/recordings/decode-plan.js';
import type { SidePacket } from '../../../src/core/recordings/stereo-mix.js';

function p(side: 'caller' | 'manager', payloadType: number, sequence: number, o: Partial<SidePacket> = {}): SidePacket {
  return { side, at: 1000 + sequence, payloadType, sequence, timestamp: sequence * 960, ssrc: side === 'caller' ? 1 : 2, payload: Uint8Array.of(0x48, 1), ...o };
}

describe('planDecoding', () => {
  it('keeps G.711 for the mix and gives one job per side and codec, in sequence order, with its clock', () => {
    const packets = [p('caller', 8, 1), p('manager', 111, 2), p('manager', 111, 1), p('manager', 111, 3), p('manager', 111, 4), p('manager', 111, 2), p('caller', 0, 2), p('caller', 101, 3)];
    const plan = planDecoding(packets, () => new Map([[111, 'opus' as const], [101, null]]));
    expect(plan.codecs).toEqual({ caller: ['PCMA', 'PCMU'], manager: ['opus'] });
    expect(plan.jobs).toHaveLength(1);
    expect(plan.jobs[0]!.codec).toBe('opus');
    // Ordered, the repeated packet 2 dropped, each carrying the 48 kHz clock.
    expect(plan.jobs[0]!.packets.map((x) => [x.sequence, x.clockRate])).toEqual([[1, 48000], [2, 48000], [3, 48000], [4, 48000]]);
    // G.711 and telephone-event go to the mix as they are (the mix leaves the events out).
    expect(plan.direct.map((x) => x.payloadType)).toEqual([8, 0, 101]);
  });

  it('joins a side\'s SSRCs of one codec into one job and keeps sides apart', () => {
    const packets = [p('manager', 9, 1), p('manager', 9, 2, { ssrc: 7 }), p('caller', 9, 1)];
    const plan = planDecoding(packets);
    expect(plan.jobs.map((j) => [j.side, j.codec, j.packets.length])).toEqual([['manager', 'G722', 2], ['caller', 'G722', 1]]);
  });

  it('asks for the SDP of each stream by its first packet', () => {
    const asked: number[] = [];
    planDecoding([p('manager', 96, 1), p('manager', 96, 2), p('caller', 97, 1)], (first) => {
      asked.push(first.payloadType);
      return undefined;
    });
    expect(asked).toEqual([96, 97]);
  });
});
