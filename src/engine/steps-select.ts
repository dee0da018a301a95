/**
 * Scoping steps: `as`, `select`, `path`, `project`, plus the side-effect reader they share
 * (https://tinkerpop.apache.org/docs/3.7.3/reference/#select-step). A key is looked up as
 * TinkerPop's `Scoping.getScopeValue` does: in the current object when it is a map, then in the
 * side-effects, then in the path labels.
 */
import type { Compiler, ExecutionContext, StepCompiler } from './compiler.js';
import { isTraversalArg, stepError } from './compiler.js';
import type { Maybe } from './step-helpers.js';
import { NONE, applyRoundRobin, columnValue, enumName, firstResult, isEnum, makeByList } from './step-helpers.js';
import { EnginePath, Traverser } from './traverser.js';

export type Pop = 'first' | 'last' | 'all' | 'mixed';

/** A side-effect whose value is computed when read (e.g. `group('x')` reducing its groups). */
export interface LazySideEffect {
  materialize(): unknown;
}

export function isLazySideEffect(x: unknown): x is LazySideEffect {
  return x !== null && typeof x === 'object' && typeof (x as LazySideEffect).materialize === 'function';
}

/** Reads a side-effect value (materialised), or NONE. */
export function readSideEffect(ctx: ExecutionContext, key: string): Maybe<unknown> {
  if (!ctx.sideEffects.has(key)) return NONE;
  const v = ctx.sideEffects.get(key);
  return isLazySideEffect(v) ? v.materialize() : v;
}

/** The values labelled `key` in a traverser's path, oldest first. */
function pathValues(t: Traverser, key: string): unknown[] {
  const out: unknown[] = [];
  for (let n = t.path; n; n = n.prev) if (n.labels.includes(key)) out.push(n.obj);
  return out.reverse();
}

/** Selects a key for a traverser (map entry, side-effect, path label), or NONE. */
export function selectValue(t: Traverser, key: string, pop: Pop, c: Compiler): Maybe<unknown> {
  const obj = t.obj;
  if (obj instanceof Map && obj.has(key)) return obj.get(key);
  const se = readSideEffect(c.ctx, key);
  if (se !== NONE) return se;
  const values = pathValues(t, key);
  if (values.length === 0) return NONE;
  switch (pop) {
    case 'first':
      return values[0];
    case 'last':
      return values[values.length - 1];
    case 'all':
      return values;
    default:
      return values.length === 1 ? values[0] : values;
  }
}

export function popOf(x: unknown): Pop | undefined {
  return isEnum(x, 'Pop') ? (enumName(x) as Pop) : undefined;
}

const compileAs: StepCompiler = (args) => {
  const labels = args.map(String);
  return function* (input) {
    for (const t of input) yield t.withLabels(labels);
  };
};

const compileSelect: StepCompiler = (args, mods, c) => {
  const ctx = c.ctx;
  const bys = makeByList(mods.by, c, 'select');
  if (args.length === 1 && isEnum(args[0], 'Column')) {
    const column = enumName(args[0])!;
    return function* (input) {
      for (const t of input) yield t.split(columnValue(t.obj, column, 'select'), ctx.trackPath);
    };
  }
  const pop = popOf(args[0]);
  const keys = pop ? args.slice(1) : args;
  const effectivePop = pop ?? 'last';
  if (keys.length === 1 && isTraversalArg(keys[0])) {
    const keyTraversal = c.child(keys[0]);
    return function* (input) {
      for (const t of input) {
        const key = firstResult(keyTraversal, t);
        if (key === NONE) continue;
        // A map is looked up by the key itself (groupCount keys are numbers, even null); labels by its text.
        const v = t.obj instanceof Map && t.obj.has(key) ? t.obj.get(key) : typeof key === 'string' ? selectValue(t, key, effectivePop, c) : NONE;
        if (v === NONE) continue;
        const b = applyRoundRobin(bys, 0, t.withObject(v));
        if (b !== NONE) yield t.split(b, ctx.trackPath);
      }
    };
  }
  for (const k of keys) if (typeof k !== 'string') stepError('select', `keys must be strings, got ${String(k)}`);
  if (keys.length === 1) {
    const key = keys[0] as string;
    return function* (input) {
      for (const t of input) {
        const v = selectValue(t, key, effectivePop, c);
        if (v === NONE) continue;
        const b = applyRoundRobin(bys, 0, t.withObject(v));
        if (b !== NONE) yield t.split(b, ctx.trackPath);
      }
    };
  }
  return function* (input) {
    next: for (const t of input) {
      const out = new Map<string, unknown>();
      let i = 0;
      for (const key of keys as string[]) {
        const v = selectValue(t, key, effectivePop, c);
        if (v === NONE) continue next;
        const b = applyRoundRobin(bys, i++, t.withObject(v));
        if (b === NONE) continue next;
        out.set(key, b);
      }
      yield t.split(out, ctx.trackPath);
    }
  };
};

const compilePath: StepCompiler = (_args, mods, c) => {
  const bys = makeByList(mods.by, c, 'path');
  const from = mods.from?.[0] as string | undefined;
  const to = mods.to?.[0] as string | undefined;
  return function* (input) {
    next: for (const t of input) {
      let path = EnginePath.fromNode(t.path);
      if (from !== undefined || to !== undefined) {
        let start = 0;
        let end = path.objects.length;
        if (from !== undefined) start = Math.max(0, path.labels.findIndex((l) => l.includes(from)));
        if (to !== undefined) {
          for (let k = path.labels.length - 1; k >= 0; k--) if (path.labels[k]!.includes(to)) { end = k + 1; break; }
        }
        path = new EnginePath(path.labels.slice(start, end), path.objects.slice(start, end));
      }
      if (bys.length > 0) {
        const objects: unknown[] = [];
        for (let i = 0; i < path.objects.length; i++) {
          const v = applyRoundRobin(bys, i, t.withObject(path.objects[i]));
          if (v === NONE) continue next;
          objects.push(v);
        }
        path = new EnginePath(path.labels, objects);
      }
      yield t.split(path, c.ctx.trackPath);
    }
  };
};

const compileProject: StepCompiler = (args, mods, c) => {
  const keys = args.map(String);
  const bys = makeByList(mods.by, c, 'project');
  return function* (input) {
    for (const t of input) {
      const out = new Map<string, unknown>();
      keys.forEach((k, i) => {
        const v = applyRoundRobin(bys, i, t);
        if (v !== NONE) out.set(k, v);
      });
      yield t.split(out, c.ctx.trackPath);
    }
  };
};

export const selectSteps: Record<string, StepCompiler> = {
  as: compileAs,
  select: compileSelect,
  path: compilePath,
  project: compileProject,
};
