import { readFileSync } from 'node:fs';
import { parse, type Document } from 'yaml';
import { ConfigError } from '../core/errors/app-error.js';

/**
 * Settings from the environment, so secrets need not live in the file:
 *
 *   LEADLINE_<SECTION>__<KEY>[__<KEY>...]=value        e.g. LEADLINE_CONSOLE__SESSION_SECRET
 *   LEADLINE_<SECTION>__<KEY>[__<KEY>...]_FILE=path    the value is the file's content (Docker/Kubernetes secrets)
 *
 * Each `__` goes one level down; a key is the setting's name in SCREAMING_SNAKE_CASE
 * (sessionSecret: SESSION_SECRET); a number is a list index (LEADLINE_API__TOKENS__0__TOKEN).
 * A value replaces the file's. Where the file holds text there (an empty token: ""), it
 * stays text even if it looks like a number; where the file holds a number or true/false,
 * or nothing, it is read as YAML reads a plain value. Only names with `__` are settings:
 * LEADLINE_CONFIG stays the file's path.
 */
const PREFIX = 'LEADLINE_';

export interface EnvOverride {
  /** The variable as the operator wrote it, for messages. */
  name: string;
  path: (string | number)[];
}

/** Applies every LEADLINE_..__.. variable to the parsed YAML document; returns what it set, for messages. */
export function applyEnvOverrides(doc: Document, env: NodeJS.ProcessEnv): EnvOverride[] {
  const applied: EnvOverride[] = [];
  for (const [name, raw] of Object.entries(env).sort(([a], [b]) => a.localeCompare(b))) {
    if (!name.startsWith(PREFIX) || !name.includes('__') || raw === undefined) continue;
    const fromFile = name.endsWith('_FILE');
    const path = settingPath(name.slice(PREFIX.length, fromFile ? -'_FILE'.length : undefined), name);
    const text = fromFile ? readSecretFile(name, raw) : raw;
    doc.setIn(path, typed(text, doc.getIn(path)));
    applied.push({ name, path });
  }
  return applied;
}

/** The variable that sets `path`: ['api', 'tokens', 0, 'token'] is LEADLINE_API__TOKENS__0__TOKEN. */
export function envNameOf(path: (string | number)[]): string {
  return PREFIX + path.map((p) => String(p).replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('__');
}

function typed(text: string, current: unknown): unknown {
  if (typeof current === 'string') return text;
  const value: unknown = parse(text);
  return typeof value === 'number' || typeof value === 'boolean' ? value : text;
}

function settingPath(rest: string, name: string): (string | number)[] {
  const parts = rest.split('__');
  if (parts.some((p) => !/^[A-Z0-9_]+$/.test(p) || p.startsWith('_') || p.endsWith('_'))) {
    throw new ConfigError(`${name}: a setting's variable is LEADLINE_<SECTION>__<KEY> in capitals, e.g. LEADLINE_CONSOLE__SESSION_SECRET or LEADLINE_API__TOKENS__0__TOKEN.`);
  }
  return parts.map((p) => (/^\d+$/.test(p) ? Number(p) : p.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())));
}

/** The file's content without its final newline (echo and most editors add one). */
function readSecretFile(name: string, path: string): string {
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    throw new ConfigError(`${name}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): point it at a readable file.`);
  }
}
