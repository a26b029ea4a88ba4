import { describe, expect, it } from 'vitest';
import { wavFile, wavHeader } from '../../../src/core/recordings/wav.js';

describe('wav', () => {
  it('writes a PCM 16-bit stereo 8 kHz header', () => {
    const h = wavHeader(32000);
    expect(h.toString('ascii', 0, 4)).toBe('RIFF');
    expect(h.readUInt32LE(4)).toBe(36 + 32000);
    expect(h.toString('ascii', 8, 16)).toBe('WAVEfmt ');
    expect([h.readUInt16LE(20), h.readUInt16LE(22), h.readUInt32LE(24), h.readUInt32LE(28), h.readUInt16LE(32), h.readUInt16LE(34)]).toEqual([1, 2, 8000, 32000, 4, 16]);
    expect(h.toString('ascii', 36, 40)).toBe('data');
    expect(h.readUInt32LE(40)).toBe(32000);
  });

  it('appends the samples little-endian', () => {
    const f = wavFile(Int16Array.of(1, -2, 300, -32768));
    expect(f.length).toBe(44 + 8);
    expect([f.readInt16LE(44), f.readInt16LE(46), f.readInt16LE(48), f.readInt16LE(50)]).toEqual([1, -2, 300, -32768]);
  });
});
