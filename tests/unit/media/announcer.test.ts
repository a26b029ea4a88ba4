import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CallerLeg, MediaPort } from '../../../src/core/media/media-port.js';
import { Announcer } from '../../../src/services/announcer.js';

/** A media server that records what it was asked, with each file lasting `lengths[file]` ms. */
function fakeMedia(lengths: Record<string, number>, failing = new Set<string>()) {
  const calls: string[] = [];
  const media: MediaPort = {
    openCallerMedia: async () => 'v=0 fake',
    play: async (_leg: CallerLeg, file: string, repeat = 1) => {
      if (failing.has(file)) throw new Error('refused');
      calls.push(`play ${file} x${repeat}`);
      return lengths[file] ?? 1000;
    },
    stop: async () => void calls.push('stop'),
    record: async () => undefined,
    close: async () => void calls.push('close'),
  };
  return { media, calls };
}

const leg = { callId: 'c1', fromTag: 't1' };
const log = pino({ level: 'silent' });
const flush = () => vi.advanceTimersByTimeAsync(0);

describe('Announcer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('plays the welcome files in order, each after the previous ended, and resolves after the last', async () => {
    const { media, calls } = fakeMedia({ 'g.wav': 2000, 'n.wav': 1500 });
    const announcer = new Announcer({ media, pathOf: (n) => n, log });
    let done = false;
    void announcer.welcome(leg, ['g.wav', 'n.wav']).then(() => (done = true));
    await flush();
    expect(calls).toEqual(['play g.wav x1']);
    await vi.advanceTimersByTimeAsync(1999);
    expect(calls).toEqual(['play g.wav x1']);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toEqual(['play g.wav x1', 'play n.wav x1']);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1500);
    expect(done).toBe(true);
  });

  it('skips a file the media server refuses, and ends the welcome at once when the caller leaves', async () => {
    const { media, calls } = fakeMedia({ 'n.wav': 5000 }, new Set(['broken.wav']));
    const announcer = new Announcer({ media, pathOf: (n) => n, log });
    let done = false;
    void announcer.welcome(leg, ['broken.wav', 'n.wav']).then(() => (done = true));
    await flush();
    expect(calls).toEqual(['play n.wav x1']);
    expect(announcer.skipWelcome('c1')).toBe(true);
    await flush();
    expect(done).toBe(true);
    expect(announcer.skipWelcome('c1')).toBe(false);
  });

  it('announces the place in line on entering and every position_every seconds, read afresh each time, with music between', async () => {
    const { media, calls } = fakeMedia({ 'default/en/position-2.wav': 2000, 'default/en/position-1.wav': 2000, 'hold.wav': 3000 });
    const announcer = new Announcer({ media, pathOf: (n) => n, log });
    let position = 2;
    announcer.startWaiting(leg, { music: 'hold.wav', positionEvery: 10 }, 'en', () => position);
    await flush();
    expect(calls.filter((c) => c.startsWith('play'))).toEqual(['play default/en/position-2.wav x1']);
    await vi.advanceTimersByTimeAsync(2000);
    expect(calls.filter((c) => c.startsWith('play'))).toEqual(['play default/en/position-2.wav x1', 'play hold.wav x10000']);
    position = 1; // the caller ahead was answered
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls.filter((c) => c.startsWith('play')).at(-1)).toBe('play default/en/position-1.wav x1');
    await announcer.stopWaiting('c1');
    const after = calls.length;
    expect(calls.at(-1)).toBe('stop');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls.length).toBe(after);
    expect(announcer.waitingCount).toBe(0);
  });

  it('loops the music alone when no announcements are asked for', async () => {
    const { media, calls } = fakeMedia({});
    const announcer = new Announcer({ media, pathOf: (n) => `/prepared/${n}`, log });
    announcer.startWaiting(leg, { music: 'hold.wav', positionEvery: null }, 'ru', () => 1);
    await flush();
    expect(calls).toEqual(['stop', 'play /prepared/hold.wav x10000']);
  });
});
