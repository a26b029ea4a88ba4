import type { Language, Scenario } from './scenario-schema.js';

/** One sound file a scenario names, with where in the YAML it is named (for file:line errors). */
export interface SoundReference {
  file: string;
  path: (string | number)[];
}

/** The generated prompts every scenario may rely on (sounds/default/<language>/). */
export const DEFAULT_PROMPTS = ['voicemail-prompt.wav', 'beep.wav', 'position-more.wav'] as const;
/** "You are number N in line" exists for 1..POSITIONS_SPOKEN; further back, position-more. */
export const POSITIONS_SPOKEN = 20;

export function defaultSound(language: Language, name: string): string {
  return `default/${language}/${name}`;
}

export function positionSound(language: Language, position: number): string {
  return defaultSound(language, position >= 1 && position <= POSITIONS_SPOKEN ? `position-${position}.wav` : 'position-more.wav');
}

/** Every file the scenario names itself; the default prompts are checked once at start-up. */
export function soundsOf(scenario: Scenario): SoundReference[] {
  const refs: SoundReference[] = [];
  if (scenario.greeting) refs.push({ file: scenario.greeting, path: ['greeting'] });
  if (scenario.recordingNotice) refs.push({ file: scenario.recordingNotice, path: ['recording_notice'] });
  scenario.steps.forEach((step, i) => {
    if (step.whileWaiting?.music) refs.push({ file: step.whileWaiting.music, path: ['steps', i, 'while_waiting', 'music'] });
  });
  if (scenario.menu) refs.push({ file: scenario.menu.prompt, path: ['menu', 'prompt'] });
  if (scenario.afterHours.message) refs.push({ file: scenario.afterHours.message, path: ['after_hours', 'message'] });
  if (scenario.missed.voicemail?.prompt) refs.push({ file: scenario.missed.voicemail.prompt, path: ['missed', 'voicemail', 'prompt'] });
  return refs;
}

/** What the caller hears before the first ring, in order. */
export function welcomeSounds(scenario: Scenario): string[] {
  return [scenario.greeting, scenario.recordingNotice].filter((f): f is string => typeof f === 'string');
}

/** Whether calls on this line need a media session before anyone answers. */
export function needsEarlyMedia(scenario: Scenario): boolean {
  return welcomeSounds(scenario).length > 0 || Boolean(scenario.menu) || scenario.steps.some((s) => s.whileWaiting);
}
