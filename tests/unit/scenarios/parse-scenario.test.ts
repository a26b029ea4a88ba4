import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findSetProblems, parseScenario, validateScenarioSet } from '../../../src/core/scenarios/parse-scenario.js';
import { ScenarioError } from '../../../src/core/scenarios/scenario-error.js';

const minimal = `name: small
numbers: ["+74950000001"]
timezone: UTC
groups:
  sales: ["101", "102"]
steps:
  - group: sales
    strategy: round-robin
`;

function problemsOf(text: string): string[] {
  try {
    parseScenario(text, 'plan.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).code).toBe('SCENARIO.INVALID');
    expect((error as ScenarioError).status).toBe(422);
    return (error as Error).message.split('\n').slice(1).map((l) => l.trim());
  }
  throw new Error('expected the plan to be rejected');
}

describe('parseScenario', () => {
  it('reads the demo dial plan: open around the clock, so the first call works at any hour', () => {
    const s = parseScenario(readFileSync('dialplans/main-line.yaml', 'utf8'), 'dialplans/main-line.yaml');
    expect(s.name).toBe('main-line');
    expect(s.hours).toBeNull();
    expect(s.holidays).toEqual([]);
  });

  it('reads the office-hours example, mapping snake_case to camelCase', () => {
    const s = parseScenario(readFileSync('dialplans/office-hours.yaml.example', 'utf8'), 'dialplans/office-hours.yaml.example');
    expect(s.name).toBe('main-line');
    expect(s.numbers).toEqual(['+74951234567']);
    expect(s.hours?.mon).toEqual([{ from: 540, to: 1140 }]);
    expect(s.hours?.sun).toEqual([]);
    expect(s.steps.map((step) => step.kind)).toEqual(['sticky', 'group', 'group']);
    expect(s.steps[0]).toMatchObject({ kind: 'sticky', days: 30, crmOwner: true, ringTimeout: 20 });
    expect(s.steps[1]).toMatchObject({ group: 'sales', strategy: 'performance-weighted', maxConcurrentCalls: 1, skipBusy: true });
    expect(s.missed).toEqual({ callback: { group: 'sales', strategy: 'round-robin', sticky: true }, event: true, voicemail: null });
  });

  it('fills the documented defaults', () => {
    const s = parseScenario(minimal, 'plan.yaml');
    expect(s.hours).toBeNull();
    expect(s.holidays).toEqual([]);
    expect(s.afterHours).toEqual({ action: 'voicemail', maxSeconds: 120 });
    expect(s.steps[0]).toEqual({ kind: 'group', group: 'sales', strategy: 'round-robin', ringTimeout: 15, maxWait: 60, wrapUp: 10, maxConcurrentCalls: 1, skipBusy: true, maxWaiting: 200, whileWaiting: null });
    expect(s.missed).toEqual({ callback: { group: 'sales', strategy: 'round-robin', sticky: true }, event: true, voicemail: null });
  });

  it('accepts every strategy and a forward after hours', () => {
    for (const strategy of ['ring-all', 'round-robin', 'longest-idle', 'fewest-calls-today', 'least-talk-time-today', 'sequential', 'random', 'performance-weighted']) {
      expect(parseScenario(minimal.replace('round-robin', strategy), 'plan.yaml').steps[0]).toMatchObject({ strategy });
    }
    const s = parseScenario(`${minimal}after_hours: { action: forward, to: "+79990000000" }\nmissed: { callback: false, event: false }\n`, 'plan.yaml');
    expect(s.afterHours).toEqual({ action: 'forward', to: '+79990000000' });
    expect(s.missed).toEqual({ callback: null, event: false, voicemail: null });
  });

  it('reports every problem with its file, line and path', () => {
    const problems = problemsOf(`name: Main
numbers: [74951234567, "+7x"]
timezone: Mars/Olympus
hours:
  monday: "09:00-19:00"
  mon-fri: ["09:00-13:00", "12:00-19:00"]
  fri: "19:00-09:00"
holidays: ["2026-02-30"]
after_hours: { action: forward }
groups:
  sales: ["1"]
steps:
  - sticky: {}
    group: sales
  - group: sales
    strategy: loudest
    ringtimeout: 3
`);
    expect(problems).toEqual([
      'plan.yaml:1: name: a name is lower-case letters, digits and -',
      'plan.yaml:2: numbers.0: write 74951234567 in quotes: "74951234567"',
      'plan.yaml:2: numbers.1: must be a phone number: digits, optionally starting with +',
      'plan.yaml:3: timezone: not an IANA time zone (for example Europe/Moscow)',
      'plan.yaml:5: hours.monday: "monday" is not a day: use mon, tue, wed, thu, fri, sat, sun or a range such as mon-fri',
      'plan.yaml:6: hours.mon-fri: the ranges for "mon-fri" overlap',
      'plan.yaml:7: hours.fri: "19:00-09:00" must start before it ends (for hours past midnight, give the next day its own range from 00:00)',
      'plan.yaml:7: hours.fri: fri is already given by "mon-fri"',
      'plan.yaml:8: holidays.0: this date does not exist',
      'plan.yaml:9: after_hours.action: forward needs a number in "to"',
      'plan.yaml:11: groups.sales.0: an extension is 2 to 6 digits',
      'plan.yaml:13: steps.0: a step is either "sticky: {...}" or "group: <name>", exactly one of them',
      expect.stringMatching(/^plan\.yaml:16: steps\.1\.strategy: the strategy must be one of ring-all, /),
      'plan.yaml:17: steps.1.ringtimeout: unknown key "ringtimeout"',
    ]);
  });

  it('caps each step\'s waiting line: max_waiting is a whole number from 1 to 10000', () => {
    const plan = (maxWaiting: unknown) => `name: main
numbers: ["+74951234567"]
timezone: UTC
groups: { sales: ["101"] }
steps:
  - group: sales
    strategy: round-robin
    max_waiting: ${JSON.stringify(maxWaiting)}
`;
    expect(problemsOf(plan(0))).toEqual([expect.stringMatching(/^plan\.yaml:8: steps\.0\.max_waiting: /)]);
    expect(problemsOf(plan(2.5))).toEqual([expect.stringMatching(/^plan\.yaml:8: steps\.0\.max_waiting: /)]);
    expect(problemsOf(plan('many'))).toEqual([expect.stringMatching(/^plan\.yaml:8: steps\.0\.max_waiting: /)]);
    expect(parseScenario(plan(5), 'plan.yaml').steps[0]!.maxWaiting).toBe(5);
  });

  it('checks references between fields once each field is valid', () => {
    expect(problemsOf(minimal.replace('- group: sales', '- group: seniors'))).toEqual(['plan.yaml:7: steps.0.group: no group "seniors" in groups (there are: sales)']);
    expect(problemsOf(`${minimal}missed: { callback: { group: vip } }\n`)).toEqual(['plan.yaml:9: missed.callback.group: no group "vip" in groups (there are: sales)']);
    expect(problemsOf(minimal.replace('"+74950000001"', '"+74950000001", "74950000001"'))).toEqual(['plan.yaml:2: numbers.1: 74950000001 is listed twice']);
    expect(problemsOf(minimal.replace('strategy: round-robin', 'strategy: round-robin\n    ring_timeout: 90'))).toEqual([
      'plan.yaml:9: steps.0.ring_timeout: ring_timeout (90) cannot exceed max_wait (60)',
    ]);
  });

  it('reports a missing field at its parent and an unknown key inside a union at the key', () => {
    expect(problemsOf(minimal.replace('timezone: UTC\n', ''))).toEqual([expect.stringMatching(/^plan\.yaml:1: timezone: /)]);
    expect(problemsOf(`${minimal}missed:\n  callback: { group: sales, colour: red }\n`)).toEqual(['plan.yaml:10: missed.callback.colour: unknown key "colour"']);
  });

  it('reports YAML syntax errors with their line', () => {
    const problems = problemsOf('name: a\nnumbers: ["+7495"\ntimezone: UTC\n');
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatch(/^plan\.yaml:\d+: \(yaml\): /);
    expect(problems[0]).not.toMatch(/at line \d+, column/);
    expect(problemsOf('')).toEqual([expect.stringMatching(/^plan\.yaml(:1)?: \(top\): /)]);
  });
});

describe('validateScenarioSet', () => {
  const a = parseScenario(minimal, 'a.yaml');
  const b = parseScenario(minimal.replace('name: small', 'name: other').replace('+74950000001', '74950000001'), 'b.yaml');

  it('rejects a company number served by two files, naming both', () => {
    expect(findSetProblems([{ file: 'a.yaml', scenario: a }, { file: 'b.yaml', scenario: b }])).toEqual([
      { file: 'b.yaml', path: 'numbers', reason: '74950000001 is also served by a.yaml' },
    ]);
    expect(() => validateScenarioSet([{ file: 'a.yaml', scenario: a }, { file: 'b.yaml', scenario: b }])).toThrow('b.yaml: numbers: 74950000001 is also served by a.yaml');
  });

  it('rejects one name in two files and accepts a clean set', () => {
    expect(findSetProblems([{ file: 'a.yaml', scenario: a }, { file: 'c.yaml', scenario: { ...a, numbers: ['+1555'] } }])).toEqual([
      { file: 'c.yaml', path: 'name', reason: 'the name "small" is also used by a.yaml' },
    ]);
    expect(() => validateScenarioSet([{ file: 'a.yaml', scenario: a }])).not.toThrow();
  });
});
