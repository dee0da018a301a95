/**
 * Reducing and barrier steps: `count`, `sum`, `min`, `max`, `mean`, `fold`, `order`, `group`,
 * `groupCount`, `aggregate`, `store`, `cap`, `barrier`, `sideEffect`, `sack`
 * (https://tinkerpop.apache.org/docs/3.7.3/reference/#a-note-on-barrier-steps). Counting honours
 * traverser bulk.
 */
import type { Compiler, Pipeline, Stage, StepCompiler } from './compiler.js';
import { PAUSE, isTraversalArg, passesPause, stepError } from './compiler.js';
import type { ByModulator, Maybe } from './step-helpers.js';
import { NONE, enumName, isEnum, iterateValue, makeBy, orderComparator, rejectLambda, typeName } from './step-helpers.js';
import { propertiesOf } from './steps-map.js';
import type { LazySideEffect } from './steps-select.js';
import { readSideEffect } from './steps-select.js';
import { MapEntry, Traverser, addBulk, multiplyBulk, type Bulk } from './traverser.js';
import { compareValues, hashKey } from './values.js';

function isLocal(args: unknown[]): boolean {
  return isEnum(args[0], 'Scope', 'local');
}

/** A traverser for a reduced value: no path history (TinkerPop's barriers start a fresh path). */
function fresh(c: Compiler, obj: unknown, sack?: unknown): Traverser {
  return new Traverser(obj, 1, c.ctx.trackPath ? { obj, labels: [], prev: null } : null, null, sack ?? c.ctx.sackInit?.());
}

function bulkOf(c: Compiler, t: Traverser): Bulk {
  return c.ctx.bulk ? t.bulk : 1;
}

/** Reducers over (value, bulk) pairs. */
interface Reducer {
  add(value: unknown, bulk: Bulk): void;
  result(): Maybe<unknown>;
}

function numberOf(x: unknown, step: string): number {
  if (typeof x === 'number') return x;
  if (typeof x === 'bigint') return Number(x);
  return stepError(step, `${String(x)} (${typeName(x)}) is not a number`);
}

function makeReducer(kind: string): Reducer {
  switch (kind) {
    case 'count': {
      let n: Bulk = 0;
      return { add: (_v, b) => void (n = addBulk(n, b)), result: () => n };
    }
    // Nulls are skipped; only nulls reduce to null (TinkerPop 3.7), nothing at all to no result.
    case 'sum':
    case 'mean': {
      // Integers (ints and Longs) add up exactly, as Java longs; with a double the sum is a double.
      let s: number | bigint = 0;
      let exact = true;
      let n = 0;
      let sawNull = false;
      return {
        add: (v, b) => {
          if (v === null || v === undefined) {
            sawNull = true;
            return;
          }
          if (exact && kind === 'sum' && (typeof v === 'bigint' || Number.isInteger(v))) s = addBulk(s, multiplyBulk(v as number | bigint, b, 'the sum'), 'the sum');
          else {
            exact = false;
            s = Number(s) + numberOf(v, kind) * Number(b);
          }
          n += Number(b);
        },
        result: () => (n > 0 ? (kind === 'mean' ? Number(s) / n : s) : sawNull ? null : NONE),
      };
    }
    default: {
      const sign = kind === 'min' ? 1 : -1;
      let best: unknown = NONE;
      let sawNull = false;
      return {
        add: (v) => {
          if (v === null || v === undefined) {
            sawNull = true;
            return;
          }
          if (typeof v === 'number' && Number.isNaN(v)) {
            // NaN is the largest number for max and ignored only when something else exists for min.
            if (best === NONE || (sign < 0 && typeof best === 'number')) best = sign < 0 ? v : best === NONE ? v : best;
            return;
          }
          if (best === NONE || (typeof best === 'number' && Number.isNaN(best) && sign > 0) || sign * compareValues(v, best) < 0) best = v;
        },
        result: () => (best === NONE && sawNull ? null : best),
      };
    }
  }
}

function reducingStep(kind: string): StepCompiler {
  return (args, _mods, c) => {
    if (isLocal(args)) {
      return function* (input) {
        for (const t of input) {
          const r = makeReducer(kind);
          const obj = t.obj;
          if (kind === 'count') {
            const items = obj instanceof Map ? [...obj.keys()] : iterateValue(obj);
            yield t.split(items ? items.length : 1, c.ctx.trackPath);
            continue;
          }
          const items = obj instanceof Map ? [...obj.values()] : (iterateValue(obj) ?? [obj]);
          for (const x of items) r.add(x, 1);
          const v = r.result();
          if (v !== NONE) yield t.split(v, c.ctx.trackPath);
        }
      };
    }
    return passesPause(function* (input) {
      const r = makeReducer(kind);
      for (const t of input) {
        if (t === PAUSE) yield t;
        else r.add(t.obj, bulkOf(c, t));
      }
      const v = r.result();
      if (v !== NONE) yield fresh(c, v);
    });
  };
}

function applyOperator(op: unknown, a: unknown, b: unknown, step: string): unknown {
  rejectLambda(step, op);
  const name = enumName(op) ?? String(op);
  switch (name) {
    case 'sum':
    case 'sumlong':
      return numberOf(a, step) + numberOf(b, step);
    case 'minus':
      return numberOf(a, step) - numberOf(b, step);
    case 'mult':
      return numberOf(a, step) * numberOf(b, step);
    case 'div':
      return numberOf(a, step) / numberOf(b, step);
    case 'min':
      return compareValues(a, b) <= 0 ? a : b;
    case 'max':
      return compareValues(a, b) >= 0 ? a : b;
    case 'assign':
      return b;
    case 'and':
      return Boolean(a) && Boolean(b);
    case 'or':
      return Boolean(a) || Boolean(b);
    case 'addall': {
      if (a instanceof Map && b instanceof Map) return new Map([...a, ...b]);
      return [...((iterateValue(a) ?? [a]) as unknown[]), ...((iterateValue(b) ?? [b]) as unknown[])];
    }
    default:
      return stepError(step, `unsupported operator ${name}`);
  }
}

const compileFold: StepCompiler = (args, _mods, c) => {
  if (args.length >= 2) {
    const [seed, op] = args;
    return function* (input) {
      let acc: unknown = Array.isArray(seed) ? [...seed] : seed;
      for (const t of input) for (let i = 0; i < bulkOf(c, t); i++) acc = applyOperator(op, acc, t.obj, 'fold');
      yield fresh(c, acc);
    };
  }
  return function* (input) {
    const out: unknown[] = [];
    for (const t of input) for (let i = 0; i < bulkOf(c, t); i++) out.push(t.obj);
    yield fresh(c, out);
  };
};

/** Sorts with a list of by() modulators; traversers with an unproductive by are dropped. */
function sortTraversers(list: Traverser[], bys: ByModulator[]): Traverser[] {
  const effective = bys.length > 0 ? bys : [{ get: (t: Traverser) => t.obj, identity: true } as ByModulator];
  if (effective.some((b) => (b.compare as { shuffle?: boolean } | undefined)?.shuffle)) {
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [list[i], list[j]] = [list[j]!, list[i]!];
    }
    return list;
  }
  const keyed: { t: Traverser; keys: unknown[] }[] = [];
  next: for (const t of list) {
    const keys: unknown[] = [];
    for (const b of effective) {
      const k = b.get(t);
      if (k === NONE) continue next;
      keys.push(k);
    }
    keyed.push({ t, keys });
  }
  keyed.sort((x, y) => {
    for (let i = 0; i < effective.length; i++) {
      const cmp = (effective[i]!.compare ?? compareValues)(x.keys[i], y.keys[i]);
      if (cmp !== 0) return cmp;
    }
    return 0;
  });
  return keyed.map((k) => k.t);
}

const compileOrder: StepCompiler = (args, mods, c) => {
  const bys = mods.by.map((b) => makeBy(b, c, 'order'));
  if (isLocal(args)) {
    return function* (input) {
      for (const t of input) {
        const obj = t.obj;
        if (obj instanceof Map) {
          const entries = [...obj].map(([k, v]) => t.withObject(new MapEntry(k, v)));
          const sorted = sortTraversers(entries, bys.length > 0 ? bys : [{ get: (x) => (x.obj as MapEntry).key, identity: false }]);
          yield t.split(new Map(sorted.map((e) => [(e.obj as MapEntry).key, (e.obj as MapEntry).value])), c.ctx.trackPath);
        } else {
          const items = iterateValue(obj);
          if (!items) {
            yield t;
            continue;
          }
          const sorted = sortTraversers(items.map((x) => t.withObject(x)), bys);
          yield t.split(sorted.map((x) => x.obj), c.ctx.trackPath);
        }
      }
    };
  }
  return function* (input) {
    yield* sortTraversers([...input], bys);
  };
};

/** The value side of group(): a traversal reduced over each group's traversers. */
function groupValueReducer(args: unknown[] | undefined, c: Compiler): (members: Traverser[]) => Maybe<unknown> {
  if (!args || args.length === 0 || args[0] === undefined) return (members) => members.flatMap((t) => Array<unknown>(bulkOf(c, t)).fill(t.obj));
  const arg = args[0];
  rejectLambda('group', arg);
  if (typeof arg === 'string') {
    return (members) => {
      const out: unknown[] = [];
      for (const t of members) for (const p of propertiesOf(t.obj, (k) => k === arg, 'group')) for (let i = 0; i < bulkOf(c, t); i++) out.push(p.value);
      return out;
    };
  }
  if (isTraversalArg(arg)) {
    const p = c.child(arg);
    // A value traversal without a reducing step keeps its first result (TinkerPop 3.7), a group
    // where it yields nothing is left out.
    return (members) => {
      for (const r of p.run(members)) return r.obj;
      return NONE;
    };
  }
  const by = makeBy(args, c, 'group');
  return (members) => {
    const out: unknown[] = [];
    for (const t of members) {
      const v = by.get(t);
      if (v !== NONE) for (let i = 0; i < bulkOf(c, t); i++) out.push(v);
    }
    return out;
  };
}


/** Groups of traversers by key, in first-seen order. */
class Groups implements LazySideEffect {
  readonly keys = new Map<string, unknown>();
  readonly members = new Map<string, Traverser[]>();
  constructor(
    private readonly reduce: (members: Traverser[]) => Maybe<unknown>,
    private readonly previous?: unknown,
  ) {}
  add(key: unknown, t: Traverser): void {
    const h = hashKey(key);
    const list = this.members.get(h);
    if (list) list.push(t);
    else {
      this.keys.set(h, key);
      this.members.set(h, [t]);
    }
  }
  materialize(): Map<unknown, unknown> {
    const out = new Map<unknown, unknown>(this.previous instanceof Map ? this.previous : []);
    for (const [h, key] of this.keys) {
      const v = this.reduce(this.members.get(h)!);
      if (v !== NONE) out.set(key, v);
    }
    return out;
  }
}

const compileGroup: StepCompiler = (args, mods, c) => {
  const keyBy = mods.by[0] && mods.by[0].length > 0 ? makeBy(mods.by[0], c, 'group') : undefined;
  const reduce = groupValueReducer(mods.by[1], c);
  const sideEffectKey = typeof args[0] === 'string' ? args[0] : undefined;
  if (sideEffectKey !== undefined) {
    return function* (input) {
      let groups = c.ctx.sideEffects.get(sideEffectKey);
      if (!(groups instanceof Groups)) {
        groups = new Groups(reduce, groups);
        c.ctx.sideEffects.set(sideEffectKey, groups);
      }
      for (const t of input) {
        const k = keyBy ? keyBy.get(t) : t.obj;
        if (k !== NONE) (groups as Groups).add(k, t);
        yield t;
      }
    };
  }
  return function* (input) {
    const groups = new Groups(reduce);
    for (const t of input) {
      const k = keyBy ? keyBy.get(t) : t.obj;
      if (k !== NONE) groups.add(k, t);
    }
    yield fresh(c, groups.materialize());
  };
};

class Counts implements LazySideEffect {
  readonly keys = new Map<string, unknown>();
  readonly counts = new Map<string, Bulk>();
  add(key: unknown, n: Bulk): void {
    const h = hashKey(key);
    if (!this.keys.has(h)) this.keys.set(h, key);
    this.counts.set(h, addBulk(this.counts.get(h) ?? 0, n));
  }
  materialize(): Map<unknown, Bulk> {
    const out = new Map<unknown, Bulk>();
    for (const [h, key] of this.keys) out.set(key, this.counts.get(h)!);
    return out;
  }
}

const compileGroupCount: StepCompiler = (args, mods, c) => {
  const keyBy = mods.by[0] ? makeBy(mods.by[0], c, 'groupCount') : undefined;
  const sideEffectKey = typeof args[0] === 'string' ? args[0] : undefined;
  if (sideEffectKey !== undefined) {
    return function* (input) {
      let counts: unknown = c.ctx.sideEffects.get(sideEffectKey);
      if (!(counts instanceof Counts)) {
        counts = new Counts();
        c.ctx.sideEffects.set(sideEffectKey, counts);
      }
      for (const t of input) {
        const k = keyBy ? keyBy.get(t) : t.obj;
        if (k !== NONE) (counts as Counts).add(k, bulkOf(c, t));
        yield t;
      }
    };
  }
  return function* (input) {
    const counts = new Counts();
    for (const t of input) {
      const k = keyBy ? keyBy.get(t) : t.obj;
      if (k !== NONE) counts.add(k, bulkOf(c, t));
    }
    yield fresh(c, counts.materialize());
  };
};

/**
 * Adds a value to the side-effect behind aggregate()/store(): a list (TinkerPop's BulkSet), a set
 * when `withSideEffect(key, set)` seeded one, or a value folded with the reducer given to
 * `withSideEffect(key, seed, operator)`.
 */
function addToSideEffect(c: Compiler, key: string, value: unknown, bulk: Bulk): void {
  const effects = c.ctx.sideEffects;
  const reducer = c.ctx.sideEffectReducers.get(key);
  if (reducer !== undefined) {
    let acc = effects.get(key);
    for (let i = 0; i < Number(bulk); i++) acc = acc === undefined ? value : applyOperator(reducer, acc, value, 'aggregate');
    effects.set(key, acc);
    return;
  }
  const current = effects.get(key);
  if (current instanceof Set) {
    current.add(value);
    return;
  }
  const list = ensureSideEffectList(c, key) as unknown[];
  for (let i = 0; i < Number(bulk); i++) list.push(value);
}

function ensureSideEffectList(c: Compiler, key: string): unknown[] | Set<unknown> {
  let list = c.ctx.sideEffects.get(key);
  if (c.ctx.sideEffectReducers.has(key) || list instanceof Set) return list as Set<unknown>;
  if (!Array.isArray(list)) {
    list = list === undefined ? [] : iterateValue(list) ? [...iterateValue(list)!] : [list];
    c.ctx.sideEffects.set(key, list);
  }
  return list as unknown[];
}

const compileAggregate: StepCompiler = (args, mods, c) => {
  const local = isLocal(args);
  const key = String(isEnum(args[0], 'Scope') ? args[1] : args[0]);
  const by = mods.by[0] ? makeBy(mods.by[0], c, 'aggregate') : undefined;
  const add = (t: Traverser): void => {
    const v = by ? by.get(t) : t.obj;
    if (v === NONE) return;
    addToSideEffect(c, key, v, bulkOf(c, t));
  };
  if (local) {
    return function* (input) {
      ensureSideEffectList(c, key);
      for (const t of input) {
        add(t);
        yield t;
      }
    };
  }
  return function* (input) {
    ensureSideEffectList(c, key);
    const all = [...input];
    for (const t of all) add(t);
    yield* all;
  };
};

/** store(x) is aggregate(local, x) (deprecated in 3.4, still in the 3.7 language). */
const compileStore: StepCompiler = (args, mods, c) => compileAggregate([{ typeName: 'Scope', elementName: 'local' }, ...args], mods, c);

const compileCap: StepCompiler = (args, _mods, c) => {
  const keys = args.map(String);
  return function* (input) {
    for (const _ of input) {
      // exhaust: cap() is a barrier
    }
    if (keys.length === 1) {
      const v = readSideEffect(c.ctx, keys[0]!);
      yield fresh(c, v === NONE ? stepError('cap', `the side-effect key ${keys[0]} does not exist`) : v);
      return;
    }
    const out = new Map<string, unknown>();
    for (const k of keys) {
      const v = readSideEffect(c.ctx, k);
      if (v !== NONE) out.set(k, v);
    }
    yield fresh(c, out);
  };
};

/**
 * barrier(): gathers all traversers and merges equal ones into one with the summed bulk. Under
 * withBulk(false) with a sack merge operator (withSack(value, operator)), traversers at the same
 * element merge whatever their sacks, which the operator combines, and stay one traverser
 * (TinkerPop's Traverser.merge).
 */
const compileBarrier: StepCompiler = (_args, _mods, c) =>
  function* (input) {
    const merged = new Map<string, Traverser>();
    const order: Traverser[] = [];
    const mergeSacks = !c.ctx.bulk && c.ctx.sackMerge !== undefined;
    for (const t of input) {
      if (c.ctx.trackPath || t.loops) {
        order.push(t);
        continue;
      }
      const k = hashKey(t.obj) + (t.sack === undefined || mergeSacks ? '' : '|' + hashKey(t.sack));
      const found = merged.get(k);
      if (found && mergeSacks) found.sack = applyOperator(c.ctx.sackMerge, found.sack, t.sack, 'barrier');
      else if (found) found.bulk = addBulk(found.bulk, t.bulk);
      else {
        const copy = t.withBulk(t.bulk);
        merged.set(k, copy);
        order.push(copy);
      }
    }
    yield* order;
  };

const compileSideEffect: StepCompiler = (args, _mods, c) => {
  rejectLambda('sideEffect', args[0]);
  const p = c.child(args[0]);
  return function* (input) {
    for (const t of input) {
      for (const _ of p.runFrom(t)) {
        // run for its effects
      }
      yield t;
    }
  };
};

/** sack(): read the sack; sack(operator).by(x): combine the sack with a value. */
const compileSack: StepCompiler = (args, mods, c) => {
  if (args.length === 0) {
    return function* (input) {
      for (const t of input) yield t.split(t.sack, c.ctx.trackPath);
    };
  }
  const op = args[0];
  const by = mods.by[0] ? makeBy(mods.by[0], c, 'sack') : undefined;
  return function* (input) {
    for (const t of input) {
      const v = by ? by.get(t) : t.obj;
      if (v === NONE) continue;
      yield t.withSack(applyOperator(op, t.sack, v, 'sack'));
    }
  };
};

/** none()/discard(): drains the traversal for its side effects and yields nothing (what iterate() appends). */
const compileNone: StepCompiler = () =>
  function* (input) {
    for (const _ of input) {
      // discard
    }
  };

/**
 * tree(): the paths of the traversers folded into a tree — a map from each path object to the
 * subtree below it (TinkerPop's Tree is a HashMap of the same shape); by() modulators apply to
 * the path objects in turn. tree('x') keeps it as a side-effect.
 */
class TreeSideEffect implements LazySideEffect {
  readonly root = new Map<unknown, unknown>();
  private readonly keys = new WeakMap<Map<unknown, unknown>, Map<string, unknown>>();
  add(objects: unknown[]): void {
    let node = this.root;
    for (const o of objects) {
      let index = this.keys.get(node);
      if (!index) {
        index = new Map();
        this.keys.set(node, index);
      }
      const h = hashKey(o);
      let key = index.get(h);
      if (key === undefined && !index.has(h)) {
        key = o;
        index.set(h, o);
        node.set(o, new Map());
      }
      node = node.get(key) as Map<unknown, unknown>;
    }
  }
  materialize(): Map<unknown, unknown> {
    return this.root;
  }
}

const compileTree: StepCompiler = (args, mods, c) => {
  const bys = mods.by.map((b) => makeBy(b, c, 'tree'));
  const key = typeof args[0] === 'string' ? args[0] : undefined;
  const objectsOf = (t: Traverser): unknown[] | undefined => {
    const objects: unknown[] = [];
    for (let n = t.path; n; n = n.prev) objects.push(n.obj);
    objects.reverse();
    if (bys.length === 0) return objects;
    const out: unknown[] = [];
    for (let i = 0; i < objects.length; i++) {
      const v = bys[i % bys.length]!.get(t.withObject(objects[i]));
      if (v === NONE) return undefined;
      out.push(v);
    }
    return out;
  };
  if (key !== undefined) {
    return function* (input) {
      let tree = c.ctx.sideEffects.get(key);
      if (!(tree instanceof TreeSideEffect)) {
        tree = new TreeSideEffect();
        c.ctx.sideEffects.set(key, tree);
      }
      for (const t of input) {
        const objects = objectsOf(t);
        if (objects) (tree as TreeSideEffect).add(objects);
        yield t;
      }
    };
  }
  return function* (input) {
    const tree = new TreeSideEffect();
    for (const t of input) {
      const objects = objectsOf(t);
      if (objects) tree.add(objects);
    }
    yield fresh(c, tree.materialize());
  };
};

export const reduceSteps: Record<string, StepCompiler> = {
  tree: compileTree,
  none: compileNone,
  discard: compileNone,
  count: reducingStep('count'),
  sum: reducingStep('sum'),
  min: reducingStep('min'),
  max: reducingStep('max'),
  mean: reducingStep('mean'),
  fold: compileFold,
  order: compileOrder,
  group: compileGroup,
  groupCount: compileGroupCount,
  aggregate: compileAggregate,
  store: compileStore,
  cap: compileCap,
  barrier: compileBarrier,
  sideEffect: compileSideEffect,
  sack: compileSack,
};

export { applyOperator, fresh, orderComparator, sortTraversers };
export type { Pipeline, Stage };
