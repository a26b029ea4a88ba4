import { describe, expect, it } from 'vitest';
import { opusPacketSamples } from '../../../src/core/recordings/opus-toc.js';
import { decoderBytes, identifyCodec, parseRtpmaps, samplesAt8k, type StreamPacket } from '../../../src/core/recordings/rtp-codecs.js';

/** A TOC byte: configuration 0-31, stereo flag, frame-count code 0-3. */
const toc = (config: number, code = 0, stereo = false) => (config << 3) | (stereo ? 4 : 0) | code;

describe('Opus packet durations (RFC 6716 §3.1)', () => {
  it('reads the frame size of each mode and the frame count of each code', () => {
    expect(opusPacketSamples(Uint8Array.of(toc(1), 0xaa))).toBe(960); // SILK NB 20 ms
    expect(opusPacketSamples(Uint8Array.of(toc(3)))).toBe(2880); // SILK NB 60 ms
    expect(opusPacketSamples(Uint8Array.of(toc(13)))).toBe(960); // hybrid 20 ms
    expect(opusPacketSamples(Uint8Array.of(toc(16)))).toBe(120); // CELT 2.5 ms
    expect(opusPacketSamples(Uint8Array.of(toc(31, 0, true)))).toBe(960); // CELT FB 20 ms stereo
    expect(opusPacketSamples(Uint8Array.of(toc(9, 1)))).toBe(1920); // two equal 20 ms frames
    expect(opusPacketSamples(Uint8Array.of(toc(9, 2), 10))).toBe(1920); // two frames of different sizes
    expect(opusPacketSamples(Uint8Array.of(toc(18, 3), 3))).toBe(1440); // three 10 ms CELT frames
  });

  it('refuses what is not an Opus packet', () => {
    expect(opusPacketSamples(new Uint8Array(0))).toBeNull();
    expect(opusPacketSamples(Uint8Array.of(toc(9, 3)))).toBeNull(); // code 3 without its count byte
    expect(opusPacketSamples(Uint8Array.of(toc(9, 3), 0))).toBeNull(); // zero frames
    expect(opusPacketSamples(Uint8Array.of(toc(3, 3), 3))).toBeNull(); // 180 ms: over 120 ms
  });
});

describe('codec of a recorded stream', () => {
  /** `count` consecutive packets from seq 100, the timestamp stepping by `step`. */
  function stream(count: number, payload: Uint8Array, step: number): StreamPacket[] {
    return Array.from({ length: count }, (_, i) => ({ sequence: 100 + i, timestamp: 5000 + i * step, payload }));
  }

  it('takes the SDP rtpengine sent the sender first, even over a static number', () => {
    const rtpmap = parseRtpmaps('v=0\r\nm=audio 4000 RTP/AVP 96 9 101\r\na=rtpmap:96 opus/48000/2\r\na=rtpmap:9 G722/8000\r\na=rtpmap:101 telephone-event/8000\r\nm=video 0 RTP/AVP 97\r\na=rtpmap:97 VP8/90000\r\n');
    expect([...rtpmap]).toEqual([[96, 'opus'], [9, 'G722'], [101, null]]);
    expect(identifyCodec(96, rtpmap, [])).toBe('opus');
    expect(identifyCodec(101, rtpmap, stream(10, Uint8Array.of(toc(1)), 960))).toBeNull(); // telephone-event is no audio
    expect(identifyCodec(97, rtpmap, [])).toBeNull(); // video section ignored; no guess without packets
  });

  it('knows the static payload types without an SDP', () => {
    expect([0, 3, 8, 9, 18].map((pt) => identifyCodec(pt, undefined, []))).toEqual(['PCMU', 'GSM', 'PCMA', 'G722', 'G729']);
    expect(identifyCodec(13, undefined, [])).toBeNull(); // comfort noise
  });

  it('recognises Opus on a dynamic payload type by its TOC matching the timestamp steps', () => {
    expect(identifyCodec(111, undefined, stream(20, Uint8Array.of(toc(9), 1, 2), 960))).toBe('opus');
    // 8 kHz speex or iLBC at 20 ms steps by 160: no Opus duration is 160.
    expect(identifyCodec(111, undefined, stream(20, Uint8Array.of(toc(9), 1, 2), 160))).toBeNull();
    // Too few packets to tell.
    expect(identifyCodec(111, undefined, stream(3, Uint8Array.of(toc(9)), 960))).toBeNull();
    // A static-range number is never guessed.
    expect(identifyCodec(40, undefined, stream(20, Uint8Array.of(toc(9)), 960))).toBeNull();
  });

  it('tolerates a DTX pause and loss, but not a stream that is mostly off', () => {
    const packets = stream(20, Uint8Array.of(toc(9)), 960);
    packets[10] = { ...packets[10]!, timestamp: packets[10]!.timestamp + 9600 }; // 200 ms silence before it
    for (let i = 11; i < 20; i++) packets[i] = { ...packets[i]!, timestamp: packets[i]!.timestamp + 9600 };
    packets.splice(5, 1); // one lost: that pair is not compared
    expect(identifyCodec(120, undefined, packets)).toBe('opus');
    const noisy = stream(20, Uint8Array.of(toc(9)), 960).map((p, i) => ({ ...p, timestamp: p.timestamp + (i % 2) * 7 }));
    expect(identifyCodec(120, undefined, noisy)).toBeNull();
  });

  it('counts the 8 kHz samples each packet decodes to, and the bytes its decoder reads', () => {
    expect(samplesAt8k('PCMA', new Uint8Array(160))).toBe(160);
    expect(samplesAt8k('G722', new Uint8Array(160))).toBe(160); // 320 samples at 16 kHz
    expect(samplesAt8k('GSM', new Uint8Array(66))).toBe(320);
    expect(samplesAt8k('G729', new Uint8Array(22))).toBe(160); // two frames and a comfort-noise frame
    expect(samplesAt8k('opus', Uint8Array.of(toc(9, 1)))).toBe(320);
    expect(samplesAt8k('opus', new Uint8Array(0))).toBe(0);
    expect(decoderBytes('G729', new Uint8Array(22)).length).toBe(20);
    expect(decoderBytes('GSM', new Uint8Array(34)).length).toBe(33);
  });
});
