/**
 * Compares traversal results (driver structure values) with expected values read from TinkerPop's
 * notation. JavaScript has one number type, so numbers compare by value (`d[1].i` equals `d[1].l`);
 * elements compare by id, vertex properties by key and value, paths by their objects, maps by
 * entries, lists in order and sets (`s[...]`) without order.
 */
import gremlin from 'gremlin';
import { ExpectedSet } from './value-notation.js';

const { structure, process: gp } = gremlin;

/** The fields of driver structure values (the bundled 3.6 type declarations omit them). */
interface StructureFields {
  id: unknown;
  label: string;
  key: string;
  value: unknown;
  objects: unknown[];
}

function fieldsOf(value: unknown): StructureFields {
  return value as StructureFields;
}

/** Deep equality of an actual result value and an expected one. */
export function resultEquals(actual: unknown, expected: unknown): boolean {
  if (expected === null || expected === undefined) return actual === null || actual === undefined;
  if (typeof expected === 'number' || typeof expected === 'bigint') {
    if (typeof actual !== 'number' && typeof actual !== 'bigint') return false;
    if (typeof expected === 'number' && Number.isNaN(expected)) return typeof actual === 'number' && Number.isNaN(actual);
    if (typeof expected === 'bigint' || typeof actual === 'bigint') return BigInt(toIntegerish(actual)) === BigInt(toIntegerish(expected));
    return actual === expected || Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected));
  }
  if (typeof expected === 'string' || typeof expected === 'boolean') return actual === expected;
  if (expected instanceof Date) return actual instanceof Date && actual.getTime() === expected.getTime();
  if (expected instanceof structure.Vertex) return actual instanceof structure.Vertex && idEquals(fieldsOf(actual).id, fieldsOf(expected).id);
  if (expected instanceof structure.Edge) return actual instanceof structure.Edge && idEquals(fieldsOf(actual).id, fieldsOf(expected).id);
  if (expected instanceof structure.VertexProperty) {
    return actual instanceof structure.VertexProperty && fieldsOf(actual).label === fieldsOf(expected).label && resultEquals(fieldsOf(actual).value, fieldsOf(expected).value);
  }
  if (expected instanceof structure.Property) {
    return actual instanceof structure.Property && fieldsOf(actual).key === fieldsOf(expected).key && resultEquals(fieldsOf(actual).value, fieldsOf(expected).value);
  }
  if (expected instanceof structure.Path) {
    return actual instanceof structure.Path && listEquals(fieldsOf(actual).objects, fieldsOf(expected).objects);
  }
  if (expected instanceof gp.EnumValue) {
    const e = expected as unknown as { typeName: string; elementName: string };
    const a = actual as { typeName?: string; elementName?: string } | null;
    return (
      a !== null &&
      typeof a === 'object' &&
      a.typeName === e.typeName &&
      String(a.elementName).toLowerCase() === e.elementName.toLowerCase()
    );
  }
  if (expected instanceof ExpectedSet) {
    const items = actual instanceof Set ? [...actual] : Array.isArray(actual) ? actual : undefined;
    return items !== undefined && unorderedEquals(items, expected.items);
  }
  if (Array.isArray(expected)) {
    const items = Array.isArray(actual) ? actual : actual instanceof Set ? [...actual] : undefined;
    return items !== undefined && listEquals(items, expected);
  }
  if (expected instanceof Map) {
    const entries = actual instanceof Map ? [...actual.entries()] : isPlainObject(actual) ? Object.entries(actual) : undefined;
    if (entries === undefined || entries.length !== expected.size) return false;
    const unmatched = [...entries];
    for (const [key, value] of expected) {
      const index = unmatched.findIndex(([k, v]) => resultEquals(k, key) && resultEquals(v, value));
      if (index < 0) return false;
      unmatched.splice(index, 1);
    }
    return true;
  }
  return false;
}

function toIntegerish(value: number | bigint): bigint | number {
  if (typeof value === 'bigint') return value;
  return Number.isInteger(value) ? value : Number.NaN;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;
}

function idEquals(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' || typeof a === 'bigint') return (typeof b === 'number' || typeof b === 'bigint') && Number(a) === Number(b);
  return a === b || (a !== null && b !== null && String(a) === String(b));
}

function listEquals(actual: unknown[], expected: unknown[]): boolean {
  if (actual.length !== expected.length) return false;
  for (let i = 0; i < actual.length; i++) if (!resultEquals(actual[i], expected[i])) return false;
  return true;
}

/** Multiset equality; returns true when every expected item is matched by exactly one actual item. */
export function unorderedEquals(actual: unknown[], expected: unknown[]): boolean {
  return findUnorderedMismatch(actual, expected) === undefined;
}

/** Describes the first difference of two multisets, or undefined when they are equal. */
export function findUnorderedMismatch(actual: unknown[], expected: unknown[]): string | undefined {
  const remaining = [...actual];
  for (const item of expected) {
    const index = remaining.findIndex((candidate) => resultEquals(candidate, item));
    if (index < 0) return `expected ${formatValue(item)} not found among the results ${formatValue(actual)}`;
    remaining.splice(index, 1);
  }
  if (remaining.length > 0) return `unexpected result ${formatValue(remaining[0])} (${remaining.length} extra)`;
  return undefined;
}

/** Describes the first difference of two ordered lists, or undefined when they are equal. */
export function findOrderedMismatch(actual: unknown[], expected: unknown[]): string | undefined {
  for (let i = 0; i < Math.max(actual.length, expected.length); i++) {
    if (i >= actual.length) return `missing result #${i + 1}: expected ${formatValue(expected[i])}`;
    if (i >= expected.length) return `unexpected result #${i + 1}: ${formatValue(actual[i])}`;
    if (!resultEquals(actual[i], expected[i])) return `result #${i + 1}: expected ${formatValue(expected[i])}, got ${formatValue(actual[i])}`;
  }
  return undefined;
}

/** A short readable rendering of a value for failure messages. */
export function formatValue(value: unknown, depth = 0): string {
  if (depth > 4) return '…';
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'boolean') return String(value);
  if (value instanceof Date) return `dt[${value.toISOString()}]`;
  if (value instanceof structure.Vertex) return `v[${String(fieldsOf(value).id)}]`;
  if (value instanceof structure.Edge) return `e[${String(fieldsOf(value).id)}]`;
  if (value instanceof structure.VertexProperty) return `vp[${fieldsOf(value).label}->${formatValue(fieldsOf(value).value, depth + 1)}]`;
  if (value instanceof structure.Property) return `p[${fieldsOf(value).key}->${formatValue(fieldsOf(value).value, depth + 1)}]`;
  if (value instanceof structure.Path) return `path[${fieldsOf(value).objects.map((o) => formatValue(o, depth + 1)).join(', ')}]`;
  if (value instanceof gp.EnumValue) return `${(value as unknown as { typeName: string }).typeName}.${String(value)}`;
  if (value instanceof ExpectedSet) return `s[${value.items.map((o) => formatValue(o, depth + 1)).join(', ')}]`;
  if (value instanceof Set) return `set[${[...value].map((o) => formatValue(o, depth + 1)).join(', ')}]`;
  if (Array.isArray(value)) {
    const shown = value.slice(0, 12).map((o) => formatValue(o, depth + 1));
    return `[${shown.join(', ')}${value.length > 12 ? `, … ${value.length} items` : ''}]`;
  }
  if (value instanceof Map) {
    return `{${[...value.entries()].map(([k, v]) => `${formatValue(k, depth + 1)}: ${formatValue(v, depth + 1)}`).join(', ')}}`;
  }
  if (typeof value === 'object') {
    const name = (value as object).constructor?.name ?? 'object';
    return `${name}${JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))?.slice(0, 200) ?? ''}`;
  }
  return String(value);
}
