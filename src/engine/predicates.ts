/**
 * `P` and `TextP` predicates with TinkerPop's ternary boolean semantics
 * (https://tinkerpop.apache.org/docs/3.7.3/dev/provider/#_ternary_boolean_logics): a comparison of
 * incomparable values (a number with a string, anything with NaN) is neither true nor false but
 * an ERROR (here `null`), which a filter treats as false and which `not()` keeps as ERROR.
 */
import { InvalidInputError, kitMessage } from '../errors.js';
import { areComparable, compareValues, valuesEqual } from './values.js';

/** A predicate as the driver builds it (`process.P` / `process.TextP`). */
export interface PredicateLike {
  operator: unknown;
  value: unknown;
  other?: unknown;
}

/** True when `x` is a driver `P` or `TextP`. */
export function isPredicate(x: unknown): x is PredicateLike {
  if (x === null || typeof x !== 'object') return false;
  const name = (x as object).constructor?.name;
  return (name === 'P' || name === 'TextP') && 'operator' in x;
}

/** Ternary result: true, false, or null for ERROR. */
export type Ternary = boolean | null;

function compare(a: unknown, b: unknown, test: (c: number) => boolean): Ternary {
  if (!areComparable(a, b)) return null;
  return test(compareValues(a, b));
}

function eq(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number' && (Number.isNaN(a) || Number.isNaN(b))) return false;
  return valuesEqual(a, b);
}

/** Evaluates a predicate against a value; `null` means ERROR. */
export function testPredicate(p: PredicateLike, value: unknown): Ternary {
  const op = String(p.operator);
  const v = p.value;
  switch (op) {
    case 'eq':
      return eq(value, v);
    case 'neq':
      return !eq(value, v);
    case 'lt':
      return compare(value, v, (c) => c < 0);
    case 'lte':
      return compare(value, v, (c) => c <= 0);
    case 'gt':
      return compare(value, v, (c) => c > 0);
    case 'gte':
      return compare(value, v, (c) => c >= 0);
    case 'between':
      return and(compare(value, v, (c) => c >= 0), compare(value, p.other, (c) => c < 0));
    case 'inside':
      return and(compare(value, v, (c) => c > 0), compare(value, p.other, (c) => c < 0));
    case 'outside':
      return or(compare(value, v, (c) => c < 0), compare(value, p.other, (c) => c > 0));
    case 'within':
      return listOf(v).some((x) => eq(value, x));
    case 'without':
      return !listOf(v).some((x) => eq(value, x));
    case 'not':
      return not(testPredicate(v as PredicateLike, value));
    case 'and':
      return and(testPredicate(v as PredicateLike, value), testPredicate(p.other as PredicateLike, value));
    case 'or':
      return or(testPredicate(v as PredicateLike, value), testPredicate(p.other as PredicateLike, value));
    case 'containing':
    case 'notContaining':
    case 'startingWith':
    case 'notStartingWith':
    case 'endingWith':
    case 'notEndingWith':
    case 'regex':
    case 'notRegex':
      return testText(op, v, value);
    default:
      throw new InvalidInputError(kitMessage('engine', `predicate ${op}: not supported`));
  }
}

function testText(op: string, pattern: unknown, value: unknown): Ternary {
  if (typeof value !== 'string' || typeof pattern !== 'string') return null;
  switch (op) {
    case 'containing':
      return value.includes(pattern);
    case 'notContaining':
      return !value.includes(pattern);
    case 'startingWith':
      return value.startsWith(pattern);
    case 'notStartingWith':
      return !value.startsWith(pattern);
    case 'endingWith':
      return value.endsWith(pattern);
    case 'notEndingWith':
      return !value.endsWith(pattern);
    case 'regex':
      return compileRegex(pattern).test(value);
    default:
      return !compileRegex(pattern).test(value);
  }
}

const regexCache = new Map<string, RegExp>();

/** TextP.regex follows Java's `Matcher.find()`: a match anywhere in the string. */
function compileRegex(pattern: string): RegExp {
  let re = regexCache.get(pattern);
  if (!re) {
    let source = pattern;
    let flags = 'u';
    // Java's inline flags `(?i)` at the start are common in Gremlin; JS has no inline flags.
    const inline = /^\(\?([imsx]+)\)/.exec(source);
    if (inline) {
      source = source.slice(inline[0].length);
      flags += inline[1]!.replace('x', '');
    }
    re = new RegExp(source, flags);
    regexCache.set(pattern, re);
  }
  return re;
}

function listOf(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (v instanceof Set) return [...v];
  return v === undefined ? [] : [v];
}

function not(x: Ternary): Ternary {
  return x === null ? null : !x;
}

function and(a: Ternary, b: Ternary): Ternary {
  if (a === false || b === false) return false;
  if (a === null || b === null) return null;
  return true;
}

function or(a: Ternary, b: Ternary): Ternary {
  if (a === true || b === true) return true;
  if (a === null || b === null) return null;
  return false;
}

/** A filter's reading of a ternary result: only true passes. */
export function passes(p: PredicateLike, value: unknown): boolean {
  return testPredicate(p, value) === true;
}

/** The value(s) a simple `eq`/`within` predicate looks for (for index lookups), or undefined. */
export function indexableValues(p: PredicateLike): unknown[] | undefined {
  const op = String(p.operator);
  if (op === 'eq') return [p.value];
  if (op === 'within') return listOf(p.value);
  return undefined;
}
