/**
 * Netstring framing ("12:hello world!,"), the default framing of Kamailio's evapi.
 * The decoder is incremental: TCP delivers arbitrary slices of the stream.
 */
export function encodeNetstring(payload: string): Buffer {
  const body = Buffer.from(payload, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length}:`), body, Buffer.from(',')]);
}

export class NetstringDecoder {
  private buffer: Buffer = Buffer.alloc(0);

  constructor(private readonly maxLength = 1024 * 1024) {}

  /** Feeds a chunk; returns every complete payload it finished. Throws on a corrupt stream. */
  push(chunk: Buffer): string[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const out: string[] = [];
    for (;;) {
      const colon = this.buffer.indexOf(0x3a);
      if (colon < 0) {
        if (this.buffer.length > 10) throw new Error('netstring: length prefix too long');
        break;
      }
      const lengthText = this.buffer.subarray(0, colon).toString('ascii');
      if (!/^\d+$/.test(lengthText)) throw new Error(`netstring: bad length prefix "${lengthText.slice(0, 20)}"`);
      const length = Number(lengthText);
      if (length > this.maxLength) throw new Error(`netstring: payload of ${length} bytes exceeds ${this.maxLength}`);
      const end = colon + 1 + length;
      if (this.buffer.length < end + 1) break;
      if (this.buffer[end] !== 0x2c) throw new Error('netstring: missing trailing comma');
      out.push(this.buffer.subarray(colon + 1, end).toString('utf8'));
      this.buffer = this.buffer.subarray(end + 1);
    }
    return out;
  }
}
