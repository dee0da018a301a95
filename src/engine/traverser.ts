/**
 * Traversers and the values the interpreter passes between steps. A traverser carries its
 * object, its bulk (how many identical traversers it stands for — TinkerPop's bulking,
 * https://tinkerpop.apache.org/docs/3.7.3/reference/#barrier-step), its path (a persistent
 * linked list, shared between branches), its loop counters and its sack.
 */
import type { Edge, Vertex } from './property-graph.js';
import { InvalidInputError, kitMessage } from '../errors.js';
import { compareValues, hashKey, valuesEqual } from './values.js';

/** One entry of a traverser's path: the object and the step labels given to it with `as()`. */
export interface PathNode {
  readonly obj: unknown;
  readonly labels: readonly string[];
  readonly prev: PathNode | null;
}

/** A loop counter of a `repeat()`, innermost first. */
export interface LoopFrame {
  readonly name: string | null;
  readonly count: number;
  readonly prev: LoopFrame | null;
}

/**
 * How many traversers one stands for: a number while it is a safe integer, a bigint beyond 2^53
 * (TinkerPop's bulk is a Java long: repeat() over a dense graph gets there quickly, and a double
 * would count wrong).
 */
export type Bulk = number | bigint;

const MAX_LONG = 2n ** 63n - 1n;

/** Past Java's Long.MAX_VALUE: TinkerPop would wrap around silently; the engine says so instead. */
function checkLong(sum: bigint, what: string): bigint {
  if (sum > MAX_LONG || sum < -MAX_LONG - 1n) {
    throw new InvalidInputError(kitMessage('engine', `${what} ${sum} is beyond the range of a 64-bit Long (2^63 - 1 = ${MAX_LONG})`));
  }
  return sum;
}

/** The exact sum of two bulks (or Long counts). */
export function addBulk(a: Bulk, b: Bulk, what = 'the count'): Bulk {
  if (typeof a === 'number' && typeof b === 'number') {
    const sum = a + b;
    if (Number.isSafeInteger(sum)) return sum;
  }
  return narrow(checkLong(BigInt(a) + BigInt(b), what));
}

/** The exact product of two bulks (or a Long and a bulk). */
export function multiplyBulk(a: Bulk, b: Bulk, what = 'the count'): Bulk {
  if (typeof a === 'number' && typeof b === 'number') {
    const product = a * b;
    if (Number.isSafeInteger(product)) return product;
  }
  return narrow(checkLong(BigInt(a) * BigInt(b), what));
}

/** A bigint back to a number when that is exact. */
function narrow(value: bigint): Bulk {
  return value >= -BigInt(Number.MAX_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/** A traverser: object, bulk, path, loops and sack. Treat as immutable once emitted. */
export class Traverser {
  constructor(
    readonly obj: unknown,
    public bulk: Bulk,
    readonly path: PathNode | null,
    readonly loops: LoopFrame | null,
    public sack: unknown,
  ) {}

  /** A traverser for a new object; the path grows when the traversal tracks paths. */
  split(obj: unknown, trackPath: boolean): Traverser {
    return new Traverser(obj, this.bulk, trackPath ? { obj, labels: NO_LABELS, prev: this.path } : this.path, this.loops, this.sack);
  }

  /** The same traverser with another object, the path unchanged (filters, identity-like maps). */
  withObject(obj: unknown): Traverser {
    return new Traverser(obj, this.bulk, this.path, this.loops, this.sack);
  }

  withBulk(bulk: Bulk): Traverser {
    return new Traverser(this.obj, bulk, this.path, this.loops, this.sack);
  }

  withSack(sack: unknown): Traverser {
    return new Traverser(this.obj, this.bulk, this.path, this.loops, sack);
  }

  withLoops(loops: LoopFrame | null): Traverser {
    return new Traverser(this.obj, this.bulk, this.path, loops, this.sack);
  }

  /** Adds step labels to the last path entry (what `as()` does). */
  withLabels(labels: readonly string[]): Traverser {
    const head = this.path;
    const path: PathNode = head
      ? { obj: head.obj, labels: [...head.labels, ...labels.filter((l) => !head.labels.includes(l))], prev: head.prev }
      : { obj: this.obj, labels, prev: null };
    return new Traverser(this.obj, this.bulk, path, this.loops, this.sack);
  }
}

export const NO_LABELS: readonly string[] = Object.freeze([]);

/** A path as `path()` returns it. */
export class EnginePath {
  constructor(
    readonly labels: string[][],
    readonly objects: unknown[],
  ) {}

  static fromNode(node: PathNode | null): EnginePath {
    const labels: string[][] = [];
    const objects: unknown[] = [];
    for (let n = node; n; n = n.prev) {
      labels.push([...n.labels]);
      objects.push(n.obj);
    }
    return new EnginePath(labels.reverse(), objects.reverse());
  }

  equals(other: unknown): boolean {
    return other instanceof EnginePath && valuesEqual(this.objects, other.objects) && valuesEqual(this.labels, other.labels);
  }

  hashKey(): string {
    return 'p' + hashKey(this.objects) + hashKey(this.labels);
  }

  compareTo(other: unknown): number {
    return compareValues(this.objects, (other as EnginePath).objects);
  }

  get orderRank(): number {
    return 9;
  }
}

/** An edge property (`properties()` of an edge, a meta-property of a vertex property). */
export class PropertyRef {
  constructor(
    readonly key: string,
    readonly value: unknown,
    /** The edge or vertex property owning it. */
    readonly owner: Edge | import('./property-graph.js').VertexProperty,
  ) {}

  /** Properties are equal when their keys and values are (TinkerPop's ElementHelper.areEqual(Property, Object)). */
  equals(other: unknown): boolean {
    return other instanceof PropertyRef && other.key === this.key && valuesEqual(other.value, this.value);
  }

  hashKey(): string {
    return 'P' + this.key + '=' + hashKey(this.value);
  }

  compareTo(other: unknown): number {
    const o = other as PropertyRef;
    return this.key < o.key ? -1 : this.key > o.key ? 1 : compareValues(this.value, o.value);
  }

  get orderRank(): number {
    return 8;
  }
}

/** A map entry, as `unfold()` of a map yields it (TinkerPop's `Map.Entry`). */
export class MapEntry {
  constructor(
    readonly key: unknown,
    readonly value: unknown,
  ) {}

  equals(other: unknown): boolean {
    return other instanceof MapEntry && valuesEqual(other.key, this.key) && valuesEqual(other.value, this.value);
  }

  hashKey(): string {
    return 'e' + hashKey(this.key) + '=' + hashKey(this.value);
  }

  get orderRank(): number {
    return 12;
  }
}

/** A graph element or vertex property as the interpreter sees it. */
export type GraphElement = Vertex | Edge;
