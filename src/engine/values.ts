/**
 * Value equality, ordering and hashing as Gremlin defines them for the embedded engine.
 * Semantics follow TinkerPop's "Equality, Comparability and Orderability" rules
 * (https://tinkerpop.apache.org/docs/3.7.3/dev/provider/#gremlin-semantics-equality-comparability):
 * numbers compare by value regardless of type, NaN equals NaN for ordering, and values of
 * different types order by type priority.
 */

/** Deep equality of two Gremlin values (numbers by value, Dates by time, lists/maps by content). */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return a === b || (Number.isNaN(a) && Number.isNaN(b));
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) {
      return Number(a) === Number(b);
    }
    return false;
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (a instanceof Date) return b instanceof Date && a.getTime() === b.getTime();
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!valuesEqual(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof Set) {
    if (!(b instanceof Set) || a.size !== b.size) return false;
    outer: for (const x of a) {
      if (b.has(x)) continue;
      for (const y of b) if (valuesEqual(x, y)) continue outer;
      return false;
    }
    return true;
  }
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    outer: for (const [k, v] of a) {
      if (b.has(k)) {
        if (!valuesEqual(v, b.get(k))) return false;
        continue;
      }
      for (const [k2, v2] of b) if (valuesEqual(k, k2) && valuesEqual(v, v2)) continue outer;
      return false;
    }
    return true;
  }
  const customA = a as { equals?: (other: unknown) => boolean };
  if (typeof customA.equals === 'function') return customA.equals(b);
  return false;
}

/**
 * A string key such that `valuesEqual(a, b)` implies `hashKey(a) === hashKey(b)`; used to group,
 * dedup and count values in Maps without a quadratic scan.
 */
export function hashKey(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return 's' + value;
    case 'number':
      return Number.isNaN(value) ? 'nNaN' : 'n' + (Object.is(value, -0) ? 0 : value);
    case 'bigint':
      return 'n' + Number(value);
    case 'boolean':
      return value ? 'T' : 'F';
    case 'undefined':
      return 'u';
    case 'object':
      break;
    default:
      return 'x' + String(value);
  }
  if (value === null) return 'N';
  if (value instanceof Date) return 'd' + value.getTime();
  if (Array.isArray(value)) return 'l[' + value.map(hashKey).join(',') + ']';
  if (value instanceof Set) return 'S{' + [...value].map(hashKey).sort().join(',') + '}';
  if (value instanceof Map) {
    return 'm{' + [...value].map(([k, v]) => hashKey(k) + ':' + hashKey(v)).sort().join(',') + '}';
  }
  const custom = value as { hashKey?: () => string };
  if (typeof custom.hashKey === 'function') return custom.hashKey();
  return 'o' + JSON.stringify(value);
}

/** Type priority for orderability across types (TinkerPop 3.6+ "Orderability"). */
function typeRank(value: unknown): number {
  if (value === null || value === undefined) return 0;
  switch (typeof value) {
    case 'boolean':
      return 1;
    case 'number':
    case 'bigint':
      return 2;
    case 'string':
      return 4;
    default:
      break;
  }
  if (value instanceof Date) return 3;
  const rank = (value as { orderRank?: number }).orderRank;
  if (typeof rank === 'number') return rank;
  if (value instanceof Set) return 10;
  if (Array.isArray(value)) return 11;
  if (value instanceof Map) return 12;
  return 13;
}

/** Enum tokens (T.id, Direction.OUT ...) order by their names, as TinkerPop's orderability does. */
function enumAsString(x: unknown): unknown {
  if (x !== null && typeof x === 'object' && typeof (x as { typeName?: unknown }).typeName === 'string' && 'elementName' in x) {
    return String((x as { elementName: unknown }).elementName);
  }
  return x;
}

/** Total order over Gremlin values, used by `order()`, `min()`, `max()` and `P.lt/gt`. */
export function compareValues(a0: unknown, b0: unknown): number {
  const a = enumAsString(a0);
  const b = enumAsString(b0);
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 0:
      return 0;
    case 1:
      return a === b ? 0 : a ? 1 : -1;
    case 2: {
      const x = Number(a);
      const y = Number(b);
      if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1;
      if (Number.isNaN(y)) return -1;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 3:
      return (a as Date).getTime() - (b as Date).getTime();
    case 4:
      return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
    case 10:
    case 11: {
      const xa = [...(a as Iterable<unknown>)];
      const xb = [...(b as Iterable<unknown>)];
      for (let i = 0; i < Math.min(xa.length, xb.length); i++) {
        const c = compareValues(xa[i], xb[i]);
        if (c !== 0) return c;
      }
      return xa.length - xb.length;
    }
    case 12: {
      const xa = [...(a as Map<unknown, unknown>)];
      const xb = [...(b as Map<unknown, unknown>)];
      for (let i = 0; i < Math.min(xa.length, xb.length); i++) {
        const c = compareValues(xa[i]![0], xb[i]![0]) || compareValues(xa[i]![1], xb[i]![1]);
        if (c !== 0) return c;
      }
      return xa.length - xb.length;
    }
    default: {
      const custom = a as { compareTo?: (other: unknown) => number };
      if (typeof custom.compareTo === 'function') return custom.compareTo(b);
      return 0;
    }
  }
}

/** Values that `P.lt/gt/lte/gte` may compare: numbers with numbers, strings with strings ... */
export function areComparable(a: unknown, b: unknown): boolean {
  // null compares equal to null (TinkerPop 3.6+ comparability), and to nothing else.
  if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
  if (a === null || a === undefined || b === null || b === undefined) return false;
  const ra = typeRank(a);
  if (ra !== typeRank(b)) return false;
  if (ra === 2) return !Number.isNaN(Number(a)) && !Number.isNaN(Number(b));
  return ra >= 1 && ra <= 4;
}
