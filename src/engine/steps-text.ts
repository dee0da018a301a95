/**
 * The 3.7 string, list and date steps: `asString`, `concat`, `format`, `split`, `substring`,
 * `replace`, `reverse`, `length`, `trim/lTrim/rTrim`, `toLower/toUpper`, `asDate`, `dateAdd`,
 * `dateDiff`, `combine`, `conjoin`, `difference`, `disjunct`, `intersect`, `merge`, `product`,
 * `all`, `any`, `fail` (https://tinkerpop.apache.org/docs/3.7.3/reference/#string-steps ...).
 * Error texts follow TinkerPop's, since the conformance suite checks them.
 */
import type { Compiler, Stage, StepCompiler } from './compiler.js';
import { isTraversalArg, stepError } from './compiler.js';
import { isPredicate, passes } from './predicates.js';
import { Edge, Vertex, VertexProperty } from './property-graph.js';
import { NONE, distinctValues, enumName, firstResult, isEnum, makeByList, typeName } from './step-helpers.js';
import { selectValue } from './steps-select.js';
import { EnginePath, MapEntry, PropertyRef, Traverser } from './traverser.js';
import { valuesEqual } from './values.js';

/** Java's `toString()` of a value, as `asString()` and `format()` print it. */
export function toJavaString(x: unknown): string {
  if (x === null || x === undefined) return 'null';
  if (typeof x === 'string') return x;
  if (typeof x === 'number') return Number.isFinite(x) ? String(x) : Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
  if (x instanceof Vertex) return `v[${x.id}]`;
  if (x instanceof Edge) return `e[${x.id}][${x.outV.id}-${x.label}->${x.inV.id}]`;
  if (x instanceof VertexProperty) return `vp[${x.key}->${toJavaString(x.value)}]`;
  if (x instanceof PropertyRef) return `p[${x.key}->${toJavaString(x.value)}]`;
  if (x instanceof EnginePath) return `path[${x.objects.map(toJavaString).join(', ')}]`;
  if (x instanceof Date) return x.toISOString();
  if (x instanceof MapEntry) return `${toJavaString(x.key)}=${toJavaString(x.value)}`;
  if (x instanceof Map) return `{${[...x].map(([k, v]) => `${toJavaString(k)}=${toJavaString(v)}`).join(', ')}}`;
  if (Array.isArray(x) || x instanceof Set) return `[${[...x].map(toJavaString).join(', ')}]`;
  const e = x as { elementName?: unknown };
  if (e.elementName !== undefined) return String(e.elementName);
  return String(x);
}

function isLocal(args: readonly unknown[]): boolean {
  return isEnum(args[0], 'Scope', 'local');
}

function withoutScope(args: readonly unknown[]): unknown[] {
  return isEnum(args[0], 'Scope') ? args.slice(1) : [...args];
}

/** A string step: applies `fn` to strings, keeps null, and in local scope maps over a list. */
function stringStep(name: string, fn: (s: string, args: unknown[]) => unknown, options: { acceptAny?: boolean } = {}): StepCompiler {
  return (rawArgs, _mods, c) => {
    const local = isLocal(rawArgs);
    const args = withoutScope(rawArgs);
    const apply = (x: unknown): unknown => {
      if (x === null || x === undefined) return null;
      if (typeof x !== 'string' && !options.acceptAny) {
        stepError(name, local ? `The ${name}(local) step can only take string or list of strings, encountered ${typeName(x)}` : `The ${name}() step can only take string as argument, encountered ${typeName(x)}`);
      }
      return fn(x as string, args);
    };
    return function* (input) {
      for (const t of input) {
        const obj = t.obj;
        if (local && (Array.isArray(obj) || obj instanceof Set)) yield t.split([...obj].map(apply), c.ctx.trackPath);
        else yield t.split(apply(obj), c.ctx.trackPath);
      }
    };
  };
}

const compileAsString: StepCompiler = (rawArgs, _mods, c) => {
  const local = isLocal(rawArgs);
  return function* (input) {
    for (const t of input) {
      const obj = t.obj;
      if (local && (Array.isArray(obj) || obj instanceof Set)) yield t.split([...obj].map((x) => (x === null ? null : toJavaString(x))), c.ctx.trackPath);
      else {
        yield t.split(obj === null || obj === undefined ? null : toJavaString(obj), c.ctx.trackPath);
      }
    }
  };
};

const compileConcat: StepCompiler = (args, _mods, c) => {
  const parts = args.map((a) => (isTraversalArg(a) ? c.child(a) : a));
  return function* (input) {
    for (const t of input) {
      const obj = t.obj;
      if (obj !== null && obj !== undefined && typeof obj !== 'string') stepError('concat', `String concat() can only take string as argument, encountered ${typeName(obj)}`);
      let out: string | null = obj === null || obj === undefined ? null : obj;
      for (const p of parts) {
        let v: unknown = p;
        if (p !== null && typeof p === 'object' && 'runFrom' in p) {
          const r = firstResult(p as never, t);
          v = r === NONE ? null : r;
        }
        if (v === null || v === undefined) continue;
        if (typeof v !== 'string') stepError('concat', `String concat() can only take string as argument, encountered ${typeName(v)}`);
        out = (out ?? '') + v;
      }
      yield t.split(out, c.ctx.trackPath);
    }
  };
};

/** format("%{name} is %{age}"): keys from the element/map/path labels; `%{_}` from the by()s in turn. */
const compileFormat: StepCompiler = (args, mods, c) => {
  const template = String(args[0]);
  const bys = makeByList(mods.by, c, 'format');
  const pattern = /%\{(.*?)\}/g;
  return function* (input) {
    next: for (const t of input) {
      let byIndex = 0;
      let out = '';
      let last = 0;
      for (const m of template.matchAll(pattern)) {
        out += template.slice(last, m.index);
        last = m.index! + m[0].length;
        const key = m[1]!;
        let v: unknown;
        if (key === '_') {
          if (bys.length === 0) v = t.obj;
          else {
            const by = bys[byIndex++ % bys.length]!;
            v = by.get(t);
          }
        } else {
          v = NONE;
          const obj = t.obj;
          if (obj instanceof Vertex || obj instanceof Edge || obj instanceof VertexProperty) {
            const props = obj instanceof Vertex ? obj.props?.filter((p) => p.key === key).map((p) => p.value) : obj instanceof Edge ? [c.ctx.graph.edgeProperty(obj, key)].filter((x) => x !== undefined) : obj.meta?.has(key) ? [obj.meta.get(key)] : [];
            if (props && props.length > 0) v = props[0];
          } else if (obj instanceof Map && obj.has(key)) v = obj.get(key);
          if (v === NONE) v = selectValue(t, key, 'last', c);
        }
        if (v === NONE) continue next;
        out += toJavaString(v);
      }
      out += template.slice(last);
      yield t.split(out, c.ctx.trackPath);
    }
  };
};

const compileSplit: StepCompiler = stringStep('split', (s, [sep]) => {
  if (sep === null || sep === undefined) return s.split(/\s+/).filter((x) => x !== '');
  if (sep === '') return [...s];
  return s.split(String(sep));
});

function javaSubstring(s: string, args: unknown[]): string {
  const n = s.length;
  let start = Number(args[0]);
  if (start < 0) start = Math.max(0, n + start);
  if (args.length < 2 || args[1] === undefined || args[1] === null) return s.slice(Math.min(start, n));
  let end = Number(args[1]);
  if (end < 0) end = n + end;
  // TinkerPop's substring(start, end): end is an index, clamped; an end before start gives "".
  if (end <= start) return '';
  return s.slice(start, Math.min(end, n));
}

const compileReverse: StepCompiler = (_args, _mods, c) =>
  function* (input) {
    for (const t of input) {
      const obj = t.obj;
      if (typeof obj === 'string') yield t.split([...obj].reverse().join(''), c.ctx.trackPath);
      else if (Array.isArray(obj)) yield t.split([...obj].reverse(), c.ctx.trackPath);
      else if (obj instanceof EnginePath) yield t.split([...obj.objects].reverse(), c.ctx.trackPath);
      else yield t;
    }
  };

const UNICODE_SPACE = '\\s\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const TRIM_BOTH = new RegExp(`^[${UNICODE_SPACE}]+|[${UNICODE_SPACE}]+$`, 'g');
const TRIM_LEFT = new RegExp(`^[${UNICODE_SPACE}]+`);
const TRIM_RIGHT = new RegExp(`[${UNICODE_SPACE}]+$`);

const DT_MS: Record<string, number> = { second: 1000, minute: 60_000, hour: 3_600_000, day: 86_400_000 };

function toDate(x: unknown): Date {
  if (x instanceof Date) return x;
  if (typeof x === 'number') return new Date(x);
  if (typeof x === 'bigint') return new Date(Number(x));
  if (typeof x === 'string') {
    const d = new Date(x);
    if (!Number.isNaN(d.getTime()) && /^\d{4}-\d{2}-\d{2}/.test(x)) return d;
  }
  return stepError('asDate', `Can't parse ${toJavaString(x)} as Date.`);
}

const compileAsDate: StepCompiler = (_args, _mods, c) =>
  function* (input) {
    for (const t of input) yield t.split(toDate(t.obj), c.ctx.trackPath);
  };

const compileDateAdd: StepCompiler = (args, _mods, c) => {
  const unit = enumName(args[0]) ?? String(args[0]).toLowerCase();
  const ms = DT_MS[unit];
  if (ms === undefined) stepError('dateAdd', `unknown unit ${String(args[0])}`);
  const amount = Number(args[1]);
  return function* (input) {
    for (const t of input) {
      if (!(t.obj instanceof Date)) stepError('dateAdd', `dateAdd accepts only Date, encountered ${typeName(t.obj)}`);
      yield t.split(new Date(t.obj.getTime() + amount * ms), c.ctx.trackPath);
    }
  };
};

const compileDateDiff: StepCompiler = (args, _mods, c) => {
  const other = isTraversalArg(args[0]) ? c.child(args[0]) : undefined;
  return function* (input) {
    for (const t of input) {
      if (!(t.obj instanceof Date)) stepError('dateDiff', `dateDiff accepts only Date, encountered ${typeName(t.obj)}`);
      let d: unknown = args[0];
      if (other) {
        const r = firstResult(other, t);
        d = r === NONE ? null : r;
      }
      const diff = d instanceof Date ? Math.trunc((t.obj.getTime() - d.getTime()) / 1000) : 0;
      yield t.split(diff, c.ctx.trackPath);
    }
  };
};

/** The incoming list of a list step (paths count as their objects), or an error naming the step. */
function incomingList(obj: unknown, step: string): unknown[] {
  if (obj === null || obj === undefined) stepError(step, `Incoming traverser for ${step} step can't be null`);
  if (Array.isArray(obj) || obj instanceof Set) return [...obj];
  if (obj instanceof EnginePath) return obj.objects;
  return stepError(step, `${step} step can only take an array or an Iterable type for incoming traversers, encountered ${typeName(obj)}`);
}

/** The argument list of a list step: a list, or a traversal yielding one. */
function argumentList(arg: unknown, t: Traverser, c: Compiler, step: string, allowMap = false): unknown[] | Map<unknown, unknown> {
  if (arg === null || arg === undefined) stepError(step, `Argument provided for ${step} step can't be null`);
  let v: unknown = arg;
  if (isTraversalArg(arg)) {
    const r = firstResult(c.child(arg), t);
    v = r === NONE ? null : r;
    if (v === null || v === undefined) stepError(step, `traversal argument for ${step} step must yield an iterable type, not null`);
    if (!(Array.isArray(v) || v instanceof Set || v instanceof EnginePath || (allowMap && v instanceof Map))) {
      if (allowMap) stepError(step, `${step} step expected provided argument to evaluate to a Map, encountered ${typeName(v)}`);
      stepError(step, `traversal argument for ${step} step must yield an iterable type, encountered ${typeName(v)}`);
    }
  }
  if (allowMap && v instanceof Map) return v;
  if (Array.isArray(v) || v instanceof Set) return [...v];
  if (v instanceof EnginePath) return v.objects;
  if (v instanceof Map) stepError(step, `step type mismatch: expected argument to be Iterable but got Map`);
  return stepError(step, `${step} step can only take an array or an Iterable as an argument, encountered ${typeName(v)}`);
}


function listStep(step: string, fn: (left: unknown[], right: unknown[]) => unknown): StepCompiler {
  return (args, _mods, c) => {
    const arg = args[0];
    if (isTraversalArg(arg)) c.child(arg);
    return function* (input) {
      for (const t of input) {
        const left = incomingList(t.obj, step);
        const right = argumentList(arg, t, c, step) as unknown[];
        yield t.split(fn(left, right), c.ctx.trackPath);
      }
    };
  };
}

const compileMerge: StepCompiler = (args, _mods, c) => {
  const arg = args[0];
  return function* (input) {
    for (const t of input) {
      const obj = t.obj;
      if (obj instanceof Map) {
        const right = argumentList(arg, t, c, 'merge', true);
        if (!(right instanceof Map)) stepError('merge', `merge step expected provided argument to evaluate to a Map, encountered ${typeName(right)}`);
        yield t.split(new Map([...obj, ...right]), c.ctx.trackPath);
        continue;
      }
      const left = incomingList(obj, 'merge');
      const right = argumentList(arg, t, c, 'merge');
      if (right instanceof Map) stepError('merge', 'step type mismatch: expected argument to be Iterable but got Map');
      yield t.split(new Set(distinctValues([...left, ...right])), c.ctx.trackPath);
    }
  };
};

const compileConjoin: StepCompiler = (args, _mods, c) => {
  const sep = args[0];
  if (sep === null || sep === undefined) stepError('conjoin', 'Input delimiter for conjoin step can\'t be null');
  return function* (input) {
    for (const t of input) {
      const items = incomingList(t.obj, 'conjoin');
      yield t.split(items.filter((x) => x !== null && x !== undefined).map(toJavaString).join(String(sep)), c.ctx.trackPath);
    }
  };
};

function quantifier(step: 'all' | 'any'): StepCompiler {
  return (args) => {
    const p = args[0];
    if (!isPredicate(p)) stepError(step, 'expects a predicate');
    return function* (input) {
      for (const t of input) {
        const obj = t.obj;
        if (!(Array.isArray(obj) || obj instanceof Set)) continue;
        const items = [...obj];
        const ok = step === 'all' ? items.every((x) => passes(p, x)) : items.some((x) => passes(p, x));
        // all() of an empty list is vacuously true in TinkerPop 3.7.
        if (ok) yield t;
      }
    };
  };
}

const compileFail: StepCompiler = (args) => {
  const message = args[0] === undefined ? 'fail() step triggered' : String(args[0]);
  return function* (input) {
    for (const _ of input) stepError('fail', message);
  };
};

function identityStage(): Stage {
  return (input) => input;
}

export const textSteps: Record<string, StepCompiler> = {
  asString: compileAsString,
  concat: compileConcat,
  format: compileFormat,
  split: compileSplit,
  substring: stringStep('substring', (s, args) => javaSubstring(s, args)),
  replace: stringStep('replace', (s, [from, to]) => (from === null || from === undefined ? s : s.split(String(from)).join(to === null || to === undefined ? '' : String(to)))),
  reverse: compileReverse,
  length: stringStep('length', (s) => [...s].length),
  trim: stringStep('trim', (s) => s.replace(TRIM_BOTH, '')),
  lTrim: stringStep('lTrim', (s) => s.replace(TRIM_LEFT, '')),
  rTrim: stringStep('rTrim', (s) => s.replace(TRIM_RIGHT, '')),
  toLower: stringStep('toLower', (s) => s.toLowerCase()),
  toUpper: stringStep('toUpper', (s) => s.toUpperCase()),
  asDate: compileAsDate,
  dateAdd: compileDateAdd,
  dateDiff: compileDateDiff,
  combine: listStep('combine', (l, r) => [...l, ...r]),
  difference: listStep('difference', (l, r) => new Set(distinctValues(l).filter((x) => !r.some((y) => valuesEqual(x, y))))),
  intersect: listStep('intersect', (l, r) => new Set(distinctValues(l).filter((x) => r.some((y) => valuesEqual(x, y))))),
  disjunct: listStep('disjunct', (l, r) => {
    const a = distinctValues(l);
    const b = distinctValues(r);
    return new Set([...a.filter((x) => !b.some((y) => valuesEqual(x, y))), ...b.filter((y) => !a.some((x) => valuesEqual(x, y)))]);
  }),
  product: listStep('product', (l, r) => l.flatMap((x) => r.map((y) => [x, y]))),
  merge: compileMerge,
  conjoin: compileConjoin,
  all: quantifier('all'),
  any: quantifier('any'),
  fail: compileFail,
  withoutStrategies: () => identityStage(),
};
