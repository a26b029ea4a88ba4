import type { z } from 'zod';

/**
 * Reads the configuration schema's shape (zod 4's `_zod.def`) so that an environment
 * variable can be matched to the setting it names and typed as the schema wants it:
 * LEADLINE_RECORDINGS__STORAGE__USE_SSL is `useSSL`, a boolean; an all-digit password
 * stays text. Only the shape is read; values are still validated by the schema itself.
 */
interface Def {
  type: string;
  innerType?: Node;
  in?: Node;
  out?: Node;
  shape?: Record<string, Node>;
  element?: Node;
  valueType?: Node;
  options?: Node[];
  entries?: Record<string, unknown>;
  values?: unknown[];
  getter?: () => Node;
}
interface Node {
  _zod: { def: Def };
}

/** What a value may be at a place in the schema; 'other' for anything not a scalar. */
export type LeafKind = 'string' | 'number' | 'boolean' | 'other';

/** The schema's alternatives at `path` (several where a union or a pipe offers them). */
export function schemaAt(root: z.ZodType, path: (string | number)[]): Node[] {
  let nodes = flatten(root as unknown as Node);
  for (const key of path) nodes = nodes.flatMap((n) => child(n, key)).flatMap(flatten);
  return nodes;
}

/** The object keys the schema knows at these alternatives. */
export function keysOf(nodes: Node[]): string[] {
  return [...new Set(nodes.flatMap((n) => (n._zod.def.type === 'object' ? Object.keys(n._zod.def.shape ?? {}) : [])))];
}

/** Whether an element, not a named key, comes next (a list; a map takes any key). */
export function takesIndex(nodes: Node[]): boolean {
  return nodes.some((n) => n._zod.def.type === 'array' || n._zod.def.type === 'tuple');
}

export function leafKinds(nodes: Node[]): Set<LeafKind> {
  const kinds = new Set<LeafKind>();
  for (const n of nodes) {
    const def = n._zod.def;
    if (def.type === 'string' || def.type === 'template_literal') kinds.add('string');
    else if (def.type === 'number' || def.type === 'int' || def.type === 'bigint') kinds.add('number');
    else if (def.type === 'boolean') kinds.add('boolean');
    else if (def.type === 'enum') for (const v of Object.values(def.entries ?? {})) kinds.add(kindOf(v));
    else if (def.type === 'literal') for (const v of def.values ?? []) kinds.add(kindOf(v));
    else kinds.add('other');
  }
  return kinds;
}

function kindOf(v: unknown): LeafKind {
  return typeof v === 'string' ? 'string' : typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'boolean' : 'other';
}

/** Peels wrappers (default, optional, a transform's input, ...) and spreads unions. */
function flatten(node: Node): Node[] {
  const def = node._zod.def;
  switch (def.type) {
    case 'default':
    case 'prefault':
    case 'optional':
    case 'nullable':
    case 'nonoptional':
    case 'catch':
    case 'readonly':
    case 'success':
      return def.innerType ? flatten(def.innerType) : [node];
    case 'pipe':
      // A transform's input is what the file holds; a pipe into a schema: either side.
      return [...(def.in ? flatten(def.in) : []), ...(def.out && def.out._zod.def.type !== 'transform' ? flatten(def.out) : [])];
    case 'lazy':
      return def.getter ? flatten(def.getter()) : [node];
    case 'union':
      return (def.options ?? []).flatMap(flatten);
    default:
      return [node];
  }
}

function child(node: Node, key: string | number): Node[] {
  const def = node._zod.def;
  if (def.type === 'object' && typeof key === 'string') return def.shape?.[key] ? [def.shape[key]] : [];
  if (def.type === 'array' && typeof key === 'number') return def.element ? [def.element] : [];
  if (def.type === 'record') return def.valueType ? [def.valueType] : [];
  return [];
}
