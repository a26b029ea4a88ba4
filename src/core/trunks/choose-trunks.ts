import { digitsOf } from '../phone/phone-number.js';

/** What trunk choice needs to know of the configuration (a pure view: no I/O). */
export interface TrunkPlan {
  /** In configuration order: the failover order when no rule says otherwise. */
  trunks: readonly { name: string; callerId: string }[];
  /** Company numbers: the trunk that carries each, and the caller ID it shows. */
  numbers: readonly { number: string; trunk: string; callerId?: string }[];
  rules: readonly { prefix: string; trunks: readonly string[] }[];
}

/** Who places the call and to whom, as far as the line is concerned. */
export interface OutboundCallFacts {
  dialled: string;
  /** The calling manager's own line, if he has one. */
  managerLine: string | null;
  /** The company number the client last called, else the line of the lead's scenario. */
  clientLine: string | null;
}

/** One trunk to try, with the caller ID to show on it. */
export interface TrunkAttempt {
  trunk: string;
  callerId: string;
}

export interface TrunkChoice {
  /** The company line the call is made on (recorded as its company number). */
  line: string;
  /** Why this line: shown in the log. */
  lineFrom: 'client' | 'manager' | 'default';
  /** The prefix of the rule that ordered the trunks, if one did. */
  rule: string | null;
  /** Tried in order; the next when one fails (5xx, no answer at all). Never empty. */
  attempts: TrunkAttempt[];
}

/**
 * The ordered trunk list of an outbound call.
 *
 * The line: the one the client knows (the number he called, or his lead's line) so he
 * sees a number he recognises, else the manager's own line, else the first company
 * number. The trunks: the longest matching prefix rule's list; without one, the line's
 * own trunk first, then every other trunk in configuration order. On each trunk the
 * call shows the line's caller ID when that trunk carries the line, else a number the
 * trunk carries itself: a provider refuses (or rewrites) a caller ID it does not own.
 */
export function chooseTrunks(plan: TrunkPlan, facts: OutboundCallFacts): TrunkChoice {
  const numbers = numbersOf(plan);
  const known = (n: string | null) => (n !== null && numbers.has(key(n)) ? numbers.get(key(n))! : null);
  const client = known(facts.clientLine);
  const manager = client ? null : known(facts.managerLine);
  const line = client ?? manager ?? numbers.values().next().value!;
  const lineFrom = client ? 'client' : manager ? 'manager' : 'default';
  const rule = matchingRule(plan.rules, facts.dialled);
  const order = rule ? [...rule.trunks] : [line.trunk, ...plan.trunks.map((t) => t.name).filter((n) => n !== line.trunk)];
  const attempts = unique(order)
    .filter((name) => plan.trunks.some((t) => t.name === name))
    .map((trunk) => ({ trunk, callerId: trunk === line.trunk ? line.callerId : ownCallerId(plan, numbers, trunk) }));
  return { line: line.number, lineFrom, rule: rule?.prefix ?? null, attempts };
}

interface Line {
  number: string;
  trunk: string;
  callerId: string;
}

/** The configured numbers by digits; with none configured, each trunk's callerId is its number. */
function numbersOf(plan: TrunkPlan): Map<string, Line> {
  const list: Line[] = plan.numbers.length > 0
    ? plan.numbers.map((n) => ({ number: n.number, trunk: n.trunk, callerId: n.callerId ?? n.number }))
    : plan.trunks.map((t) => ({ number: t.callerId, trunk: t.name, callerId: t.callerId }));
  const byKey = new Map<string, Line>();
  for (const l of list) if (!byKey.has(key(l.number))) byKey.set(key(l.number), l);
  return byKey;
}

/** The first number the trunk carries, else the trunk's own caller ID. */
function ownCallerId(plan: TrunkPlan, numbers: Map<string, Line>, trunk: string): string {
  for (const l of numbers.values()) if (l.trunk === trunk) return l.callerId;
  return plan.trunks.find((t) => t.name === trunk)!.callerId;
}

/** The longest prefix that the dialled number starts with (digits compared, "+" ignored). */
function matchingRule(rules: TrunkPlan['rules'], dialled: string): TrunkPlan['rules'][number] | null {
  const digits = digitsOf(dialled);
  let best: TrunkPlan['rules'][number] | null = null;
  for (const r of rules) {
    const p = digitsOf(r.prefix);
    if (digits.startsWith(p) && (!best || p.length > digitsOf(best.prefix).length)) best = r;
  }
  return best;
}

function key(number: string): string {
  return digitsOf(number);
}

function unique(names: string[]): string[] {
  return [...new Set(names)];
}

/** The SIP codes that move a call on to the next trunk, as a regular expression for Kamailio. */
export function failoverPattern(on: readonly (number | '4xx' | '5xx' | '6xx')[]): string {
  const parts = on.map((c) => (typeof c === 'number' ? String(c) : `${c[0]}[0-9][0-9]`));
  return parts.length === 0 ? '^$' : `^(${[...new Set(parts)].join('|')})$`;
}
