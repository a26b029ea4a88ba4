import { describe, expect, it } from 'vitest';
import { NetstringDecoder, encodeNetstring } from '../../../src/adapters/kamailio/netstring.js';

describe('netstring', () => {
  it('round-trips payloads split at any byte', () => {
    const payloads = ['{"a":1}', '', 'привет', 'x'.repeat(1000)];
    const stream = Buffer.concat(payloads.map(encodeNetstring));
    for (const size of [1, 3, 7, stream.length]) {
      const decoder = new NetstringDecoder();
      const out: string[] = [];
      for (let i = 0; i < stream.length; i += size) out.push(...decoder.push(stream.subarray(i, i + size)));
      expect(out).toEqual(payloads);
    }
  });

  it('rejects a corrupt stream', () => {
    expect(() => new NetstringDecoder().push(Buffer.from('abc:hello,'))).toThrow(/bad length/);
    expect(() => new NetstringDecoder().push(Buffer.from('5:hellox'))).toThrow(/comma/);
    expect(() => new NetstringDecoder(10).push(Buffer.from('11:'))).toThrow(/exceeds/);
  });
});
