import { describe, expect, it } from 'vitest';
import { decodeG711Into, g711Table, PCMA_TO_LINEAR, PCMU_TO_LINEAR } from '../../../src/core/recordings/g711.js';

// Values from the ITU-T G.711 tables (checked against sox's decoder for all 256 codes).
describe('G.711', () => {
  it('decodes PCMU', () => {
    const expected: Array<[number, number]> = [[0xff, 0], [0x7f, 0], [0x00, -32124], [0x80, 32124], [0xf0, 120], [0x0f, -16764], [0xaa, 5372], [0x2a, -5372]];
    for (const [code, linear] of expected) expect([code, PCMU_TO_LINEAR[code]]).toEqual([code, linear]);
  });

  it('decodes PCMA', () => {
    const expected: Array<[number, number]> = [[0xd5, 8], [0x55, -8], [0x80, 5504], [0x00, -5504], [0xaa, 32256], [0x2a, -32256], [0xff, 848], [0x7f, -848], [0xf0, 688]];
    for (const [code, linear] of expected) expect([code, PCMA_TO_LINEAR[code]]).toEqual([code, linear]);
  });

  it('is symmetric around zero', () => {
    for (let i = 0; i < 128; i++) {
      expect(PCMU_TO_LINEAR[i]! + PCMU_TO_LINEAR[i | 0x80]!).toBe(0);
      expect(PCMA_TO_LINEAR[i]! + PCMA_TO_LINEAR[i | 0x80]!).toBe(0);
    }
  });

  it('picks a table by payload type and decodes in place', () => {
    expect(g711Table(0)).toBe(PCMU_TO_LINEAR);
    expect(g711Table(8)).toBe(PCMA_TO_LINEAR);
    expect(g711Table(101)).toBeNull();
    const out = new Int16Array(4);
    decodeG711Into(Uint8Array.of(0xd5, 0x80), PCMA_TO_LINEAR, out, 1);
    expect([...out]).toEqual([0, 8, 5504, 0]);
  });
});
