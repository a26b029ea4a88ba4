import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_BRANCHES, markOffered, markSuspended, nextStep, planStep, startProgress, type CallProgress } from '../../../src/core/routing/call-progress.js';
import { parseScenario } from '../../../src/core/scenarios/parse-scenario.js';

const T0 = 1_800_000_000_000;
const scenario = parseScenario(
  `name: main
numbers: ["+74951234567"]
timezone: UTC
groups:
  sales: ["101", "102", "103"]
  seniors: ["201"]
steps:
  - sticky: { days: 30 }
    max_wait: 20
    ring_timeout: 20
  - group: sales
    strategy: sequential
    max_wait: 60
  - group: seniors
    strategy: ring-all
    max_wait: 30
`,
  'main.yaml',
);
const SALES = 1;
const at = (step: number, over: Partial<CallProgress> = {}): CallProgress => ({ ...nextStepTo(step), ...over });
function nextStepTo(step: number): CallProgress {
  let p = startProgress(scenario, T0, '102');
  for (let i = 0; i < step; i++) p = nextStep(p, T0);
  return p;
}

describe('startProgress', () => {
  it('starts at the first step; a client with his own manager is served first while waiting', () => {
    expect(startProgress(scenario, T0, '102')).toEqual({ scenario: 'main', step: 0, stepStartedAt: T0, tried: [], stickyManager: '102', priority: true, branches: 0 });
    expect(startProgress(scenario, T0, null)).toMatchObject({ stickyManager: null, priority: false });
  });
});

describe('planStep', () => {
  it('rings the group\'s members in their order until the step\'s max_wait, which sets the deadline', () => {
    const plan = planStep(scenario, at(SALES), T0 + 1000);
    expect(plan).toEqual({ kind: 'ring', step: scenario.steps[SALES], candidates: ['101', '102', '103'], deadline: T0 + 60_000 });
  });

  it('leaves out the managers already offered the call in this step, and gives way once all were', () => {
    expect(planStep(scenario, at(SALES, { tried: ['102'] }), T0)).toMatchObject({ kind: 'ring', candidates: ['101', '103'] });
    expect(planStep(scenario, at(SALES, { tried: ['103', '101', '102'] }), T0)).toEqual({ kind: 'next-step' });
  });

  it('gives way to the next step when max_wait is spent, to the millisecond', () => {
    const progress = at(SALES, { stepStartedAt: T0 });
    expect(planStep(scenario, progress, T0 + 59_999).kind).toBe('ring');
    expect(planStep(scenario, progress, T0 + 60_000)).toEqual({ kind: 'next-step' });
  });

  it('rings only the client\'s own manager in a sticky step, and skips it when there is none', () => {
    expect(planStep(scenario, at(0), T0)).toMatchObject({ kind: 'ring', candidates: ['102'], deadline: T0 + 20_000 });
    expect(planStep(scenario, at(0, { stickyManager: null }), T0)).toEqual({ kind: 'next-step' });
    expect(planStep(scenario, at(0, { tried: ['102'] }), T0)).toEqual({ kind: 'next-step' });
  });

  it('misses the call after the last step, naming the scenario', () => {
    const plan = planStep(scenario, at(3), T0);
    expect(plan).toEqual({ kind: 'missed', reason: 'no manager answered in 3 steps of main' });
    const one = parseScenario('name: one\nnumbers: ["+70000000001"]\ntimezone: UTC\ngroups: { g: ["101"] }\nsteps: [{ group: g, strategy: random }]\n', 'one.yaml');
    expect(planStep(one, nextStep(startProgress(one, T0, null), T0), T0)).toEqual({ kind: 'missed', reason: 'no manager answered in 1 step of one' });
  });

  it('gives up once Kamailio\'s branches would run out, whatever step the call is in', () => {
    expect(planStep(scenario, at(SALES, { branches: MAX_BRANCHES - 1 }), T0).kind).toBe('ring');
    expect(planStep(scenario, at(SALES, { branches: MAX_BRANCHES }), T0)).toEqual({ kind: 'missed', reason: `gave up after ${MAX_BRANCHES} ring attempts` });
  });

  it('never offers a tried manager nor anyone outside the step\'s group (property)', () => {
    const members = scenario.groups.sales!;
    fc.assert(
      fc.property(fc.subarray(members), fc.integer({ min: 0, max: 59_999 }), (tried, elapsed) => {
        const plan = planStep(scenario, at(SALES, { tried }), T0 + elapsed);
        const expected = members.filter((m) => !tried.includes(m));
        if (expected.length === 0) expect(plan.kind).toBe('next-step');
        else expect(plan).toMatchObject({ kind: 'ring', candidates: expected });
      }),
    );
  });
});

describe('progress bookkeeping', () => {
  it('a new step starts its clock afresh and forgets who was tried, but not the branches used', () => {
    const offered = markOffered(at(SALES), ['101', '102']);
    const next = nextStep(offered, T0 + 5000);
    expect(next).toEqual({ ...offered, step: SALES + 1, stepStartedAt: T0 + 5000, tried: [] });
    expect(next.branches).toBe(2);
  });

  it('counts one branch per manager offered, and one per suspension in line', () => {
    const p = markSuspended(markOffered(markOffered(startProgress(scenario, T0, null), ['101']), ['102', '103']));
    expect(p).toMatchObject({ tried: ['101', '102', '103'], branches: 4 });
  });
});
