import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDocument, LineCounter } from 'yaml';
import { ConfigError } from '../core/errors/app-error.js';
import { configSchema, type Config } from './config-schema.js';

export const DEFAULT_CONFIG_PATH = 'config/leadline.yaml';

/**
 * Reads and validates the configuration once, at start-up. Every problem is
 * reported as "file:line: path: what is wrong" so an operator can fix it directly.
 */
export function loadConfig(path = process.env.LEADLINE_CONFIG ?? DEFAULT_CONFIG_PATH): Config {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError(`Cannot read the configuration file ${file}: create it (see config/leadline.yaml) or set LEADLINE_CONFIG.`);
  }
  return parseConfig(text, file);
}

export function parseConfig(text: string, file = '<config>'): Config {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const { line } = lineCounter.linePos(e.pos[0]);
    throw new ConfigError(`${file}:${line}: the YAML is malformed: ${e.message.split('\n')[0]}`);
  }
  const parsed = configSchema.safeParse(doc.toJS());
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const node = doc.getIn(issue.path as (string | number)[], true) as { range?: [number, number] } | undefined;
    const line = node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
    const where = line ? `${file}:${line}` : file;
    return `${where}: ${issue.path.join('.') || '(top)'}: ${issue.message}`;
  });
  throw new ConfigError(`The configuration is invalid:\n  ${problems.join('\n  ')}`);
}
