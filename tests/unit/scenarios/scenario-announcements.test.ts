import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioDirectory } from '../../../src/adapters/scenarios/scenario-directory.js';
import { parseScenario } from '../../../src/core/scenarios/parse-scenario.js';
import { ScenarioError } from '../../../src/core/scenarios/scenario-error.js';
import { needsEarlyMedia, positionSound, soundsOf, welcomeSounds } from '../../../src/core/scenarios/scenario-sounds.js';

const plan = (top: string, step = '') => `name: small
numbers: ["+74950000001"]
timezone: UTC
${top}
groups:
  sales: ["101", "102"]
steps:
  - group: sales
    strategy: round-robin
${step}`;

function problemsOf(text: string): string[] {
  try {
    parseScenario(text, 'plan.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return (error as Error).message.split('\n').slice(1).map((l) => l.trim());
  }
  throw new Error('expected the plan to be rejected');
}

describe('announcement keys', () => {
  it('reads greeting, recording notice, language and while_waiting into the model', () => {
    const s = parseScenario(
      plan('greeting: main/welcome.mp3\nrecording_notice: default/ru/recording-notice.wav\nlanguage: ru', '    while_waiting: { music: main/hold.wav, position_every: 30 }\n'),
      'plan.yaml',
    );
    expect(s.greeting).toBe('main/welcome.mp3');
    expect(s.recordingNotice).toBe('default/ru/recording-notice.wav');
    expect(s.language).toBe('ru');
    expect(s.steps[0]!.whileWaiting).toEqual({ music: 'main/hold.wav', positionEvery: 30 });
    expect(welcomeSounds(s)).toEqual(['main/welcome.mp3', 'default/ru/recording-notice.wav']);
    expect(needsEarlyMedia(s)).toBe(true);
    expect(soundsOf(s)).toEqual([
      { file: 'main/welcome.mp3', path: ['greeting'] },
      { file: 'default/ru/recording-notice.wav', path: ['recording_notice'] },
      { file: 'main/hold.wav', path: ['steps', 0, 'while_waiting', 'music'] },
    ]);
  });

  it('changes nothing for a line without them: ringback, English prompts', () => {
    const s = parseScenario(plan(''), 'plan.yaml');
    expect(s.greeting).toBeNull();
    expect(s.recordingNotice).toBeNull();
    expect(s.language).toBe('en');
    expect(s.steps[0]!.whileWaiting).toBeNull();
    expect(needsEarlyMedia(s)).toBe(false);
    expect(soundsOf(s)).toEqual([]);
  });

  it('needs early media for position announcements alone (no music)', () => {
    const s = parseScenario(plan('', '    while_waiting: { position_every: 10 }\n'), 'plan.yaml');
    expect(s.steps[0]!.whileWaiting).toEqual({ music: null, positionEvery: 10 });
    expect(needsEarlyMedia(s)).toBe(true);
  });

  it.each([
    ['greeting: ../../etc/passwd.wav', 'plan.yaml:4: greeting: a sound path may not contain ".."'],
    ['greeting: /etc/hold.wav', 'plan.yaml:4: greeting: a sound is a .wav or .mp3 file'],
    ['greeting: hold.ogg', 'plan.yaml:4: greeting: a sound is a .wav or .mp3 file'],
    ['greeting: "a b.wav"', 'plan.yaml:4: greeting: a sound is a .wav or .mp3 file'],
    ['greeting: 12', 'plan.yaml:4: greeting:'],
    ['recording_notice: ""', 'plan.yaml:4: recording_notice: a sound is a .wav or .mp3 file'],
    ['language: de', 'plan.yaml:4: language: the language must be one of en, ru'],
    [`greeting: ${'a'.repeat(300)}.wav`, 'plan.yaml:4: greeting:'],
  ])('rejects %s with file:line', (top, expected) => {
    expect(problemsOf(plan(top)).join('\n')).toContain(expected);
  });

  it.each([
    ['    while_waiting: {}\n', 'plan.yaml:10: steps.0.while_waiting: give "music", "position_every" or both'],
    ['    while_waiting: { position_every: 5 }\n', 'plan.yaml:10: steps.0.while_waiting.position_every:'],
    ['    while_waiting: { position_every: 601 }\n', 'plan.yaml:10: steps.0.while_waiting.position_every:'],
    ['    while_waiting: { music: hold.wav, volume: 3 }\n', 'plan.yaml:10: steps.0.while_waiting.volume: unknown key "volume"'],
    ['    while_waiting: { music: ../hold.wav }\n', 'plan.yaml:10: steps.0.while_waiting.music: a sound path may not contain ".."'],
  ])('rejects a step with %s', (step, expected) => {
    expect(problemsOf(plan('', step)).join('\n')).toContain(expected);
  });

  it('names the position prompt for any place in line', () => {
    expect(positionSound('en', 1)).toBe('default/en/position-1.wav');
    expect(positionSound('ru', 20)).toBe('default/ru/position-20.wav');
    expect(positionSound('en', 21)).toBe('default/en/position-more.wav');
    expect(positionSound('en', 0)).toBe('default/en/position-more.wav');
  });
});

describe('ScenarioDirectory with a sound check', () => {
  it('rejects a scenario whose file check fails, at the line naming the file, and keeps the last good version', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadline-sounds-'));
    const present = new Set(['welcome.wav']);
    const plans = new ScenarioDirectory(dir, {
      check: async (s) => soundsOf(s).flatMap((ref) => (present.has(ref.file) ? [] : [{ path: ref.path, reason: `no file ${ref.file}` }])),
    });
    try {
      writeFileSync(join(dir, 'line.yaml'), plan('greeting: welcome.wav'));
      expect((await plans.reload()).errors).toEqual([]);
      writeFileSync(join(dir, 'line.yaml'), plan('greeting: welcome.wav', '    while_waiting: { music: gone.mp3 }\n'));
      const { errors, active } = await plans.reload();
      expect(errors).toEqual([{ file: join(dir, 'line.yaml'), message: `${join(dir, 'line.yaml')}:10: steps.0.while_waiting.music: no file gone.mp3` }]);
      expect(active.map((a) => a.scenario.steps[0]!.whileWaiting)).toEqual([null]);
      expect(plans.scenarioFor('+74950000001')?.greeting).toBe('welcome.wav');
    } finally {
      plans.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
