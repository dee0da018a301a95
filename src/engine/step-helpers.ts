/**
 * Helpers shared by the step families: enum tests, property access, child-traversal evaluation
 * and `by()` modulators (with TinkerPop 3.6+ "productive by" semantics: a `by()` that yields
 * nothing filters the traverser instead of failing,
 * https://tinkerpop.apache.org/docs/3.7.3/upgrade/#_by_modulation_semantics).
 */
import { Edge, Vertex, VertexProperty } from './property-graph.js';
import type { Compiler, Pipeline, Stage } from './compiler.js';
import { isTraversalArg, stepError } from './compiler.js';
import { EnginePath, MapEntry, PropertyRef, Traverser, type Bulk } from './traverser.js';
import { compareValues, hashKey } from './values.js';

/** "No value": what an unproductive child traversal or missing property gives. */
export const NONE: unique symbol = Symbol('none');
export type Maybe<T> = T | typeof NONE;

/** True when `x` is the driver enum `Type.name` (compared by name, as parsed and driver enums are distinct objects). */
export function isEnum(x: unknown, typeName: string, name?: string): boolean {
  if (x === null || typeof x !== 'object') return false;
  const e = x as { typeName?: unknown; elementName?: unknown };
  if (e.typeName !== typeName) return false;
  return name === undefined || String(e.elementName).toLowerCase() === name.toLowerCase();
}

/** The element name of a driver enum, lower-cased (`t.id` → `id`, `direction.out` → `out`). */
export function enumName(x: unknown): string | undefined {
  if (x === null || typeof x !== 'object') return undefined;
  const e = x as { typeName?: unknown; elementName?: unknown };
  return typeof e.typeName === 'string' ? String(e.elementName).toLowerCase() : undefined;
}

/** Rejects lambdas (Neptune does not run them). */
export function rejectLambda(step: string, x: unknown): void {
  if (typeof x === 'function' || (x !== null && typeof x === 'object' && (x as object).constructor?.name === 'Lambda')) {
    stepError(step, 'Neptune does not support lambdas');
  }
}

export function isElement(x: unknown): x is Vertex | Edge {
  return x instanceof Vertex || x instanceof Edge;
}

/** The first value of a property of an element, vertex property (meta) or map; NONE when absent. */
export function propertyValue(obj: unknown, key: string, step = 'by'): Maybe<unknown> {
  if (obj instanceof Vertex) {
    const props = obj.props;
    if (props) for (const p of props) if (p.key === key) return p.value;
    return NONE;
  }
  if (obj instanceof Edge) {
    const props = obj.props;
    if (props) for (let i = 0; i < props.length; i += 2) if (props[i] === key) return props[i + 1];
    return NONE;
  }
  if (obj instanceof VertexProperty) {
    const v = obj.meta?.get(key);
    return v === undefined ? NONE : v;
  }
  if (obj instanceof Map) return obj.has(key) ? obj.get(key) : NONE;
  return stepError(
    step,
    `The by("${key}") modulator can only be applied to a traverser that is an Element or a Map - it is being applied to [${String(obj)}] a ${typeName(obj)} class instead`,
  );
}

/** A Java-ish type name for error messages. */
export function typeName(x: unknown): string {
  if (typeof x === 'number') return Number.isInteger(x) ? 'Integer' : 'Double';
  if (typeof x === 'string') return 'String';
  if (typeof x === 'boolean') return 'Boolean';
  if (x instanceof Date) return 'Date';
  if (Array.isArray(x)) return 'List';
  if (x instanceof Map) return 'Map';
  return (x as object | null)?.constructor?.name ?? String(x);
}

/** The id of an element/property, its label, key or value (the `T` tokens). */
export function tokenValue(obj: unknown, token: string, c: Compiler): Maybe<unknown> {
  switch (token) {
    case 'id':
      if (obj instanceof Vertex || obj instanceof Edge || obj instanceof VertexProperty) return obj.id;
      break;
    case 'label':
      if (obj instanceof Vertex) return c.ctx.graph.vertexLabel(obj);
      if (obj instanceof Edge) return obj.label;
      if (obj instanceof VertexProperty) return obj.key;
      break;
    case 'key':
      if (obj instanceof VertexProperty || obj instanceof PropertyRef) return obj.key;
      if (obj instanceof MapEntry) return obj.key;
      break;
    case 'value':
      if (obj instanceof VertexProperty || obj instanceof PropertyRef) return obj.value;
      if (obj instanceof MapEntry) return obj.value;
      break;
  }
  if (obj instanceof Map) {
    for (const [k, v] of obj) if (enumName(k) === token) return v;
    return NONE;
  }
  return stepError('by', `T.${token} cannot be applied to ${String(obj)}`);
}

/** The first result of a child traversal from a traverser, or NONE. */
export function firstResult(p: Pipeline, t: Traverser): Maybe<unknown> {
  for (const r of p.runFrom(t)) return r.obj;
  return NONE;
}

/** True when a child traversal yields anything from a traverser. */
export function hasResult(p: Pipeline, t: Traverser): boolean {
  for (const _ of p.runFrom(t)) return true;
  return false;
}

/** A `by()` modulator: how to read a value from a traverser, and an optional comparator. */
export interface ByModulator {
  get(t: Traverser): Maybe<unknown>;
  compare?: (a: unknown, b: unknown) => number;
  /** True for `by()` with no argument. */
  identity: boolean;
}

/** order().by(shuffle): a random order (the sort recognises it and shuffles instead). */
const SHUFFLE = Object.assign(() => Math.random() - 0.5, { shuffle: true });

/** A comparator from an `Order` enum (asc/desc/shuffle) or nothing (asc). */
export function orderComparator(x: unknown): ((a: unknown, b: unknown) => number) | undefined {
  const name = enumName(x);
  if (name === 'asc' || name === 'incr') return compareValues;
  if (name === 'desc' || name === 'decr') return (a, b) => compareValues(b, a);
  if (name === 'shuffle') return SHUFFLE;
  return undefined;
}

/** Builds a `by()` modulator; with ProductiveByStrategy an unproductive by() gives null instead of filtering. */
export function makeBy(args: unknown[], c: Compiler, step: string): ByModulator {
  const by = makeStrictBy(args, c, step);
  if (!c.ctx.strategies.some((s) => s.name === 'ProductiveByStrategy')) return by;
  return { ...by, get: (t) => {
    const v = by.get(t);
    return v === NONE ? null : v;
  } };
}

function makeStrictBy(args: unknown[], c: Compiler, step: string): ByModulator {
  const [first, second] = args;
  rejectLambda(step, first);
  rejectLambda(step, second);
  let compare = second !== undefined ? orderComparator(second) : undefined;
  if (second !== undefined && compare === undefined) stepError(step, `by(): ${String(second)} is not an Order`);
  if (first === undefined || first === null) return { get: (t) => t.obj, compare, identity: true };
  if (typeof first === 'string') return { get: (t) => propertyValue(t.obj, first, step), compare, identity: false };
  if (isTraversalArg(first)) {
    const p = c.child(first);
    if (p.isEmpty) return { get: (t) => t.obj, compare, identity: true };
    return { get: (t) => firstResult(p, t), compare, identity: false };
  }
  const en = enumName(first);
  if (en !== undefined) {
    const order = orderComparator(first);
    if (order) return { get: (t) => t.obj, compare: order, identity: true };
    if (isEnum(first, 'T')) return { get: (t) => tokenValue(t.obj, en, c), compare, identity: false };
    if (isEnum(first, 'Column')) {
      return { get: (t) => columnValue(t.obj, en, step), compare, identity: false };
    }
  }
  return stepError(step, `by(${String(first)}): unsupported modulator`);
}

/** `column.keys` / `column.values` of a map, a map entry or a path. */
export function columnValue(obj: unknown, column: string, step: string): unknown {
  if (obj instanceof Map) return column === 'keys' ? [...obj.keys()] : [...obj.values()];
  if (obj instanceof MapEntry) return column === 'keys' ? obj.key : obj.value;
  const path = obj as { labels?: string[][]; objects?: unknown[] };
  if (path && Array.isArray(path.labels) && Array.isArray(path.objects)) return column === 'keys' ? path.labels.map((l) => new Set(l)) : path.objects;
  return stepError(step, `Column.${column} cannot be applied to ${String(obj)}`);
}

/** The modulators of a step as a round-robin list (`path().by(a).by(b)`, `select().by()` ...). */
export function makeByList(mods: unknown[][], c: Compiler, step: string): ByModulator[] {
  return mods.map((m) => makeBy(m, c, step));
}

/** Applies the i-th `by()` of a round-robin list (identity when there are none). */
export function applyRoundRobin(bys: ByModulator[], i: number, t: Traverser): Maybe<unknown> {
  if (bys.length === 0) return t.obj;
  return bys[i % bys.length]!.get(t);
}

/** Flattens an iterable value for `unfold()`-like steps: lists, sets, maps (as entries), iterables. */
export function iterateValue(x: unknown): unknown[] | undefined {
  if (Array.isArray(x)) return x;
  if (x instanceof Set) return [...x];
  if (x instanceof Map) return [...x].map(([k, v]) => new MapEntry(k, v));
  if (x instanceof EnginePath) return x.objects;
  return undefined;
}

/** The inverse of `iterateValue` for local-scope steps: a Map comes back as a Map of the kept entries, anything else as a list. */
export function rebuildLike(original: unknown, items: unknown[]): unknown {
  if (!(original instanceof Map)) return items;
  return new Map(items.map((e) => [(e as MapEntry).key, (e as MapEntry).value]));
}

/**
 * A `(local)` stage over each traverser's collection (list, set, or map as entries): `reshape`
 * gets its items and returns the new ones, rebuilt into the same kind of collection; a
 * traverser that holds no collection passes as it is.
 */
export function localCollectionStage(c: Compiler, reshape: (items: unknown[]) => unknown[]): Stage {
  return function* (input) {
    for (const t of input) {
      const items = iterateValue(t.obj);
      yield items ? t.split(rebuildLike(t.obj, reshape(items)), c.ctx.trackPath) : t;
    }
  };
}

/** Items without repeats (by value, as `dedup()` compares), first occurrence kept, order kept. */
export function distinctValues(items: Iterable<unknown>): unknown[] {
  const seen = new Set<string>();
  const out: unknown[] = [];
  for (const x of items) {
    const k = hashKey(x);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(x);
    }
  }
  return out;
}

/** Sums bulk-weighted numbers as `sum()` does. */
export function bulkOf(t: Traverser, bulkEnabled: boolean): Bulk {
  return bulkEnabled ? t.bulk : 1;
}
