import { describe, expect, it } from 'vitest';
import { analyseConversation, interruptions, longestMonologue, voiceFrames } from '../../../src/core/recordings/conversation-analytics.js';
import { seeded } from '../../helpers/seeded-random.js';

const RATE = 8000;

/**
 * A synthetic stereo call: per side, talk spans in seconds filled with a voice-like
 * signal (two tones with a syllable-rate wobble) over a faint line noise on both sides.
 */
function stereoCall(seconds: number, spans: { client: [number, number][]; manager: [number, number][] }, seed = 1): Int16Array {
  const random = seeded(seed);
  const frames = Math.round(seconds * RATE);
  const samples = new Int16Array(frames * 2);
  const inSpan = (list: [number, number][], t: number) => list.some(([a, b]) => t >= a && t < b);
  for (let i = 0; i < frames; i++) {
    const t = i / RATE;
    for (const [channel, list, f0] of [[0, spans.client, 180], [1, spans.manager, 120]] as const) {
      const noise = (random() - 0.5) * 60;
      const voice = inSpan(list, t) ? (0.6 + 0.4 * Math.sin(2 * Math.PI * 4 * t)) * (6000 * Math.sin(2 * Math.PI * f0 * t) + 2500 * Math.sin(2 * Math.PI * f0 * 3.1 * t)) : 0;
      samples[i * 2 + channel] = Math.max(-32768, Math.min(32767, Math.round(voice + noise)));
    }
  }
  return samples;
}

describe('conversation analytics from a stereo recording', () => {
  it('measures the constructed call (client talks first 3 s, manager 5 s, overlap 1 s) to 100 ms', () => {
    // Client 0.5-3.5 s, manager 2.5-7.5 s, then 1.5 s of silence.
    const a = analyseConversation(stereoCall(9, { client: [[0.5, 3.5]], manager: [[2.5, 7.5]] }));
    expect(a.durationSeconds).toBeCloseTo(9, 1);
    expect(Math.abs(a.clientTalkSeconds - 3)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(a.managerTalkSeconds - 5)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(a.overlapSeconds - 1)).toBeLessThanOrEqual(0.1);
    expect(a.talkRatio).toBeCloseTo(5 / 8, 1);
    expect(Math.abs(a.longestManagerMonologueSeconds - 5)).toBeLessThanOrEqual(0.1);
    expect(a.interruptions).toEqual({ byManager: 1, byClient: 0 });
    expect(Math.abs(a.silenceShare - 2 / 9)).toBeLessThanOrEqual(0.1 / 9 * 2);
    expect(Math.abs(a.firstManagerWordSeconds! - 2.5)).toBeLessThanOrEqual(0.1);
  });

  it('keeps breaths inside speech as talk, but a client reply ends a monologue', () => {
    const a = analyseConversation(
      stereoCall(14, {
        // Manager: 1-4 s, a 0.2 s breath, 4.2-6 s; a 0.8 s pause; 6.8-8 s (one 7 s monologue), then the client answers 8.5-9.5 and he goes on 10-12.
        manager: [[1, 4], [4.2, 6], [6.8, 8], [10, 12]],
        client: [[8.5, 9.5]],
      }),
    );
    expect(Math.abs(a.longestManagerMonologueSeconds - 7)).toBeLessThanOrEqual(0.1);
    // 1-6 s (the breath bridged), 6.8-8 s and 10-12 s.
    expect(Math.abs(a.managerTalkSeconds - 8.2)).toBeLessThanOrEqual(0.1);
    expect(a.interruptions).toEqual({ byManager: 0, byClient: 0 });
    expect(a.firstManagerWordSeconds).toBeCloseTo(1, 1);
  });

  it('hears nobody in line noise or digital silence', () => {
    const quiet = analyseConversation(stereoCall(3, { client: [], manager: [] }));
    expect(quiet).toMatchObject({ clientTalkSeconds: 0, managerTalkSeconds: 0, talkRatio: null, silenceShare: 1, firstManagerWordSeconds: null });
    expect(analyseConversation(new Int16Array(16000 * 2))).toMatchObject({ talkRatio: null, silenceShare: 1 });
    expect(analyseConversation(new Int16Array(0))).toMatchObject({ durationSeconds: 0, silenceShare: 1 });
  });

  it('drops a click shorter than 100 ms', () => {
    const active = voiceFrames(stereoCall(2, { client: [[1, 1.04]], manager: [] }), 2, 0);
    expect(active.some(Boolean)).toBe(false);
  });

  it('counts each side starting while the other talks, and a monologue only over short, silent pauses', () => {
    const m = [{ start: 1, end: 3 }, { start: 5, end: 6 }];
    const c = [{ start: 0, end: 1.5 }, { start: 2, end: 2.5 }, { start: 5.5, end: 7 }];
    expect(interruptions(m, c)).toBe(1);
    expect(interruptions(c, m)).toBe(2);
    expect(longestMonologue([{ start: 0, end: 2 }, { start: 2.5, end: 4 }], [], 1)).toBe(4);
    expect(longestMonologue([{ start: 0, end: 2 }, { start: 2.5, end: 4 }], [{ start: 2.1, end: 2.3 }], 1)).toBe(2);
  });
});

describe('medians of conversations per manager', () => {
  it('takes the mean of the middle two for an even count, as percentile_cont(0.5) does, and gives every manager a row', async () => {
    const { conversationMedians, median } = await import('../../../src/core/recordings/conversation-medians.js');
    expect(median([])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    const a = analyseConversation(stereoCall(4, { client: [[0, 1]], manager: [[1.5, 3.5]] }));
    const rows = conversationMedians([{ manager: '101', analytics: a }, { manager: '999', analytics: a }], ['101', '102']);
    expect(rows.map((r) => [r.manager, r.calls])).toEqual([['101', 1], ['102', 0]]);
    expect(rows[1]).toMatchObject({ talkRatioMedian: null, firstWordMedianSeconds: null });
    expect(rows[0]!.firstWordMedianSeconds).toBe(a.firstManagerWordSeconds);
  });
});
