import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../../src/core/scenarios/parse-scenario.js';
import { ScenarioError } from '../../../src/core/scenarios/scenario-error.js';
import { decideMenu, stepForDigit } from '../../../src/core/scenarios/menu-choice.js';
import { needsEarlyMedia, soundsOf } from '../../../src/core/scenarios/scenario-sounds.js';

const plan = (menu: string) => `name: small
numbers: ["+74950000001"]
timezone: UTC
groups:
  sales: ["101"]
  support: ["102"]
  spare: ["103"]
steps:
  - group: sales
    strategy: round-robin
  - group: support
    strategy: round-robin
${menu}`;

function problemsOf(text: string): string {
  try {
    parseScenario(text, 'plan.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return (error as Error).message;
  }
  throw new Error('expected the plan to be rejected');
}

describe('menu key', () => {
  it('reads options by step number and by group name into step indexes, with defaults', () => {
    const s = parseScenario(plan('menu:\n  prompt: main/menu.wav\n  options:\n    "1": sales\n    2: 2\n    "#": 1\n'), 'plan.yaml');
    expect(s.menu).toEqual({ prompt: 'main/menu.wav', options: { '1': 0, '2': 1, '#': 0 }, timeout: 5, repeats: 1, defaultDigit: null });
    expect(needsEarlyMedia(s)).toBe(true);
    expect(soundsOf(s)).toContainEqual({ file: 'main/menu.wav', path: ['menu', 'prompt'] });
  });

  it('keeps timeout, repeat and default as written', () => {
    const s = parseScenario(plan('menu: { prompt: m.wav, options: { "1": sales, "2": support }, timeout: 3, repeat: 0, default: "2" }\n'), 'plan.yaml');
    expect(s.menu).toMatchObject({ timeout: 3, repeats: 0, defaultDigit: '2' });
  });

  it('is null without the key', () => {
    expect(parseScenario(plan(''), 'plan.yaml').menu).toBeNull();
  });

  it.each([
    ['menu:\n  prompt: m.wav\n  options:\n    "1": billing\n', 'plan.yaml:16: menu.options.1: no group "billing" in groups (there are: sales, support, spare)'],
    ['menu:\n  prompt: m.wav\n  options:\n    "1": spare\n', 'plan.yaml:16: menu.options.1: no step rings the group "spare"'],
    ['menu:\n  prompt: m.wav\n  options:\n    "3": 3\n', 'plan.yaml:16: menu.options.3: there is no step 3: the scenario has 2'],
    ['menu:\n  prompt: m.wav\n  options:\n    "1": 0\n', 'plan.yaml:16: menu.options.1:'],
    ['menu:\n  prompt: m.wav\n  options:\n    "A": sales\n', 'plan.yaml:16: menu.options.A: "A" is no menu key'],
    ['menu:\n  prompt: m.wav\n  options:\n    "12": sales\n', 'plan.yaml:16: menu.options.12: "12" is no menu key'],
    ['menu:\n  prompt: m.wav\n  options: {}\n', 'plan.yaml:15: menu.options: a menu needs at least one option'],
    ['menu:\n  options: { "1": sales }\n', 'menu.prompt:'],
    ['menu:\n  prompt: ../x.wav\n  options: { "1": sales }\n', 'plan.yaml:14: menu.prompt: a sound is a .wav or .mp3 file'],
    ['menu:\n  prompt: m.wav\n  options: { "1": sales }\n  default: "9"\n', 'plan.yaml:16: menu.default: the default "9" is not one of the options (1)'],
    ['menu:\n  prompt: m.wav\n  options: { "1": sales }\n  timeout: 0\n', 'plan.yaml:16: menu.timeout:'],
    ['menu:\n  prompt: m.wav\n  options: { "1": sales }\n  repeat: 9\n', 'plan.yaml:16: menu.repeat:'],
    ['menu:\n  prompt: m.wav\n  options: { "1": sales }\n  press: 1\n', 'plan.yaml:16: menu.press: unknown key "press"'],
  ])('rejects %j with file:line', (menu, expected) => {
    expect(problemsOf(plan(menu))).toContain(expected);
  });
});

describe('decideMenu', () => {
  const menu = { prompt: 'm.wav', options: { '1': 0, '2': 1, '*': 1 }, timeout: 5, repeats: 1, defaultDigit: null };

  it('routes a known key at once, in any round', () => {
    expect(decideMenu(menu, '2', 0)).toEqual({ kind: 'route', step: 1, digit: '2' });
    expect(decideMenu(menu, '*', 1)).toEqual({ kind: 'route', step: 1, digit: '*' });
  });

  it('repeats the prompt once on no key or an unknown key, then takes the first step', () => {
    expect(decideMenu(menu, null, 0)).toEqual({ kind: 'repeat' });
    expect(decideMenu(menu, '7', 0)).toEqual({ kind: 'repeat' });
    expect(decideMenu(menu, null, 1)).toEqual({ kind: 'route', step: 0, digit: null });
    expect(decideMenu(menu, '#', 1)).toEqual({ kind: 'route', step: 0, digit: null });
  });

  it('takes the default option after the repeats, and none at all with repeat: 0', () => {
    const withDefault = { ...menu, repeats: 0, defaultDigit: '2' };
    expect(decideMenu(withDefault, null, 0)).toEqual({ kind: 'route', step: 1, digit: null });
  });

  it('does not treat object built-ins as keys', () => {
    expect(stepForDigit(menu, 'constructor')).toBeNull();
    expect(stepForDigit(menu, '__proto__')).toBeNull();
  });
});
