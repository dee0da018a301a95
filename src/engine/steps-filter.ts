/**
 * Filter steps: `has*`, `is`, `filter/not/and/or`, `where`, `dedup`, `limit/range/skip/tail`,
 * `coin`, `sample`, `simplePath/cyclicPath`, `timeLimit`
 * (https://tinkerpop.apache.org/docs/3.7.3/reference/#has-step and following sections).
 */
import type { Compiler, Stage, StepCompiler } from './compiler.js';
import { PAUSE, bytecodeOf, isTraversalArg, passesPause, stepError } from './compiler.js';
import type { PredicateLike } from './predicates.js';
import { isPredicate, passes, testPredicate } from './predicates.js';
import { Edge, Vertex, VertexProperty } from './property-graph.js';
import type { ByModulator, Maybe } from './step-helpers.js';
import { NONE, distinctValues, enumName, firstResult, hasResult, isEnum, localCollectionStage, makeBy, makeByList, rejectLambda, tokenValue } from './step-helpers.js';
import { flattenIds, idsEqual } from './steps-graph.js';
import { selectValue } from './steps-select.js';
import { PropertyRef, Traverser } from './traverser.js';
import { hashKey, valuesEqual } from './values.js';

/** A stage keeping the traversers a test accepts. */
export function filterStage(test: (t: Traverser) => boolean): Stage {
  return passesPause(function* (input) {
    for (const t of input) if (t === PAUSE || test(t)) yield t;
  });
}

/** Turns a `has()` value argument into a test of one value. */
function valueTest(value: unknown, c: Compiler, step: string): (x: unknown) => boolean {
  rejectLambda(step, value);
  if (isPredicate(value)) return (x) => passes(value, x);
  if (isTraversalArg(value)) {
    const p = c.child(value);
    return (x) => hasResult(p, new Traverser(x, 1, null, null, undefined));
  }
  return (x) => passes({ operator: 'eq', value }, x);
}

/** All values of a property key on an element (several for multi-properties). */
function* valuesOf(obj: unknown, key: string): Generator<unknown> {
  if (obj instanceof Vertex) {
    if (obj.props) for (const p of obj.props) if (p.key === key) yield p.value;
  } else if (obj instanceof Edge) {
    const props = obj.props;
    if (props) for (let i = 0; i < props.length; i += 2) if (props[i] === key) yield props[i + 1];
  } else if (obj instanceof VertexProperty) {
    if (obj.meta?.has(key)) yield obj.meta.get(key);
  }
}

function hasKeyTest(obj: unknown, key: string): boolean {
  for (const _ of valuesOf(obj, key)) return true;
  return false;
}

function idTest(args: unknown[], step: string): (id: unknown) => boolean {
  if (args.length === 1 && isPredicate(args[0])) {
    const p = args[0] as PredicateLike;
    return (id) => passes(p, id) || (typeof id === 'number' && passes(p, String(id))) || (typeof id === 'string' && id !== '' && !Number.isNaN(Number(id)) && passes(p, Number(id)));
  }
  const ids = flattenIds(args);
  for (const id of ids) rejectLambda(step, id);
  if (ids.length === 1) {
    const only = ids[0];
    return (id) => idsEqual(id, only);
  }
  return (id) => ids.some((x) => idsEqual(id, x));
}

function labelOf(obj: unknown, c: Compiler): readonly string[] {
  if (obj instanceof Vertex) return c.ctx.graph.vertexLabels(obj);
  if (obj instanceof Edge) return [obj.label];
  if (obj instanceof VertexProperty) return [obj.key];
  return [];
}

function labelTest(args: unknown[], c: Compiler): (obj: unknown) => boolean {
  if (args.length === 1 && isPredicate(args[0])) {
    const p = args[0] as PredicateLike;
    return (obj) => labelOf(obj, c).some((l) => passes(p, l));
  }
  const labels = (args.flat() as unknown[]).map(String);
  if (labels.length === 1) {
    const only = labels[0]!;
    return (obj) => (obj instanceof Vertex ? (typeof obj.label === 'string' ? obj.label === only : obj.label.includes(only)) : labelOf(obj, c).includes(only));
  }
  return (obj) => labelOf(obj, c).some((l) => labels.includes(l));
}

const compileHas: StepCompiler = (args, _mods, c) => {
  // has(null) names no property: nothing has it.
  if (args.length <= 2 && args[0] === null) return filterStage(() => false);
  if (args.length === 1) {
    const key = args[0];
    if (isEnum(key, 'T')) {
      const token = enumName(key)!;
      return filterStage((t) => tokenValue(t.obj, token, c) !== NONE);
    }
    if (typeof key !== 'string') stepError('has', `key must be a string, got ${String(key)}`);
    return filterStage((t) => hasKeyTest(t.obj, key));
  }
  let label: string | undefined;
  let key: unknown;
  let value: unknown;
  if (args.length === 3) [label, key, value] = args as [string, unknown, unknown];
  else [key, value] = args;
  const labelOk = label === undefined ? undefined : labelTest([label], c);
  if (isEnum(key, 'T')) {
    const token = enumName(key)!;
    if (isTraversalArg(value)) {
      const test = valueTest(value, c, 'has');
      return filterStage((t) => {
        const v = tokenValue(t.obj, token, c);
        return (!labelOk || labelOk(t.obj)) && v !== NONE && test(v);
      });
    }
    if (token === 'id') {
      const test = idTest([value], 'has');
      return filterStage((t) => (!labelOk || labelOk(t.obj)) && test((t.obj as { id: unknown }).id));
    }
    if (token === 'label') {
      const test = labelTest([value], c);
      return filterStage((t) => (!labelOk || labelOk(t.obj)) && test(t.obj));
    }
    const test = valueTest(value, c, 'has');
    return filterStage((t) => {
      const v = tokenValue(t.obj, token, c);
      return v !== NONE && test(v);
    });
  }
  if (typeof key !== 'string') stepError('has', `key must be a string, got ${String(key)}`);
  const test = valueTest(value, c, 'has');
  const propertyKey: string = key;
  return filterStage((t) => {
    if (labelOk && !labelOk(t.obj)) return false;
    for (const v of valuesOf(t.obj, propertyKey)) if (test(v)) return true;
    return false;
  });
};

const compileHasNot: StepCompiler = (args) => {
  const key = args[0];
  if (typeof key !== 'string') stepError('hasNot', 'key must be a string');
  return filterStage((t) => !hasKeyTest(t.obj, key));
};

const compileHasId: StepCompiler = (args) => {
  const test = idTest(args, 'hasId');
  return filterStage((t) => {
    const obj = t.obj as { id?: unknown };
    return (t.obj instanceof Vertex || t.obj instanceof Edge || t.obj instanceof VertexProperty) && test(obj.id);
  });
};

const compileHasLabel: StepCompiler = (args, _mods, c) => {
  const test = labelTest(args, c);
  return filterStage((t) => test(t.obj));
};

function propertyKeyOrValue(obj: unknown, which: 'key' | 'value'): Maybe<unknown> {
  if (obj instanceof VertexProperty || obj instanceof PropertyRef) return which === 'key' ? obj.key : obj.value;
  return NONE;
}

function keyValueFilter(which: 'key' | 'value'): StepCompiler {
  return (args) => {
    const tests = args.length === 1 && isPredicate(args[0]) ? [args[0] as PredicateLike] : (args.flat() as unknown[]).map((v) => (isPredicate(v) ? v : { operator: 'eq', value: v }));
    return filterStage((t) => {
      const x = propertyKeyOrValue(t.obj, which);
      return x !== NONE && tests.some((p) => passes(p, x));
    });
  };
}

const compileIs: StepCompiler = (args) => {
  const value = args[0];
  rejectLambda('is', value);
  const p: PredicateLike = isPredicate(value) ? value : { operator: 'eq', value };
  return filterStage((t) => passes(p, t.obj));
};

const compileFilter: StepCompiler = (args, _mods, c) => {
  rejectLambda('filter', args[0]);
  const p = c.child(args[0]);
  return filterStage((t) => hasResult(p, t));
};

const compileNot: StepCompiler = (args, _mods, c) => {
  const p = c.child(args[0]);
  return filterStage((t) => !hasResult(p, t));
};

const compileAnd: StepCompiler = (args, _mods, c) => {
  const ps = args.map((a) => c.child(a));
  return filterStage((t) => ps.every((p) => hasResult(p, t)));
};

const compileOr: StepCompiler = (args, _mods, c) => {
  const ps = args.map((a) => c.child(a));
  return filterStage((t) => ps.some((p) => hasResult(p, t)));
};

/** Replaces step labels in a `where(P)` predicate with the values they select. */
function resolveLabels(p: PredicateLike, resolve: (label: string) => Maybe<unknown>): PredicateLike | typeof NONE {
  const op = String(p.operator);
  if (op === 'and' || op === 'or') {
    const a = resolveLabels(p.value as PredicateLike, resolve);
    const b = resolveLabels(p.other as PredicateLike, resolve);
    if (a === NONE || b === NONE) return NONE;
    return { operator: op, value: a, other: b };
  }
  if (op === 'not') {
    const a = resolveLabels(p.value as PredicateLike, resolve);
    return a === NONE ? NONE : { operator: op, value: a };
  }
  const map = (v: unknown): Maybe<unknown> => {
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      for (const x of v) {
        const r = map(x);
        if (r === NONE) return NONE;
        out.push(r);
      }
      return out;
    }
    return typeof v === 'string' ? resolve(v) : v;
  };
  let value = map(p.value);
  if (value === NONE) return NONE;
  // where(within('a')) with 'a' a collection side-effect: test membership in that collection.
  if ((op === 'within' || op === 'without') && Array.isArray(value)) {
    value = (value as unknown[]).flatMap((x) => (Array.isArray(x) || x instanceof Set ? [...x] : [x]));
  }
  const other = p.other === undefined || p.other === null ? p.other : map(p.other);
  if (other === NONE) return NONE;
  return { operator: op, value, other };
}

const compileWhere: StepCompiler = (args, mods, c) => {
  const bys = makeByList(mods.by, c, 'where');
  const byAt = (i: number): ByModulator | undefined => (bys.length === 0 ? undefined : bys[i % bys.length]);
  const apply = (by: ByModulator | undefined, t: Traverser, x: unknown): Maybe<unknown> => (by ? by.get(t.withObject(x)) : x);
  if (args.length === 2 || (args.length === 1 && isPredicate(args[0]))) {
    const startKey = args.length === 2 ? (args[0] as string) : undefined;
    const p = args[args.length - 1] as PredicateLike;
    return filterStage((t) => {
      const left0 = startKey === undefined ? t.obj : selectValue(t, startKey, 'last', c);
      if (left0 === NONE) return false;
      const left = apply(byAt(0), t, left0);
      if (left === NONE) return false;
      const resolved = resolveLabels(p, (label) => {
        const x = selectValue(t, label, 'last', c);
        return x === NONE ? NONE : apply(byAt(1), t, x);
      });
      return resolved !== NONE && testPredicate(resolved, left) === true;
    });
  }
  const test = whereTraversalTest(bytecodeOf(args[0]).stepInstructions, c);
  return filterStage(test);
};

/**
 * where(traversal): a leading as(x) starts from the value of x, a trailing as(y) must meet y's
 * value; and()/or()/not() of such traversals combine them (TinkerPop's WhereTraversalStep).
 */
function whereTraversalTest(all: readonly (readonly unknown[])[], c: Compiler): (t: Traverser) => boolean {
  if (all.length === 1 && ['and', 'or', 'not'].includes(all[0]![0] as string) && all[0]!.slice(1).every(isTraversalArg)) {
    const op = all[0]![0] as string;
    const parts = all[0]!.slice(1).map((a) => whereTraversalTest(bytecodeOf(a).stepInstructions, c));
    if (op === 'and') return (t) => parts.every((p) => p(t));
    if (op === 'or') return (t) => parts.some((p) => p(t));
    return (t) => !parts[0]!(t);
  }
  const instructions = [...all];
  let startKey: string | undefined;
  let endKey: string | undefined;
  if (instructions.length > 0 && instructions[0]![0] === 'as') startKey = instructions.shift()![1] as string;
  if (instructions.length > 0 && instructions[instructions.length - 1]![0] === 'as') endKey = instructions.pop()![1] as string;
  const p = c.compile(instructions);
  return (t) => {
    let start = t;
    if (startKey !== undefined) {
      const v = selectValue(t, startKey, 'last', c);
      if (v === NONE) return false;
      start = t.withObject(v);
    }
    if (endKey === undefined) return hasResult(p, start);
    const target = selectValue(t, endKey, 'last', c);
    if (target === NONE) return false;
    for (const r of p.runFrom(start)) if (valuesEqual(r.obj, target)) return true;
    return false;
  };
}

const compileDedup: StepCompiler = (args, mods, c) => {
  const local = isEnum(args[0], 'Scope', 'local');
  const labels = (local ? args.slice(1) : args).filter((a): a is string => typeof a === 'string');
  const by = mods.by.length > 0 ? makeBy(mods.by[0]!, c, 'dedup') : undefined;
  if (local) return localCollectionStage(c, distinctValues);
  return passesPause(function* (input) {
    const seen = new Set<string>();
    for (const t of input) {
      if (t === PAUSE) {
        yield t;
        continue;
      }
      let key: Maybe<unknown>;
      if (labels.length > 0) {
        const values: unknown[] = [];
        for (const l of labels) {
          const v = selectValue(t, l, 'last', c);
          const b = v === NONE ? NONE : by ? by.get(t.withObject(v)) : v;
          if (b === NONE) break;
          values.push(b);
        }
        key = values.length === labels.length ? values : NONE;
      } else key = by ? by.get(t) : t.obj;
      if (key === NONE) continue;
      const k = hashKey(key);
      if (seen.has(k)) continue;
      seen.add(k);
      yield t.bulk === 1 ? t : t.withBulk(1);
    }
  });
};

/** `range(lo, hi)` over traversers with bulk (global scope); `hi < 0` means no upper bound. */
function rangeStage(lo: number, hi: number): Stage {
  return passesPause(function* (input) {
    let position = 0;
    if (hi >= 0 && hi <= lo) return;
    for (const t of input) {
      if (t === PAUSE) {
        yield t;
        continue;
      }
      const start = position;
      const end = position + Number(t.bulk);
      position = end;
      if (end <= lo) continue;
      const from = Math.max(start, lo);
      const to = hi < 0 ? end : Math.min(end, hi);
      if (to > from) yield to - from === Number(t.bulk) ? t : t.withBulk(to - from);
      if (hi >= 0 && position >= hi) return;
    }
  });
}

function localRange(lo: number, hi: number, c: Compiler, step: string): Stage {
  return function* (input) {
    for (const t of input) {
      const obj = t.obj;
      if (obj instanceof Map) {
        const entries = [...obj].slice(lo, hi < 0 ? undefined : hi);
        yield t.split(new Map(entries), c.ctx.trackPath);
      } else if (Array.isArray(obj) || obj instanceof Set) {
        const items = [...obj].slice(lo, hi < 0 ? undefined : hi);
        // limit(local, 1) and range(local) of one item unwrap it, as TinkerPop's RangeLocalStep does.
        if (hi - lo === 1 && hi >= 0) {
          if (items.length === 1) yield t.split(items[0], c.ctx.trackPath);
        } else yield t.split(items, c.ctx.trackPath);
      } else if (step === 'tail' || lo === 0) yield t;
    }
  };
}

function toCount(x: unknown, step: string): number {
  const n = Number(x);
  if (!Number.isFinite(n) && n !== Infinity) stepError(step, `${String(x)} is not a number`);
  return n;
}

const compileRange: StepCompiler = (args, _mods, c) => {
  const local = isEnum(args[0], 'Scope', 'local');
  const rest = isEnum(args[0], 'Scope') ? args.slice(1) : args;
  const lo = toCount(rest[0], 'range');
  const hi = toCount(rest[1], 'range');
  if (hi >= 0 && hi < lo) stepError('range', `Not a legal range: [${lo}, ${hi}]`);
  return local ? localRange(lo, hi, c, 'range') : rangeStage(lo, hi);
};

const compileLimit: StepCompiler = (args, _mods, c) => {
  const local = isEnum(args[0], 'Scope', 'local');
  const n = toCount(isEnum(args[0], 'Scope') ? args[1] : args[0], 'limit');
  return local ? localRange(0, n, c, 'limit') : rangeStage(0, n);
};

const compileSkip: StepCompiler = (args, _mods, c) => {
  const local = isEnum(args[0], 'Scope', 'local');
  const n = toCount(isEnum(args[0], 'Scope') ? args[1] : args[0], 'skip');
  return local ? localRange(n, -1, c, 'skip') : rangeStage(n, -1);
};

const compileTail: StepCompiler = (args, _mods, c) => {
  const local = isEnum(args[0], 'Scope', 'local');
  const raw = isEnum(args[0], 'Scope') ? args[1] : args[0];
  const n = raw === undefined ? 1 : toCount(raw, 'tail');
  if (local) {
    return function* (input) {
      for (const t of input) {
        const obj = t.obj;
        if (obj instanceof Map) yield t.split(new Map([...obj].slice(Math.max(0, obj.size - n))), c.ctx.trackPath);
        else if (Array.isArray(obj) || obj instanceof Set) {
          const items = [...obj];
          const tail = items.slice(Math.max(0, items.length - n));
          if (n === 1) {
            if (tail.length === 1) yield t.split(tail[0], c.ctx.trackPath);
          } else yield t.split(tail, c.ctx.trackPath);
        } else yield t;
      }
    };
  }
  return function* (input) {
    const kept: Traverser[] = [];
    let total = 0;
    for (const t of input) {
      kept.push(t);
      total += Number(t.bulk);
      while (kept.length > 0 && total - Number(kept[0]!.bulk) >= n) total -= Number(kept.shift()!.bulk);
    }
    if (kept.length > 0 && total > n) kept[0] = kept[0]!.withBulk(Number(kept[0]!.bulk) - (total - n));
    yield* kept;
  };
};

const compileCoin: StepCompiler = (args) => {
  const p = Number(args[0]);
  return function* (input) {
    for (const t of input) {
      if (p >= 1) yield t;
      else if (p <= 0) continue;
      else {
        let kept = 0;
        for (let i = 0; i < t.bulk; i++) if (Math.random() < p) kept++;
        if (kept > 0) yield t.withBulk(kept);
      }
    }
  };
};

const compileSample: StepCompiler = (args, mods, c) => {
  const local = isEnum(args[0], 'Scope', 'local');
  const n = Number(isEnum(args[0], 'Scope') ? args[1] : args[0]);
  if (local) {
    return localCollectionStage(c, (items) => [...items].sort(() => Math.random() - 0.5).slice(0, n));
  }
  const by = mods.by.length > 0 ? makeBy(mods.by[0]!, c, 'sample') : undefined;
  return function* (input) {
    const all: Traverser[] = [];
    for (const t of input) for (let i = 0; i < t.bulk; i++) all.push(t.bulk === 1 ? t : t.withBulk(1));
    // Weighted sampling without replacement (weights from by(), 1 otherwise).
    const weights = all.map((t) => {
      if (!by) return 1;
      const w = by.get(t);
      return typeof w === 'number' ? w : 0;
    });
    const out: Traverser[] = [];
    while (out.length < n && all.length > 0) {
      const total = weights.reduce((a, b) => a + b, 0);
      if (total <= 0) break;
      let r = Math.random() * total;
      let i = 0;
      for (; i < all.length - 1; i++) {
        r -= weights[i]!;
        if (r < 0) break;
      }
      out.push(all[i]!);
      all.splice(i, 1);
      weights.splice(i, 1);
    }
    yield* out;
  };
};

function pathSlice(t: Traverser, from: string | undefined, to: string | undefined): unknown[] {
  const nodes: { obj: unknown; labels: readonly string[] }[] = [];
  for (let n = t.path; n; n = n.prev) nodes.push(n);
  nodes.reverse();
  let start = 0;
  let end = nodes.length;
  if (from !== undefined) {
    const i = nodes.findIndex((n) => n.labels.includes(from));
    if (i < 0) return [];
    start = i;
  }
  if (to !== undefined) {
    let i = -1;
    for (let k = nodes.length - 1; k >= start; k--) if (nodes[k]!.labels.includes(to)) { i = k; break; }
    if (i < 0) return [];
    end = i + 1;
  }
  return nodes.slice(start, end).map((n) => n.obj);
}

function pathUniqueness(simple: boolean): StepCompiler {
  return (_args, mods, c) => {
    const from = mods.from?.[0] as string | undefined;
    const to = mods.to?.[0] as string | undefined;
    const bys = makeByList(mods.by, c, simple ? 'simplePath' : 'cyclicPath');
    return filterStage((t) => {
      const objects = pathSlice(t, from, to);
      const seen = new Set<string>();
      let i = 0;
      for (const o of objects) {
        const v = bys.length > 0 ? bys[i++ % bys.length]!.get(t.withObject(o)) : o;
        // An unproductive by() drops the path altogether.
        if (v === NONE) return false;
        const k = hashKey(v);
        if (seen.has(k)) return !simple;
        seen.add(k);
      }
      return simple;
    });
  };
}

const compileTimeLimit: StepCompiler = (args) => {
  const ms = Number(args[0]);
  return function* (input) {
    const end = Date.now() + ms;
    for (const t of input) {
      if (Date.now() > end) return;
      yield t;
    }
  };
};

export const filterSteps: Record<string, StepCompiler> = {
  has: compileHas,
  hasNot: compileHasNot,
  hasId: compileHasId,
  hasLabel: compileHasLabel,
  hasKey: keyValueFilter('key'),
  hasValue: keyValueFilter('value'),
  is: compileIs,
  filter: compileFilter,
  not: compileNot,
  and: compileAnd,
  or: compileOr,
  where: compileWhere,
  dedup: compileDedup,
  range: compileRange,
  limit: compileLimit,
  skip: compileSkip,
  tail: compileTail,
  coin: compileCoin,
  sample: compileSample,
  simplePath: pathUniqueness(true),
  cyclicPath: pathUniqueness(false),
  timeLimit: compileTimeLimit,
};

export { firstResult, valuesOf };
