import { appendFileSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hasSettled } from '../../../src/services/recordings/spool-pcaps.js';

describe('hasSettled (rtpengine has finished a pcap)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'settled-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('takes a pcap last written longer ago than the pause at once, without waiting', async () => {
    const pcap = join(dir, 'a.pcap');
    writeFileSync(pcap, Buffer.alloc(100));
    const old = new Date(Date.now() - 5_000);
    utimesSync(pcap, old, old);
    const started = performance.now();
    expect(await hasSettled(pcap, 2_000)).toBe(true);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('watches a pcap written just now for the rest of the pause, and refuses it when it grows meanwhile', async () => {
    const pcap = join(dir, 'b.pcap');
    writeFileSync(pcap, Buffer.alloc(100));
    const growing = setTimeout(() => appendFileSync(pcap, Buffer.alloc(50)), 50);
    expect(await hasSettled(pcap, 300)).toBe(false);
    clearTimeout(growing);
    writeFileSync(join(dir, 'c.pcap'), Buffer.alloc(100));
    const started = performance.now();
    expect(await hasSettled(join(dir, 'c.pcap'), 300)).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(200);
  });

  it('refuses an empty or missing pcap, and waits no longer than the pause when the clock went back', async () => {
    writeFileSync(join(dir, 'empty.pcap'), '');
    expect(await hasSettled(join(dir, 'empty.pcap'), 10)).toBe(false);
    expect(await hasSettled(join(dir, 'missing.pcap'), 10)).toBe(false);
    writeFileSync(join(dir, 'd.pcap'), Buffer.alloc(10));
    const started = performance.now();
    expect(await hasSettled(join(dir, 'd.pcap'), 100, () => Date.now() - 3_600_000)).toBe(true);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
