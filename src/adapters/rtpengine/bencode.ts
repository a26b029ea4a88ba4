/** A bencoded value as rtpengine's ng protocol sends it: byte strings as text. */
export type Bencoded = string | number | Bencoded[] | { [key: string]: Bencoded };

/** Thrown for input that is not bencode (cut short, a bad length, nesting past the limit). */
export class BencodeError extends Error {}

const MAX_DEPTH = 32;

/**
 * Decodes one bencoded value (ng replies: dictionaries, lists, integers, strings).
 * Lengths are in bytes, so it works on the reply's bytes, not on JS string indexes.
 */
export function bdecode(input: Buffer | string): Bencoded {
  const buf = typeof input === 'string' ? Buffer.from(input) : input;
  let at = 0;
  const fail = (why: string): never => {
    throw new BencodeError(`bencode: ${why} at byte ${at}`);
  };
  const readUntil = (stop: number): string => {
    const end = buf.indexOf(stop, at);
    if (end < 0) fail('unterminated value');
    const text = buf.toString('latin1', at, end);
    at = end + 1;
    return text;
  };
  const value = (depth: number): Bencoded => {
    if (depth > MAX_DEPTH) fail('nested too deep');
    const c = buf[at];
    if (c === undefined) return fail('unexpected end');
    if (c === 0x69 /* i */) {
      at += 1;
      const text = readUntil(0x65 /* e */);
      if (!/^-?\d+$/.test(text)) fail(`bad integer "${text}"`);
      return Number(text);
    }
    if (c === 0x6c /* l */ || c === 0x64 /* d */) {
      at += 1;
      const list: Bencoded[] = [];
      const dict: Record<string, Bencoded> = {};
      while (buf[at] !== 0x65) {
        if (at >= buf.length) fail('unterminated container');
        if (c === 0x6c) list.push(value(depth + 1));
        else {
          const key = value(depth + 1);
          if (typeof key !== 'string') fail('dictionary key is not a string');
          dict[key as string] = value(depth + 1);
        }
      }
      at += 1;
      return c === 0x6c ? list : dict;
    }
    if (c >= 0x30 && c <= 0x39) {
      const lengthText = readUntil(0x3a /* : */);
      if (!/^\d+$/.test(lengthText)) fail(`bad string length "${lengthText}"`);
      const length = Number(lengthText);
      if (at + length > buf.length) fail('string runs past the end');
      const text = buf.toString('utf8', at, at + length);
      at += length;
      return text;
    }
    return fail(`unexpected byte 0x${c.toString(16)}`);
  };
  const result = value(0);
  if (at !== buf.length) fail('trailing bytes');
  return result;
}

/**
 * Encodes a value for an ng request (dictionaries with sorted keys, lists, strings,
 * integers), as the subscription commands need lists of flags.
 */
export function bencode(value: Bencoded): string {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new BencodeError(`bencode: ${value} is not an integer`);
    return `i${value}e`;
  }
  if (typeof value === 'string') return `${Buffer.byteLength(value)}:${value}`;
  if (Array.isArray(value)) return `l${value.map(bencode).join('')}e`;
  const keys = Object.keys(value).sort();
  return `d${keys.map((k) => bencode(k) + bencode(value[k]!)).join('')}e`;
}

/** What the service sends: the same shapes (rtpengine's ng requests). */
export type BValue = Bencoded;
