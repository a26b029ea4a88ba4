import { describe, expect, it } from 'vitest';
import { BencodeError, bdecode, bencode } from '../../../src/adapters/rtpengine/bencode.js';

describe('bencode', () => {
  it('round-trips what the ng protocol carries: dictionaries, lists, text with multi-byte characters, integers', () => {
    const value = { command: 'play media', 'call-id': 'abc@host', flags: ['origin', 'session-connection'], 'repeat-times': 3, sdp: 'v=0\r\ns=Привет\r\n', nested: { n: -4 } };
    expect(bdecode(bencode(value))).toEqual(value);
    expect(bencode({ b: 1, a: 'x' })).toBe('d1:a1:x1:bi1ee');
  });

  it.each(['', 'd', 'd3:abc', '5:ab', 'i12', 'l1:ae trailing', 'x', 'd1:ae', 'di1e1:ae'])('refuses malformed input %j rather than guessing', (text) => {
    expect(() => bdecode(text)).toThrow(BencodeError);
  });

  it('refuses nesting deep enough to exhaust the stack', () => {
    expect(() => bdecode('l'.repeat(10_000) + 'e'.repeat(10_000))).toThrow(/too deep/);
  });
});
