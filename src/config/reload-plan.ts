import { isDeepStrictEqual } from 'node:util';
import type { Config, ManagerConfig } from './config-schema.js';

/**
 * What a configuration reload changes, worked out from the running configuration and the
 * file read again (both already validated). Pure: the reloader applies it.
 *
 * Live: the managers (their SIP credentials in Kamailio, who is heard and routed), the API
 * tokens and the console accounts. Everything else is read at start (ports, stores,
 * Kamailio's rendered config, workers): a difference there is named in `needsRestart`,
 * never applied halfway and never silently dropped.
 */
export interface ReloadPlan {
  managers: {
    added: ManagerConfig[];
    removed: ManagerConfig[];
    /** Password changed (and still enabled): a new HA1 is pushed. */
    passwordChanged: ManagerConfig[];
    disabled: ManagerConfig[];
    enabled: ManagerConfig[];
    /** Name or CRM user id changed: shown at the next restart (webhooks and console read them at start). */
    otherwiseChanged: string[];
  };
  tokens: { added: string[]; removed: string[]; changed: string[] };
  consoleUsers: { added: string[]; removed: string[]; changed: string[] };
  /** Settings (dotted paths) that differ but take effect only after a restart. */
  needsRestart: string[];
  /** True when nothing differs at all. */
  unchanged: boolean;
}

/** The keys whose change is applied live; their siblings are compared for `needsRestart`. */
const LIVE: Record<string, readonly string[] | true> = { managers: true, api: ['tokens'], console: ['users'] };

export function planReload(current: Config, next: Config): ReloadPlan {
  const managers = diffManagers(current.managers, next.managers);
  const tokens = diffNamed(current.api.tokens, next.api.tokens, (t) => t.name);
  const consoleUsers = diffNamed(current.console.users, next.console.users, (u) => u.login);
  const needsRestart = restartPaths(current, next);
  // Kamailio's auth, evapi and browser-phone secrets are derived from the first token at start
  // (render-config.ts): changing it live would lock the service out of its own Kamailio.
  if (current.api.tokens[0]?.token !== next.api.tokens[0]?.token) needsRestart.push('api.tokens[0].token (Kamailio\'s channel secrets are derived from it)');
  const unchanged =
    needsRestart.length === 0 &&
    Object.values(managers).every((l) => l.length === 0) &&
    [tokens, consoleUsers].every((d) => d.added.length + d.removed.length + d.changed.length === 0);
  return { managers, tokens, consoleUsers, needsRestart, unchanged };
}

function diffManagers(before: ManagerConfig[], after: ManagerConfig[]): ReloadPlan['managers'] {
  const old = new Map(before.map((m) => [m.extension, m]));
  const now = new Map(after.map((m) => [m.extension, m]));
  const plan: ReloadPlan['managers'] = { added: [], removed: [], passwordChanged: [], disabled: [], enabled: [], otherwiseChanged: [] };
  for (const m of after) {
    const was = old.get(m.extension);
    if (!was) {
      plan.added.push(m);
      continue;
    }
    if (!was.disabled && m.disabled) plan.disabled.push(m);
    else if (was.disabled && !m.disabled) plan.enabled.push(m);
    else if (!m.disabled && was.password !== m.password) plan.passwordChanged.push(m);
    if (!isDeepStrictEqual(rest(was), rest(m))) plan.otherwiseChanged.push(m.extension);
  }
  for (const m of before) if (!now.has(m.extension)) plan.removed.push(m);
  return plan;
}

/** A manager's fields other than those applied live (name, crmUserId, line: read by services at start). */
function rest({ extension: _e, password: _p, disabled: _d, ...other }: ManagerConfig): Partial<ManagerConfig> {
  return other;
}

/** Entries matched by name: a changed secret, role or extension is a change of that entry. */
function diffNamed<T>(before: T[], after: T[], key: (t: T) => string): ReloadPlan['tokens'] {
  const old = new Map(before.map((t) => [key(t), t]));
  const now = new Map(after.map((t) => [key(t), t]));
  return {
    added: [...now.keys()].filter((k) => !old.has(k)),
    removed: [...old.keys()].filter((k) => !now.has(k)),
    changed: [...now.keys()].filter((k) => old.has(k) && !isDeepStrictEqual(old.get(k), now.get(k))),
  };
}

/** Dotted paths of the settings that differ, outside what is applied live (two levels deep: `sip.port`). */
function restartPaths(current: Config, next: Config): string[] {
  const paths: string[] = [];
  const a = current as unknown as Record<string, unknown>;
  const b = next as unknown as Record<string, unknown>;
  for (const key of union(a, b)) {
    const live = LIVE[key];
    if (live === true || isDeepStrictEqual(a[key], b[key])) continue;
    const x = a[key];
    const y = b[key];
    if (!isPlainObject(x) || !isPlainObject(y)) {
      paths.push(key);
      continue;
    }
    for (const sub of union(x, y)) {
      if (live?.includes(sub)) continue;
      if (!isDeepStrictEqual(x[sub], y[sub])) paths.push(`${key}.${sub}`);
    }
  }
  return paths;
}

function union(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
