import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, parse, type Document } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../core/errors/app-error.js';
import { keysOf, leafKinds, schemaAt, takesIndex, type LeafKind } from './schema-walk.js';

/**
 * Settings from the environment, so secrets need not live in the file:
 *
 *   LEADLINE_<SECTION>__<KEY>[__<KEY>...]=value        e.g. LEADLINE_CONSOLE__SESSION_SECRET
 *   LEADLINE_<SECTION>__<KEY>[__<KEY>...]_FILE=path    the value is the file's content (Docker/Kubernetes secrets)
 *
 * Each `__` goes one level down; a key is the setting's name in SCREAMING_SNAKE_CASE
 * (sessionSecret: SESSION_SECRET); a number is a list index (LEADLINE_API__TOKENS__0__TOKEN).
 * A key is matched against the names the schema and the file know, ignoring case, `_` and
 * `-`: USE_SSL is useSSL, and a map key with a dash that the file has (office-hours) is
 * OFFICE_HOURS. A value replaces the file's and is typed as the schema types that setting:
 * an all-digit password stays text, a port becomes a number, true/false a boolean. Only
 * names with `__` are settings: LEADLINE_CONFIG stays the file's path.
 */
const PREFIX = 'LEADLINE_';

export interface EnvOverride {
  /** The variable as the operator wrote it, for messages. */
  name: string;
  path: (string | number)[];
}

/** Applies every LEADLINE_..__.. variable to the parsed YAML document; returns what it set, for messages. */
export function applyEnvOverrides(doc: Document, env: NodeJS.ProcessEnv, schema: z.ZodType): EnvOverride[] {
  const applied: EnvOverride[] = [];
  for (const [name, raw] of Object.entries(env).sort(([a], [b]) => a.localeCompare(b))) {
    if (!name.startsWith(PREFIX) || !name.includes('__') || raw === undefined) continue;
    const fromFile = name.endsWith('_FILE');
    const path = settingPath(name.slice(PREFIX.length, fromFile ? -'_FILE'.length : undefined), name, doc, schema);
    const text = fromFile ? readSecretFile(name, raw) : raw;
    doc.setIn(path, typed(text, doc.getIn(path), leafKinds(schemaAt(schema, path))));
    applied.push({ name, path });
  }
  return applied;
}

/** The variable that sets `path`: ['api', 'tokens', 0, 'token'] is LEADLINE_API__TOKENS__0__TOKEN. */
export function envNameOf(path: (string | number)[]): string {
  return PREFIX + path.map((p) => String(p).replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('__');
}

/**
 * Text, number or boolean as the schema wants the setting. Where the schema does not say
 * (a name it does not know, reported later), as the file has it, else as YAML reads it.
 */
function typed(text: string, current: unknown, kinds: Set<LeafKind>): unknown {
  const scalar = (() => {
    try {
      return parse(text) as unknown;
    } catch {
      return text;
    }
  })();
  if (kinds.has('number') && typeof scalar === 'number') return scalar;
  if (kinds.has('boolean') && typeof scalar === 'boolean') return scalar;
  if (kinds.size > 0 && !(kinds.size === 1 && kinds.has('other'))) return text;
  if (typeof current === 'string') return text;
  return typeof scalar === 'number' || typeof scalar === 'boolean' ? scalar : text;
}

function settingPath(rest: string, name: string, doc: Document, schema: z.ZodType): (string | number)[] {
  const parts = rest.split('__');
  if (parts.some((p) => !/^[A-Z0-9_]+$/.test(p) || p.startsWith('_') || p.endsWith('_'))) {
    throw new ConfigError(`${name}: a setting's variable is LEADLINE_<SECTION>__<KEY> in capitals, e.g. LEADLINE_CONSOLE__SESSION_SECRET or LEADLINE_API__TOKENS__0__TOKEN.`);
  }
  const path: (string | number)[] = [];
  for (const part of parts) {
    const nodes = schemaAt(schema, path);
    const here: unknown = path.length === 0 ? doc.contents : doc.getIn(path, true);
    if (/^\d+$/.test(part) && (takesIndex(nodes) || isSeq(here))) {
      path.push(Number(part));
      continue;
    }
    const known = [...keysOf(nodes), ...(isMap(here) ? here.items.map((i) => String(isScalar(i.key) ? i.key.value : i.key)) : [])];
    path.push(known.find((k) => squash(k) === squash(part)) ?? camelCase(part));
  }
  return path;
}

/** A name without case, `_` or `-`: how a variable's part is compared with a setting's name. */
const squash = (key: string) => key.toLowerCase().replace(/[-_]/g, '');
const camelCase = (part: string) => part.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** The file's content without its final newline (echo and most editors add one). */
function readSecretFile(name: string, path: string): string {
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    throw new ConfigError(`${name}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): point it at a readable file.`);
  }
}
