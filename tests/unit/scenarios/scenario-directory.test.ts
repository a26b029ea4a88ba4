import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScenarioDirectory } from '../../../src/adapters/scenarios/scenario-directory.js';

const plan = (name: string, number: string, strategy = 'round-robin') => `name: ${name}
numbers: ["${number}"]
timezone: Europe/Moscow
groups:
  sales: ["101", "102"]
steps:
  - group: sales
    strategy: ${strategy}
`;

/** fs.watch reports asynchronously; poll with a bounded wait instead of sleeping a fixed time. */
async function eventually(check: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('ScenarioDirectory', () => {
  let dir: string;
  let plans: ScenarioDirectory;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'leadline-dialplans-'));
    plans = new ScenarioDirectory(dir, { debounceMs: 30 });
  });

  afterEach(() => {
    plans.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads good files, keeps the last good version of a broken one, takes the fix, forgets a deleted one', async () => {
    const file = join(dir, 'main.yaml');
    writeFileSync(file, plan('main', '+74951234567'));
    writeFileSync(join(dir, 'notes.txt'), 'not a dial plan');
    expect(await plans.reload()).toEqual({ active: [expect.objectContaining({ file })], errors: [] });
    expect(plans.scenarioFor('8 (495) 123-45-67')).toBeUndefined();
    expect(plans.scenarioFor('+7 495 123-45-67')?.name).toBe('main');

    writeFileSync(file, plan('main', '+74951234567', 'loudest'));
    const broken = await plans.reload();
    expect(broken.errors).toEqual([{ file, message: expect.stringContaining(`${file}:8: steps.0.strategy: the strategy must be one of`) }]);
    expect(plans.errors()).toEqual(broken.errors);
    expect(plans.scenarioFor('74951234567')?.steps[0]).toMatchObject({ strategy: 'round-robin' });

    writeFileSync(file, plan('main', '+74951234567', 'random'));
    expect((await plans.reload()).errors).toEqual([]);
    expect(plans.scenarioFor('74951234567')?.steps[0]).toMatchObject({ strategy: 'random' });

    unlinkSync(file);
    expect(await plans.reload()).toEqual({ active: [], errors: [] });
    expect(plans.scenarioFor('74951234567')).toBeUndefined();
  });

  it('reports a broken file that never loaded, and rejects a changed file that takes another file\'s number', async () => {
    writeFileSync(join(dir, 'a.yaml'), plan('a', '+74951234567'));
    writeFileSync(join(dir, 'b.yml'), 'name: b\nnumbers: [\n');
    const first = await plans.reload();
    expect(first.active.map((e) => e.scenario.name)).toEqual(['a']);
    expect(first.errors).toEqual([{ file: join(dir, 'b.yml'), message: expect.stringMatching(/b\.yml:\d+: \(yaml\): /) }]);

    writeFileSync(join(dir, 'b.yml'), plan('b', '+74950000002'));
    expect((await plans.reload()).active.map((e) => e.scenario.name)).toEqual(['a', 'b']);

    writeFileSync(join(dir, 'b.yml'), plan('b', '74951234567'));
    const clash = await plans.reload();
    expect(clash.errors).toEqual([{ file: join(dir, 'b.yml'), message: `${join(dir, 'b.yml')}: numbers: 74951234567 is also served by ${join(dir, 'a.yaml')}` }]);
    expect(plans.scenarioFor('74951234567')?.name).toBe('a');
    expect(plans.scenarioFor('74950000002')?.name).toBe('b');
  });

  it('reloads on its own when a file changes, and stops watching on stop()', async () => {
    const file = join(dir, 'main.yaml');
    writeFileSync(file, plan('main', '+74951234567'));
    let reloads = 0;
    plans = new ScenarioDirectory(dir, { debounceMs: 30, onReload: () => reloads++ });
    await plans.start();
    expect(reloads).toBe(1);

    writeFileSync(file, plan('main', '+74951234567', 'longest-idle'));
    const strategy = () => {
      const step = plans.scenarioFor('74951234567')?.steps[0];
      return step?.kind === 'group' ? step.strategy : undefined;
    };
    await eventually(() => strategy() === 'longest-idle');

    writeFileSync(join(dir, 'extra.yaml'), 'name: [');
    await eventually(() => plans.errors().some((e) => e.file.endsWith('extra.yaml')));
    expect(plans.scenarioFor('74951234567')?.name).toBe('main');

    plans.stop();
    const seen = reloads;
    writeFileSync(file, plan('main', '+74951234567', 'random'));
    await new Promise((r) => setTimeout(r, 150));
    expect(reloads).toBe(seen);
  });
});
