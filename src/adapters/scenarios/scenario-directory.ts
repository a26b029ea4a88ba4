import { watch, type FSWatcher } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { digitsOf } from '../../core/phone/phone-number.js';
import { findSetProblems, locateProblems, parseScenario, type LoadedScenario } from '../../core/scenarios/parse-scenario.js';
import { formatProblem, ScenarioError } from '../../core/scenarios/scenario-error.js';
import type { Scenario } from '../../core/scenarios/scenario-schema.js';

export interface ScenarioFileError {
  file: string;
  message: string;
}

export interface ReloadResult {
  active: LoadedScenario[];
  errors: ScenarioFileError[];
}

export interface ScenarioDirectoryOptions {
  /** Editors write a file in several steps; wait this long after the last event. */
  debounceMs?: number;
  /** Told after every reload, including those fs.watch starts (for logging). */
  onReload?: (result: ReloadResult) => void;
  /**
   * Checks what the pure model cannot (the sound files a scenario names exist and
   * play): each problem with its YAML path. A scenario with any is rejected.
   */
  check?: (scenario: Scenario) => Promise<{ path: (string | number)[]; reason: string }[]>;
}

interface GoodVersion {
  text: string;
  scenario: Scenario;
}

const DIAL_PLAN_FILE = /\.ya?ml$/;

/**
 * The dial plans in one directory, reloaded without a restart. A file that fails
 * validation is reported and its last good version stays active, so a typo never
 * takes a line down; a deleted file stops serving its numbers.
 */
export class ScenarioDirectory {
  private good = new Map<string, GoodVersion>();
  private lastErrors: ScenarioFileError[] = [];
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<ReloadResult> | undefined;
  private again = false;
  private readonly debounceMs: number;

  constructor(
    readonly dir: string,
    private readonly options: ScenarioDirectoryOptions = {},
  ) {
    this.debounceMs = options.debounceMs ?? 200;
  }

  /** Loads every file, then reloads on change until stop(). */
  async start(): Promise<ReloadResult> {
    const result = await this.reload();
    this.watcher ??= watch(this.dir, () => this.schedule());
    // A watcher error (the directory was removed) must not crash the process: the last good plans stay.
    this.watcher.on('error', (error) => {
      this.lastErrors = [{ file: this.dir, message: `watching stopped: ${(error as Error).message}` }];
    });
    return result;
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.watcher?.close();
    this.watcher = undefined;
  }

  /** Re-reads the directory. Concurrent calls share one run, and a change during a run triggers one more. */
  reload(): Promise<ReloadResult> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.readAll().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        void this.reload();
      }
    });
    return this.running;
  }

  active(): LoadedScenario[] {
    return entries(this.good).sort((a, b) => a.file.localeCompare(b.file));
  }

  errors(): ScenarioFileError[] {
    return this.lastErrors;
  }

  /** The scenario serving a dialled company number, compared by digits. */
  scenarioFor(dialledNumber: string): Scenario | undefined {
    const digits = digitsOf(dialledNumber);
    if (!digits) return undefined;
    for (const { scenario } of this.good.values()) {
      if (scenario.numbers.some((n) => digitsOf(n) === digits)) return scenario;
    }
    return undefined;
  }

  byName(name: string): Scenario | undefined {
    for (const { scenario } of this.good.values()) if (scenario.name === name) return scenario;
    return undefined;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.reload().catch((error: unknown) => {
        // The directory itself is unreadable: keep serving the last good plans.
        this.lastErrors = [{ file: this.dir, message: `reload failed: ${(error as Error).message}` }];
      });
    }, this.debounceMs);
  }

  private async readAll(): Promise<ReloadResult> {
    const errors: ScenarioFileError[] = [];
    const names = (await readdir(this.dir)).filter((n) => DIAL_PLAN_FILE.test(n)).sort();
    const texts = new Map<string, string>();
    for (const name of names) {
      const file = join(this.dir, name);
      try {
        texts.set(file, await readFile(file, 'utf8'));
      } catch (error) {
        // Deleted between readdir and readFile: the next watch event settles it.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') errors.push({ file, message: (error as Error).message });
      }
    }

    // Unchanged files were consistent with each other, so they go in first; a changed
    // file that collides with them is the one rejected.
    const next = new Map<string, GoodVersion>();
    const changed: string[] = [];
    for (const [file, text] of texts) {
      const previous = this.good.get(file);
      if (previous?.text === text) next.set(file, previous);
      else changed.push(file);
    }
    for (const file of changed) {
      const text = texts.get(file)!;
      const previous = this.good.get(file);
      try {
        const candidate = { text, scenario: parseScenario(text, file) };
        const found = (await this.options.check?.(candidate.scenario)) ?? [];
        if (found.length > 0) throw locateProblems(text, file, found);
        const clash = findSetProblems([...entries(next), { file, scenario: candidate.scenario }]);
        if (clash.length > 0) throw new ScenarioError(clash);
        next.set(file, candidate);
      } catch (error) {
        errors.push({ file, message: messageOf(error) });
        if (previous && findSetProblems([...entries(next), { file, scenario: previous.scenario }]).length === 0) next.set(file, previous);
      }
    }
    this.good = next;
    this.lastErrors = errors;
    const result = { active: this.active(), errors };
    this.options.onReload?.(result);
    return result;
  }
}

function entries(map: Map<string, GoodVersion>): LoadedScenario[] {
  return [...map].map(([file, { scenario }]) => ({ file, scenario }));
}

function messageOf(error: unknown): string {
  return error instanceof ScenarioError ? error.problems.map(formatProblem).join('\n') : String((error as Error)?.message ?? error);
}
