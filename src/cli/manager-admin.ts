import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { isMap, isSeq, parseDocument, YAMLMap, type Document } from 'yaml';
import type { Config } from '../config/config-schema.js';
import { envNameOf } from '../config/env-overrides.js';
import { parseConfig } from '../config/load-config.js';
import { CliError } from './leadline-api.js';

/**
 * `managers add|passwd|disable|enable`: edits the managers list of the configuration
 * file, keeping its comments and layout, and writes it back only if the whole file then
 * passes the service's own validation (schema, secret policy, the environment's
 * overrides), so the service can never be handed a file it would refuse at start.
 */
export type ManagerChange =
  | { kind: 'add'; extension: string; name: string; password: string }
  | { kind: 'passwd'; extension: string; password: string }
  | { kind: 'disable' | 'enable'; extension: string };

/** A SIP password as the production example asks for it (openssl rand -base64 12). */
export function newSipPassword(): string {
  return randomBytes(12).toString('base64');
}

/** The edited text and the configuration it gives; throws CliError or ConfigError with the reason. */
export function editManagers(text: string, file: string, change: ManagerChange, env: NodeJS.ProcessEnv): { text: string; config: Config } {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new CliError(`${file}: the YAML is malformed (${doc.errors[0]!.message.split('\n')[0]}): fix it first.`);
  const managers = doc.get('managers', true);
  if (!isSeq(managers)) throw new CliError(`${file}: has no managers list to edit.`);
  const items = managers.items.filter(isMap) as YAMLMap[];
  const index = items.findIndex((m) => String(m.get('extension')) === change.extension);
  const fromEnv = (key: string) => {
    const name = envNameOf(['managers', index, key]);
    return env[name] !== undefined || env[`${name}_FILE`] !== undefined ? name : null;
  };

  if (change.kind === 'add') {
    if (index >= 0) throw new CliError(`Manager ${change.extension} exists already (${String(items[index]!.get('name'))}): use "managers passwd ${change.extension}" or pick another extension.`);
    const node = doc.createNode({ extension: change.extension, name: change.name, password: change.password }) as YAMLMap;
    // Same style as the entries around it (the examples write one manager per line).
    node.flow = items.length > 0 && items.every((m) => m.flow === true);
    managers.items.push(node);
  } else {
    if (index < 0) throw new CliError(`No manager has extension ${change.extension}: "managers" lists them; "managers add" adds one.`);
    const manager = items[index]!;
    if (change.kind === 'passwd') {
      const variable = fromEnv('password');
      if (variable) throw new CliError(`Manager ${change.extension}'s password comes from ${variable} in the environment, which overrides the file: change it there.`);
      manager.set('password', change.password);
    } else if (change.kind === 'disable') {
      manager.set('disabled', true);
    } else {
      manager.delete('disabled');
    }
  }
  const edited = String(doc as Document);
  // The service's own check, with the same environment: a refused value names its line.
  return { text: edited, config: parseConfig(edited, file, env) };
}

/** Reads, edits, validates and replaces the file in one rename (a crash leaves the old or the new file, never half). */
export function applyManagerChange(file: string, change: ManagerChange, env: NodeJS.ProcessEnv): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`Cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): pass --config or set LEADLINE_CONFIG.`);
  }
  const { text: edited, config } = editManagers(text, file, change, env);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, edited, { mode: statSync(file).mode & 0o777, flag: 'wx' });
    chmodSync(tmp, statSync(file).mode & 0o777);
    renameSync(tmp, file);
  } catch (err) {
    throw new CliError(`Cannot write ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): run as the user who owns it.`);
  }
  return config;
}
