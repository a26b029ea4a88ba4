import { describe, expect, it } from 'vitest';
import { resolveRange } from '../../../src/core/recordings/byte-range.js';

const SIZE = 1000;

describe('resolveRange', () => {
  it('no header (or a blank one): the whole object', () => {
    expect(resolveRange(undefined, SIZE)).toEqual({ kind: 'whole' });
    expect(resolveRange('', SIZE)).toEqual({ kind: 'whole' });
    expect(resolveRange('   ', SIZE)).toEqual({ kind: 'whole' });
  });

  it('bytes=0-99: the first 100 bytes', () => {
    expect(resolveRange('bytes=0-99', SIZE)).toEqual({ kind: 'partial', start: 0, end: 99 });
  });

  it('bytes=100-: from 100 to the end', () => {
    expect(resolveRange('bytes=100-', SIZE)).toEqual({ kind: 'partial', start: 100, end: 999 });
  });

  it('bytes=-50: the last 50 bytes', () => {
    expect(resolveRange('bytes=-50', SIZE)).toEqual({ kind: 'partial', start: 950, end: 999 });
  });

  it('a suffix longer than the object: the whole object as a 206 range', () => {
    expect(resolveRange('bytes=-5000', SIZE)).toEqual({ kind: 'partial', start: 0, end: 999 });
  });

  it('an end beyond the size is clamped to the last byte', () => {
    expect(resolveRange('bytes=900-5000', SIZE)).toEqual({ kind: 'partial', start: 900, end: 999 });
    expect(resolveRange('bytes=0-999', SIZE)).toEqual({ kind: 'partial', start: 0, end: 999 });
  });

  it('one byte ranges at both ends', () => {
    expect(resolveRange('bytes=0-0', SIZE)).toEqual({ kind: 'partial', start: 0, end: 0 });
    expect(resolveRange('bytes=999-999', SIZE)).toEqual({ kind: 'partial', start: 999, end: 999 });
    expect(resolveRange('bytes=-1', SIZE)).toEqual({ kind: 'partial', start: 999, end: 999 });
  });

  it('a start at or beyond the size: unsatisfiable (416)', () => {
    expect(resolveRange('bytes=1000-', SIZE)).toEqual({ kind: 'unsatisfiable' });
    expect(resolveRange('bytes=1000-1010', SIZE)).toEqual({ kind: 'unsatisfiable' });
    expect(resolveRange('bytes=5000-6000', SIZE)).toEqual({ kind: 'unsatisfiable' });
  });

  it('an empty object satisfies no bytes range', () => {
    expect(resolveRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
    expect(resolveRange('bytes=-10', 0)).toEqual({ kind: 'unsatisfiable' });
    expect(resolveRange(undefined, 0)).toEqual({ kind: 'whole' });
  });

  it('a malformed bytes range (end before start, no numbers, -0 suffix, garbage): unsatisfiable (416)', () => {
    // RFC 9110 lets a server ignore an invalid Range; this code answers 416 instead, which a
    // player handles too. Both are sane; what matters is that it never serves wrong bytes.
    for (const h of ['bytes=99-10', 'bytes=-', 'bytes=-0', 'bytes=abc', 'bytes=1-2-3', 'bytes=a-b', 'bytes=1.5-2']) {
      expect(resolveRange(h, SIZE), h).toEqual({ kind: 'unsatisfiable' });
    }
  });

  it('another unit or no "bytes=": ignored, the whole object (RFC 9110 lets a server ignore Range)', () => {
    expect(resolveRange('items=0-5', SIZE)).toEqual({ kind: 'whole' });
    expect(resolveRange('0-99', SIZE)).toEqual({ kind: 'whole' });
  });

  it('several ranges: the whole object (no multipart/byteranges)', () => {
    expect(resolveRange('bytes=0-9,20-29', SIZE)).toEqual({ kind: 'whole' });
    expect(resolveRange('bytes=0-9, -5', SIZE)).toEqual({ kind: 'whole' });
  });

  it('the unit is case-insensitive and spaces around it are allowed', () => {
    expect(resolveRange('Bytes=10-19', SIZE)).toEqual({ kind: 'partial', start: 10, end: 19 });
    expect(resolveRange(' bytes = 10-19 ', SIZE)).toEqual({ kind: 'partial', start: 10, end: 19 });
  });

  it('every partial answer lies inside the object', () => {
    const headers = ['bytes=0-', 'bytes=-1', 'bytes=-999999', 'bytes=998-', 'bytes=3-99999999999999999999'];
    for (const size of [1, 2, 10, 1000]) {
      for (const h of headers) {
        const r = resolveRange(h, size);
        if (r.kind === 'partial') {
          expect(r.start, `${h} of ${size}`).toBeGreaterThanOrEqual(0);
          expect(r.end, `${h} of ${size}`).toBeLessThan(size);
          expect(r.start, `${h} of ${size}`).toBeLessThanOrEqual(r.end);
        }
      }
    }
  });
});
