/**
 * What the stereo recording says about the conversation itself: who talked how much,
 * the manager's longest monologue, interruptions, silence, and how soon the manager
 * spoke. Pure: interleaved 16-bit samples in (client left, manager right, as the
 * recorder writes them), figures out.
 *
 * Voice activity is energy-based, per channel, on 20 ms frames: a frame is voice when
 * its RMS is above both an absolute floor (-50 dBFS: line noise and comfort noise stay
 * under it) and 12 dB above the channel's own noise floor (its 10th-percentile frame),
 * so a noisy line does not count as talk. Pauses up to `hangoverMs` inside speech are
 * kept as talk (the hangover: breaths between words), and bursts shorter than
 * `minSpeechMs` (clicks, a cough) are dropped. The echo of the other side on a phone's
 * microphone is far quieter than its own speech and falls under the noise gate in
 * practice; a phone with loud echo would inflate overlap.
 */

export interface VoiceOptions {
  sampleRate?: number;
  frameMs?: number;
  hangoverMs?: number;
  minSpeechMs?: number;
  /** Pauses shorter than this without the client speaking keep a monologue going. */
  monologueGapMs?: number;
}

/** A stretch of voice, seconds from the recording's start, [start, end). */
export interface VoiceSegment {
  start: number;
  end: number;
}

export interface ConversationAnalytics {
  durationSeconds: number;
  clientTalkSeconds: number;
  managerTalkSeconds: number;
  /** Both talking at once. */
  overlapSeconds: number;
  /** managerTalk / (managerTalk + clientTalk), 0..1; null when nobody spoke. */
  talkRatio: number | null;
  longestManagerMonologueSeconds: number;
  /** One side starting to speak while the other was speaking. */
  interruptions: { byManager: number; byClient: number };
  /** Share of the recording where neither side spoke, 0..1. */
  silenceShare: number;
  /** From the recording's start (the answer) to the manager's first word; null if he never spoke. */
  firstManagerWordSeconds: number | null;
}

const DEFAULTS = { sampleRate: 8000, frameMs: 20, hangoverMs: 300, minSpeechMs: 100, monologueGapMs: 1000 };
/** -50 dBFS as a 16-bit RMS. */
const ABSOLUTE_FLOOR = 32768 * 10 ** (-50 / 20);
/** 12 dB above the channel's noise floor. */
const ABOVE_NOISE = 10 ** (12 / 20);

/** Per frame, whether the channel (`offset` 0: left, 1: right) carries voice. */
export function voiceFrames(samples: Int16Array, channels: number, offset: number, options: VoiceOptions = {}): boolean[] {
  const { sampleRate, frameMs, hangoverMs, minSpeechMs } = { ...DEFAULTS, ...options };
  const frameSamples = Math.round((sampleRate * frameMs) / 1000);
  const frames = Math.floor(samples.length / channels / frameSamples);
  const rms = new Float64Array(frames);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    const base = f * frameSamples * channels + offset;
    for (let i = 0; i < frameSamples; i++) {
      const s = samples[base + i * channels]!;
      sum += s * s;
    }
    rms[f] = Math.sqrt(sum / frameSamples);
  }
  const sorted = Float64Array.from(rms).sort();
  const noiseFloor = frames === 0 ? 0 : sorted[Math.floor(frames * 0.1)]!;
  const threshold = Math.max(ABSOLUTE_FLOOR, noiseFloor * ABOVE_NOISE);
  const active = Array.from(rms, (r) => r > threshold);
  bridgeGaps(active, Math.floor(hangoverMs / frameMs));
  dropShortRuns(active, Math.ceil(minSpeechMs / frameMs));
  return active;
}

/** Voice frames as segments in seconds. */
export function segmentsOf(active: readonly boolean[], frameMs = DEFAULTS.frameMs): VoiceSegment[] {
  const segments: VoiceSegment[] = [];
  let start = -1;
  for (let f = 0; f <= active.length; f++) {
    const on = f < active.length && active[f];
    if (on && start < 0) start = f;
    if (!on && start >= 0) {
      segments.push({ start: (start * frameMs) / 1000, end: (f * frameMs) / 1000 });
      start = -1;
    }
  }
  return segments;
}

export function analyseConversation(samples: Int16Array, options: VoiceOptions = {}): ConversationAnalytics {
  const o = { ...DEFAULTS, ...options };
  const client = voiceFrames(samples, 2, 0, o);
  const manager = voiceFrames(samples, 2, 1, o);
  const frames = client.length;
  const seconds = (n: number) => round((n * o.frameMs) / 1000);
  let clientOn = 0;
  let managerOn = 0;
  let both = 0;
  let neither = 0;
  for (let f = 0; f < frames; f++) {
    if (client[f]) clientOn++;
    if (manager[f]) managerOn++;
    if (client[f] && manager[f]) both++;
    if (!client[f] && !manager[f]) neither++;
  }
  const clientSegments = segmentsOf(client, o.frameMs);
  const managerSegments = segmentsOf(manager, o.frameMs);
  const talk = clientOn + managerOn;
  return {
    durationSeconds: seconds(frames),
    clientTalkSeconds: seconds(clientOn),
    managerTalkSeconds: seconds(managerOn),
    overlapSeconds: seconds(both),
    talkRatio: talk === 0 ? null : round(managerOn / talk, 3),
    longestManagerMonologueSeconds: round(longestMonologue(managerSegments, clientSegments, o.monologueGapMs / 1000)),
    interruptions: { byManager: interruptions(managerSegments, clientSegments), byClient: interruptions(clientSegments, managerSegments) },
    silenceShare: frames === 0 ? 1 : round(neither / frames, 3),
    firstManagerWordSeconds: managerSegments[0] ? round(managerSegments[0].start) : null,
  };
}

/** Starts of `who`'s segments that fall inside a segment of `other` begun before. */
export function interruptions(who: readonly VoiceSegment[], other: readonly VoiceSegment[]): number {
  let count = 0;
  let j = 0;
  for (const s of who) {
    while (j < other.length && other[j]!.end <= s.start) j++;
    if (j < other.length && other[j]!.start < s.start && s.start < other[j]!.end) count++;
  }
  return count;
}

/** The longest run of the manager's segments joined across pauses shorter than `gap` in which the client says nothing. */
export function longestMonologue(manager: readonly VoiceSegment[], client: readonly VoiceSegment[], gap: number): number {
  let longest = 0;
  let runStart = -1;
  let runEnd = -1;
  for (const s of manager) {
    const joins = runStart >= 0 && s.start - runEnd < gap && !client.some((c) => c.start < s.start && c.end > runEnd);
    if (!joins) runStart = s.start;
    runEnd = s.end;
    longest = Math.max(longest, runEnd - runStart);
  }
  return longest;
}

function bridgeGaps(active: boolean[], maxGap: number): void {
  let lastOn = -1;
  for (let f = 0; f < active.length; f++) {
    if (!active[f]) continue;
    if (lastOn >= 0 && f - lastOn - 1 <= maxGap) for (let g = lastOn + 1; g < f; g++) active[g] = true;
    lastOn = f;
  }
}

function dropShortRuns(active: boolean[], minRun: number): void {
  let start = -1;
  for (let f = 0; f <= active.length; f++) {
    const on = f < active.length && active[f];
    if (on && start < 0) start = f;
    if (!on && start >= 0) {
      if (f - start < minRun) for (let g = start; g < f; g++) active[g] = false;
      start = -1;
    }
  }
}

function round(value: number, digits = 2): number {
  const k = 10 ** digits;
  return Math.round(value * k) / k;
}
