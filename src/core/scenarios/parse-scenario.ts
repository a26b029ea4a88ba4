import { LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { digitsOf } from '../phone/phone-number.js';
import { scenarioSchema, type Scenario } from './scenario-schema.js';
import { ScenarioError, type ScenarioProblem } from './scenario-error.js';

/**
 * Text of one dial plan file -> Scenario, or a ScenarioError listing every
 * problem as "file:line: path: reason". Pure: the caller reads the file.
 */
export function parseScenario(text: string, file: string): Scenario {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0) {
    throw new ScenarioError(
      doc.errors.map((e) => ({ file, line: lineCounter.linePos(e.pos[0]).line, path: '(yaml)', reason: e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '') })),
    );
  }
  const parsed = scenarioSchema.safeParse(doc.toJS());
  if (parsed.success) return parsed.data;
  const lineOf = (path: PropertyKey[]) => findLine(doc, lineCounter, path);
  throw new ScenarioError(flatten(parsed.error.issues, []).map(({ path, reason }) => ({ file, line: lineOf(path), path: showPath(path), reason })));
}

/**
 * Problems found outside the pure model (a sound file that is missing), located in
 * the file's text like the schema's own: "file:line: path: reason".
 */
export function locateProblems(text: string, file: string, found: readonly { path: (string | number)[]; reason: string }[]): ScenarioError {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  return new ScenarioError(found.map(({ path, reason }) => ({ file, line: findLine(doc, lineCounter, path), path: showPath(path), reason })));
}

export interface LoadedScenario {
  file: string;
  scenario: Scenario;
}

/** Problems that only show across files: one company number or one name in two scenarios. */
export function findSetProblems(entries: readonly LoadedScenario[]): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];
  const byNumber = new Map<string, string>();
  const byName = new Map<string, string>();
  for (const { file, scenario } of entries) {
    const other = byName.get(scenario.name);
    if (other !== undefined && other !== file) problems.push({ file, path: 'name', reason: `the name "${scenario.name}" is also used by ${other}` });
    byName.set(scenario.name, file);
    for (const number of scenario.numbers) {
      const owner = byNumber.get(digitsOf(number));
      if (owner !== undefined && owner !== file) problems.push({ file, path: 'numbers', reason: `${number} is also served by ${owner}` });
      byNumber.set(digitsOf(number), file);
    }
  }
  return problems;
}

export function validateScenarioSet(entries: readonly LoadedScenario[]): void {
  const problems = findSetProblems(entries);
  if (problems.length > 0) throw new ScenarioError(problems);
}

interface Located {
  path: PropertyKey[];
  reason: string;
}

/**
 * Zod's issues made readable: an unknown key points at the key itself, and a failed
 * union reports the branch the author evidently meant (the one that got past the
 * shape check) rather than "Invalid input".
 */
function flatten(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[]): Located[] {
  return issues.flatMap((issue): Located[] => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ path: [...path, key], reason: `unknown key "${key}"` }));
    if (issue.code === 'invalid_union') {
      const meant = issue.errors.find((branch) => !branch.some((i) => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_value')));
      if (meant) return flatten(meant, path);
    }
    return [{ path, reason: issue.message }];
  });
}

/** The line of the deepest node that exists on the path: a missing key is reported at its parent. */
function findLine(doc: Document, lineCounter: LineCounter, path: PropertyKey[]): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth) as (string | number)[], true) as { range?: [number, number] } | undefined;
    if (node?.range) return lineCounter.linePos(node.range[0]).line;
  }
  return undefined;
}

function showPath(path: PropertyKey[]): string {
  return path.length ? path.map(String).join('.') : '(top)';
}
