import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDocument, LineCounter } from 'yaml';
import { ConfigError } from '../core/errors/app-error.js';
import { configSchema, type Config } from './config-schema.js';
import { applyEnvOverrides, type EnvOverride } from './env-overrides.js';
import { secretIssues } from './secret-policy.js';

export const DEFAULT_CONFIG_PATH = 'config/leadline.yaml';

/**
 * Reads and validates the configuration once, at start-up. Every problem is
 * reported as "file:line: path: what is wrong" so an operator can fix it directly.
 */
export function loadConfig(path = process.env.LEADLINE_CONFIG ?? DEFAULT_CONFIG_PATH, env: NodeJS.ProcessEnv = process.env): Config {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError(`Cannot read the configuration file ${file}: create it (see config/leadline.yaml) or set LEADLINE_CONFIG.`);
  }
  return parseConfig(text, file, env);
}

/**
 * The file, then LEADLINE_<SECTION>__<KEY> variables over it (env-overrides.ts), then the
 * schema, then the secrets (secret-policy.ts). A problem in a value that came from the
 * environment names the variable instead of a line.
 */
export function parseConfig(text: string, file = '<config>', env: NodeJS.ProcessEnv = {}): Config {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const { line } = lineCounter.linePos(e.pos[0]);
    throw new ConfigError(`${file}:${line}: the YAML is malformed: ${e.message.split('\n')[0]}`);
  }
  const fromEnv = applyEnvOverrides(doc, env, configSchema);
  const parsed = configSchema.safeParse(doc.toJS());
  const issues: { path: PropertyKey[]; message: string }[] = parsed.success
    ? [...unknownSettings(parsed.data, fromEnv), ...secretIssues(parsed.data)]
    : parsed.error.issues;
  if (parsed.success && issues.length === 0) return parsed.data;
  const problems = issues.map((issue) => {
    const path = issue.path as (string | number)[];
    const variable = fromEnv.find((o) => o.path.length <= path.length && o.path.every((p, i) => p === path[i]));
    const line = lineOf(doc, lineCounter, path);
    const where = variable ? `${variable.name} (environment)` : line ? `${file}:${line}` : file;
    return `${where}: ${path.join('.') || '(top)'}: ${issue.message}`;
  });
  throw new ConfigError(`The configuration is invalid:\n  ${problems.join('\n  ')}`);
}

/**
 * The line of the value at path; for a missing setting, the line of the nearest entry
 * that holds it (a trunk without its password: the trunk's line).
 */
function lineOf(doc: ReturnType<typeof parseDocument>, lineCounter: LineCounter, path: (string | number)[]): number | undefined {
  for (let n = path.length; n > 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number] } | undefined;
    if (node?.range) return lineCounter.linePos(node.range[0]).line;
  }
  return undefined;
}

/** A variable whose path the schema dropped names no setting (a typo): refused, not ignored. */
function unknownSettings(config: Config, fromEnv: EnvOverride[]): { path: (string | number)[]; message: string }[] {
  return fromEnv
    .filter((o) => o.path.reduce<unknown>((at, key) => (at === undefined || at === null ? undefined : (at as Record<string | number, unknown>)[key]), config) === undefined)
    .map((o) => ({ path: o.path, message: `${o.name} names no setting: check the spelling against config/leadline.yaml (LEADLINE_<SECTION>__<KEY>, e.g. LEADLINE_CONSOLE__SESSION_SECRET)` }));
}
