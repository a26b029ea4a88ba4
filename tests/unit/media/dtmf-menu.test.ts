import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Menu } from '../../../src/core/scenarios/scenario-schema.js';
import { DtmfMenu, MAX_DIGITS_PER_CALL, type MenuResult } from '../../../src/services/dtmf-menu.js';

const leg = { callId: 'c1', fromTag: 'caller-tag' };
const menu: Menu = { prompt: 'menu.wav', options: { '1': 0, '2': 1 }, timeout: 5, repeats: 1, defaultDigit: null };
const log = pino({ level: 'silent' });

function setup(promptMs = 3000) {
  const calls: string[] = [];
  const dtmf = new DtmfMenu({
    media: {
      play: async (_l, file) => {
        calls.push(`play ${file}`);
        return promptMs;
      },
      stop: async () => void calls.push('stop'),
    },
    pathOf: (n) => `/run/${n}`,
    log,
  });
  return { dtmf, calls };
}

function start(dtmf: DtmfMenu, m: Menu = menu) {
  let result: MenuResult | null | undefined;
  void dtmf.run(leg, m).then((r) => (result = r));
  return () => result;
}

const key = (digit: string, over: Partial<{ callId: string; sourceTag: string }> = {}) => ({ callId: 'c1', sourceTag: 'caller-tag', digit, ...over });

describe('DtmfMenu', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('routes the key pressed while the prompt plays, and stops the prompt', async () => {
    const { dtmf, calls } = setup();
    const result = start(dtmf);
    await vi.advanceTimersByTimeAsync(1000);
    expect(dtmf.deliver(key('2'))).toBe(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(result()).toEqual({ step: 1, digit: '2' });
    expect(calls).toContain('play /run/menu.wav');
    expect(calls.at(-1)).toBe('stop');
    expect(dtmf.listening).toBe(0);
  });

  it('waits the timeout after the prompt, plays it once more, then takes the first step', async () => {
    const { dtmf, calls } = setup(3000);
    const result = start(dtmf);
    await vi.advanceTimersByTimeAsync(7999);
    expect(calls.filter((c) => c.startsWith('play'))).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.filter((c) => c.startsWith('play'))).toHaveLength(2);
    expect(result()).toBeUndefined();
    await vi.advanceTimersByTimeAsync(8000);
    expect(result()).toEqual({ step: 0, digit: null });
  });

  it('repeats on an unknown key, then routes a known one pressed in the second round', async () => {
    const { dtmf } = setup();
    const result = start(dtmf);
    await vi.advanceTimersByTimeAsync(500);
    dtmf.deliver(key('9'));
    await vi.advanceTimersByTimeAsync(500);
    expect(result()).toBeUndefined();
    dtmf.deliver(key('1'));
    await vi.advanceTimersByTimeAsync(0);
    expect(result()).toEqual({ step: 0, digit: '1' });
  });

  it('takes the default option on timeout with repeat: 0', async () => {
    const { dtmf } = setup(1000);
    const result = start(dtmf, { ...menu, repeats: 0, defaultDigit: '2', timeout: 2 });
    await vi.advanceTimersByTimeAsync(3000);
    expect(result()).toEqual({ step: 1, digit: null });
  });

  it("ignores keys from another party or another call, and keys after the call's bound", async () => {
    const { dtmf } = setup();
    const result = start(dtmf);
    await vi.advanceTimersByTimeAsync(0);
    expect(dtmf.deliver(key('2', { sourceTag: 'leadline-announcer' }))).toBe(false);
    expect(dtmf.deliver(key('2', { callId: 'other' }))).toBe(false);
    expect(result()).toBeUndefined();
    expect(dtmf.ignoredReports).toBe(2);
  });

  it('a caller flooding unknown keys gets the default after the repeats, and later keys are ignored', async () => {
    const { dtmf } = setup(100);
    const result = start(dtmf, { ...menu, repeats: 3, timeout: 1 });
    await vi.advanceTimersByTimeAsync(0);
    let taken = 0;
    for (let i = 0; i < MAX_DIGITS_PER_CALL + 10; i++) {
      dtmf.deliver(key('7'));
      await vi.advanceTimersByTimeAsync(0);
      taken = i + 1;
      if (result() !== undefined) break;
    }
    // Four rounds (one + three repeats) of an unknown key, then the first step.
    expect(result()).toEqual({ step: 0, digit: null });
    expect(taken).toBe(4);
    expect(dtmf.deliver(key('2'))).toBe(false);
  });

  it('ends with null and leaves no listener when the caller hangs up during the menu', async () => {
    const { dtmf } = setup();
    const result = start(dtmf);
    await vi.advanceTimersByTimeAsync(100);
    expect(dtmf.cancel('c1')).toBe(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(result()).toBeNull();
    expect(dtmf.listening).toBe(0);
    expect(dtmf.deliver(key('2'))).toBe(false);
    expect(dtmf.cancel('c1')).toBe(false);
  });

  it('still times out to the default when the prompt cannot be played', async () => {
    const dtmf = new DtmfMenu({ media: { play: async () => Promise.reject(new Error('refused')), stop: async () => undefined }, pathOf: (n) => n, log });
    const result = start(dtmf, { ...menu, repeats: 0, timeout: 1 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(result()).toEqual({ step: 0, digit: null });
  });
});
