import { describe, expect, it } from 'vitest';
import { isRtp, parseRtpPacket, RtpParseError } from '../../../src/core/recordings/rtp-packet.js';
import { rtpBytes } from '../../helpers/pcap-writer.js';

describe('parseRtpPacket', () => {
  it('reads the fixed header and the payload', () => {
    const p = parseRtpPacket(rtpBytes({ payloadType: 8, sequence: 65535, timestamp: 0xfffffff0, ssrc: 0xdeadbeef, marker: true, payload: Uint8Array.of(1, 2, 3) }));
    expect(p).toMatchObject({ version: 2, padding: false, extension: false, csrcCount: 0, marker: true, payloadType: 8, sequence: 65535, timestamp: 0xfffffff0, ssrc: 0xdeadbeef });
    expect([...p.payload]).toEqual([1, 2, 3]);
  });

  it('skips CSRCs and a header extension, and strips padding', () => {
    const header = [0x80 | 0x20 | 0x10 | 2, 0, 0, 7, 0, 0, 0, 160, 0, 0, 0, 9];
    const csrcs = [0, 0, 0, 1, 0, 0, 0, 2];
    const extension = [0xbe, 0xde, 0, 1, 0xaa, 0xbb, 0xcc, 0xdd];
    const payload = [0xd5, 0xd5];
    const padding = [0, 0, 3];
    const p = parseRtpPacket(Uint8Array.from([...header, ...csrcs, ...extension, ...payload, ...padding]));
    expect(p).toMatchObject({ padding: true, extension: true, csrcCount: 2, marker: false, payloadType: 0, sequence: 7, timestamp: 160, ssrc: 9 });
    expect([...p.payload]).toEqual(payload);
  });

  it('refuses what is not RTP v2 or does not add up', () => {
    expect(() => parseRtpPacket(Uint8Array.of(0x80, 0))).toThrow(RtpParseError);
    expect(() => parseRtpPacket(new Uint8Array(12))).toThrow(/version 0/);
    expect(() => parseRtpPacket(Uint8Array.from([0x8f, ...new Array(11).fill(0)]))).toThrow(/longer than the packet/);
    expect(() => parseRtpPacket(Uint8Array.from([0xa0, ...new Array(11).fill(0), 40]))).toThrow(/longer than the packet/);
  });

  it('tells RTCP from RTP', () => {
    expect(isRtp(rtpBytes({ payloadType: 8, sequence: 1, timestamp: 1, ssrc: 1, payload: new Uint8Array(160) }))).toBe(true);
    expect(isRtp(Uint8Array.from([0x81, 200, 0, 6, ...new Array(24).fill(0)]))).toBe(false); // sender report
  });
});
