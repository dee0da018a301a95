/**
 * The embedded engine's in-memory property graph: vertices and edges with ids, labels,
 * properties with cardinality, meta-properties, and indexes by id, by label, by property value
 * and by adjacency — so that `has(label, key, value)` and one-hop traversals do not scan the
 * graph.
 *
 * Built for memory and load speed (the identity graph of 1,000,000 source records has about 16
 * million elements). Elements are numbered, and what every element has lives in typed arrays at
 * its number ("structure of arrays"): label codes, the two endpoints of an edge, and adjacency as
 * linked lists threaded through the edges (each edge holds the next older edge of its out vertex's
 * list and of its in vertex's list; each vertex its newest edge). Ids are bytes in the id table
 * (element-table.ts). Typed arrays hold nothing the garbage collector has to trace or copy: with
 * one object per element, a bulk load spent over half its time in the collector. Objects exist
 * only where needed: a `Vertex` or `Edge` handle is made the first time the element is asked for
 * (then kept, so that handles compare with `===`); a vertex handle carries the vertex's
 * properties (packed in one array after a bulk load), edge properties sit in the store.
 *
 * Labels are interned, the label index is an append-only list of element numbers per label that
 * skips removed elements (built on the first label lookup), and the property-value index is built
 * for a key the first time a lookup asks for it, then maintained on writes.
 *
 * Cardinality follows TinkerPop's `VertexProperty.Cardinality`
 * (https://tinkerpop.apache.org/docs/3.7.3/reference/#vertex-properties): `single` replaces,
 * `set` adds a value unless an equal one exists (then merges the meta-properties into it, as
 * TinkerGraph does), `list` always appends. Neptune's default is `set`
 * (https://docs.aws.amazon.com/neptune/latest/userguide/access-graph-gremlin-differences.html).
 */
import { InvalidInputError, NotFoundError, kitMessage } from '../errors.js';
import { IdTable, type IdCursor } from './element-table.js';
import { valuesEqual } from './values.js';

/** An element id: strings as Neptune (user-supplied or UUID), numbers for TinkerPop's toy graphs. */
export type ElementId = string | number;

/** Vertex property cardinality (TinkerPop `VertexProperty.Cardinality`). */
export type Cardinality = 'single' | 'set' | 'list';

/** How ids are generated for elements added without one. */
export type IdGenerator = 'uuid' | 'number';

/** Options of a new graph. */
export interface PropertyGraphOptions {
  /** Cardinality used when a vertex property is set without one: `set` as Neptune (default), `list` as TinkerGraph. */
  defaultCardinality?: Cardinality;
  /** Generated ids: UUID strings as Neptune (default) or increasing numbers as TinkerGraph. */
  idGenerator?: IdGenerator;
}

/** A vertex property: key, value, id and optional meta-properties. */
export class VertexProperty {
  constructor(
    readonly key: string,
    public value: unknown,
    readonly id: ElementId,
    /** Meta-properties, or null when there are none (the common case, saves an object). */
    public meta: Map<string, unknown> | null,
    /** The vertex holding this property. */
    readonly vertex: Vertex,
  ) {}
  hashKey(): string {
    return 'VP' + typeof this.id + ':' + String(this.id);
  }
  compareTo(other: unknown): number {
    return compareIds(this.id, (other as VertexProperty).id);
  }
  get orderRank(): number {
    return 7;
  }
}

/** Orders element ids (numbers before strings), as `order()` orders elements by id. */
function compareIds(a: ElementId, b: ElementId): number {
  if (typeof a !== typeof b) return typeof a === 'number' ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A vertex handle. Its fields are the engine's internals: other modules use the graph's methods
 * (`vertexLabel(v)`, `vertexProperties(v)` ...) and treat it as an opaque handle.
 */
export class Vertex {
  /** Properties as objects, in insertion order (null: none, or still packed). */
  private objects: VertexProperty[] | null = null;
  /**
   * Properties as a bulk load writes them, `[key, value, key, value ...]` with the property ids
   * `packedFirstId`, `packedFirstId + 1` ...: one array instead of an object per property (a
   * session row has nine), which the garbage collector would copy and mark again and again during
   * a load. Made into VertexProperty objects the first time anything asks for `props`.
   */
  packed: unknown[] | null = null;
  packedFirstId = 0;
  /** Several labels (Neptune's `~label` with `;`), else null: the one label is in the store. */
  multiLabel: string[] | null = null;
  /** The id, once decoded (see `id`). */
  private decodedId: ElementId | undefined = undefined;
  constructor(
    /** The store holding the element's data (a cleared graph leaves old handles on the old store). */
    readonly store: ElementStore,
    /** The element's number in the store. */
    readonly index: number,
  ) {}
  /**
   * The id, decoded from the id table the first time it is asked for: a bulk load makes a handle
   * for every vertex with properties, and decoding each id there was a string per vertex for the
   * garbage collector to copy, most of them never read.
   */
  get id(): ElementId {
    return (this.decodedId ??= this.store.vertexIds.idAt(this.index));
  }
  /** One interned label, or several. */
  get label(): string | string[] {
    return this.multiLabel ?? this.store.labels[this.store.vLabel[this.index]!]!;
  }
  /** Properties in insertion order, null when there are none. */
  get props(): VertexProperty[] | null {
    if (this.packed !== null) this.unpack();
    return this.objects;
  }
  set props(props: VertexProperty[] | null) {
    if (this.packed !== null) this.unpack();
    this.objects = props;
  }
  private unpack(): void {
    const packed = this.packed!;
    this.packed = null;
    const objects = new Array<VertexProperty>(packed.length / 2);
    for (let k = 0; k < objects.length; k++) objects[k] = new VertexProperty(packed[2 * k] as string, packed[2 * k + 1], this.packedFirstId + k, null, this);
    this.objects = objects;
  }
  /** True once removed from the graph (stale handles check it). */
  get removed(): boolean {
    return this.store.vRemoved[this.index] === 1;
  }
  hashKey(): string {
    return 'V' + typeof this.id + ':' + String(this.id);
  }
  /** How console.log and the REPL show a handle (not its store, which holds the whole graph). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `v[${String(this.id)}]`;
  }
  /** Outgoing edges (a fresh array), null when there are none. */
  get outE(): Edge[] | null {
    const out = incident(this).filter((e) => e.outV === this);
    return out.length > 0 ? out : null;
  }
  /** Incoming edges (a fresh array), null when there are none. */
  get inE(): Edge[] | null {
    const out = incident(this).filter((e) => e.inV === this);
    return out.length > 0 ? out : null;
  }
  compareTo(other: unknown): number {
    return compareIds(this.id, (other as Vertex).id);
  }
  get orderRank(): number {
    return 5;
  }
}

/** The incident edges of a vertex (out and in together, in insertion order; a self-loop once). */
export function incident(v: Vertex): Edge[] {
  const s = v.store;
  const numbers = s.edgeNumbers(v.index);
  const out: Edge[] = [];
  for (const e of numbers) if (s.eRemoved[e] === 0) out.push(s.edgeAt(e));
  return out;
}

/**
 * The edges at a vertex with the vertex at their other end: out edges first, then in edges
 * (TinkerGraph's order for both()), each in insertion order, keeping to `accept`ed labels.
 * The edges are those at the start of the walk, less the ones removed while it runs.
 */
export function* adjacent(v: Vertex, dir: 'out' | 'in' | 'both', accept?: (label: string) => boolean): Generator<[Edge, Vertex]> {
  const s = v.store;
  const labels = s.labels;
  const vi = v.index;
  const numbers = s.edgeNumbers(vi);
  for (let pass = 0; pass < 2; pass++) {
    const wantOut = pass === 0;
    if (wantOut ? dir === 'in' : dir === 'out') continue;
    const side = wantOut ? 1 : 2;
    for (let k = 0; k < numbers.length; k++) {
      const e = numbers[k]!;
      if (s.eRemoved[e] === 1) continue;
      const o = e * EDGE_STRIDE;
      const d = s.eData;
      if (d[o + side] !== vi) continue;
      if (accept && !accept(labels[d[o]!]!)) continue;
      yield [s.edgeAt(e), s.vertexAt(d[o + 3 - side]!)];
    }
  }
}

/** An edge handle: id, one label, its two vertices and single-cardinality properties as `[key, value, ...]`. */
export class Edge {
  constructor(
    readonly store: ElementStore,
    readonly index: number,
    readonly id: ElementId,
  ) {}
  get label(): string {
    return this.store.labels[this.store.eData[this.index * EDGE_STRIDE]!]!;
  }
  /** Properties as a flat `[key, value, key, value ...]` array, null when there are none (kept in the store: no handle needed). */
  get props(): unknown[] | null {
    return this.store.eProps.get(this.index) ?? null;
  }
  set props(props: unknown[] | null) {
    this.store.eProps.set(this.index, props ?? undefined);
  }
  get outV(): Vertex {
    return this.store.vertexAt(this.store.eData[this.index * EDGE_STRIDE + 1]!);
  }
  get inV(): Vertex {
    return this.store.vertexAt(this.store.eData[this.index * EDGE_STRIDE + 2]!);
  }
  get removed(): boolean {
    return this.store.eRemoved[this.index] === 1;
  }
  hashKey(): string {
    return 'E' + typeof this.id + ':' + String(this.id);
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `e[${String(this.id)}][${String(this.outV.id)}-${this.label}->${String(this.inV.id)}]`;
  }
  compareTo(other: unknown): number {
    return compareIds(this.id, (other as Edge).id);
  }
  get orderRank(): number {
    return 6;
  }
}

/**
 * A sparse array by element number, in chunks of 1024 slots made on first write: elements that
 * never get an entry (most of them, in a bulk load) cost nothing, and nothing grows by copying.
 */
class ChunkedSlots<T> {
  private readonly chunks: ((T | undefined)[] | undefined)[] = [];
  get(i: number): T | undefined {
    const chunk = this.chunks[i >>> 10];
    return chunk === undefined ? undefined : chunk[i & 1023];
  }
  set(i: number, value: T | undefined): void {
    const k = i >>> 10;
    let chunk = this.chunks[k];
    if (chunk === undefined) {
      if (value === undefined) return;
      // Fill up to k so the outer array stays dense (a far write would make it a dictionary).
      while (this.chunks.length <= k) this.chunks.push(undefined);
      chunk = new Array<T | undefined>(1024).fill(undefined);
      this.chunks[k] = chunk;
    }
    chunk[i & 1023] = value;
  }
  /** The entries in number order. */
  *values(): Generator<T> {
    for (const chunk of this.chunks) if (chunk) for (const value of chunk) if (value !== undefined) yield value;
  }
}

/** Int32s per edge in `eData`: label code, out vertex, in vertex, next edge + 1 at the out vertex, next edge + 1 at the in vertex. */
const EDGE_STRIDE = 5;
const INITIAL_CAPACITY = 256;

function grownInt32(old: Int32Array, length: number): Int32Array {
  const next = new Int32Array(length);
  next.set(old);
  return next;
}

function grownUint8(old: Uint8Array, length: number): Uint8Array {
  const next = new Uint8Array(length);
  next.set(old);
  return next;
}

/**
 * The element data of a graph, by element number (see the file comment). `clear()` starts a
 * new store and marks everything in the old one removed, so stale handles read as removed.
 */
export class ElementStore {
  readonly vertexIds = new IdTable();
  readonly edgeIds = new IdTable();
  /** Per vertex: label code, or -1 when it has several labels (held by its handle). */
  vLabel = new Int32Array(INITIAL_CAPACITY);
  /**
   * Per vertex: its newest incident edge + 1 (0 = none); each edge links to the next older one
   * at each of its ends. Adding an edge touches only its two vertices' slots (keeping a tail to
   * append at would cost one more cache miss per end); readers reverse to insertion order.
   */
  vAdj = new Int32Array(INITIAL_CAPACITY);
  vRemoved = new Uint8Array(INITIAL_CAPACITY);
  /** Vertex handles by number, made on first use. */
  readonly vHandle = new ChunkedSlots<Vertex>();
  /** Per edge, EDGE_STRIDE int32s (see EDGE_STRIDE). */
  eData = new Int32Array(INITIAL_CAPACITY * EDGE_STRIDE);
  eRemoved = new Uint8Array(INITIAL_CAPACITY);
  readonly eHandle = new ChunkedSlots<Edge>();
  /** Edge properties by number, as `[key, value, ...]`. */
  readonly eProps = new ChunkedSlots<unknown[]>();

  constructor(
    /** Label strings by code, shared by the graph's stores. */
    readonly labels: string[],
  ) {}

  /** The handle of vertex number `i` (made and kept on first use). */
  vertexAt(i: number): Vertex {
    const h = this.vHandle.get(i);
    if (h !== undefined) return h;
    const v = new Vertex(this, i);
    this.vHandle.set(i, v);
    return v;
  }

  /** The handle of edge number `i` (made and kept on first use). */
  edgeAt(i: number): Edge {
    const h = this.eHandle.get(i);
    if (h !== undefined) return h;
    const e = new Edge(this, i, this.edgeIds.idAt(i));
    this.eHandle.set(i, e);
    return e;
  }

  /** Makes room for this many vertices and edges in all (see IdTable.reserve). */
  reserve(vertices: number, edges: number): void {
    this.vertexIds.reserve(vertices);
    this.edgeIds.reserve(edges);
    if (vertices > this.vRemoved.length) this.growVertexArrays(vertices);
    if (edges > this.eRemoved.length) this.growEdgeArrays(edges);
  }

  private growVertexArrays(length: number): void {
    this.vLabel = grownInt32(this.vLabel, length);
    this.vAdj = grownInt32(this.vAdj, length);
    this.vRemoved = grownUint8(this.vRemoved, length);
  }

  private growEdgeArrays(length: number): void {
    this.eData = grownInt32(this.eData, length * EDGE_STRIDE);
    this.eRemoved = grownUint8(this.eRemoved, length);
  }

  /** Takes the next vertex number for an id; -1 - holder when the id is taken. */
  newVertex(id: ElementId, labelCode: number): number {
    return this.placeVertex(this.vertexIds.add(id), labelCode);
  }

  /** newVertex for the id `text.slice(start, end)`, without making that string (IdTable.addIn). */
  newVertexIn(text: string, start: number, end: number, labelCode: number): number {
    return this.placeVertex(this.vertexIds.addIn(text, start, end), labelCode);
  }

  private placeVertex(i: number, labelCode: number): number {
    if (i < 0) return i;
    if (i >= this.vRemoved.length) this.growVertexArrays(this.vRemoved.length * 2);
    this.vLabel[i] = labelCode;
    return i;
  }

  /** Takes the next edge number for an id and links it into both vertices' lists; -1 - holder when the id is taken. */
  newEdge(id: ElementId, labelCode: number, out: number, inV: number): number {
    return this.placeEdge(this.edgeIds.add(id), labelCode, out, inV);
  }

  /** newEdge for the id `text.slice(start, end)`, without making that string (IdTable.addIn). */
  newEdgeIn(text: string, start: number, end: number, labelCode: number, out: number, inV: number): number {
    return this.placeEdge(this.edgeIds.addIn(text, start, end), labelCode, out, inV);
  }

  private placeEdge(e: number, labelCode: number, out: number, inV: number): number {
    if (e < 0) return e;
    if (e >= this.eRemoved.length) this.growEdgeArrays(this.eRemoved.length * 2);
    const d = this.eData;
    const o = e * EDGE_STRIDE;
    d[o] = labelCode;
    d[o + 1] = out;
    d[o + 2] = inV;
    this.link(e, out);
    if (inV !== out) this.link(e, inV);
    return e;
  }

  /** The incident edges of vertex `v` by number, in insertion order (out and in together; a self-loop once). */
  edgeNumbers(v: number): number[] {
    const out: number[] = [];
    for (let e = this.vAdj[v]! - 1; e >= 0; e = this.nextEdge(e, v)) out.push(e);
    return out.reverse();
  }

  /** The edge before `e` (older) in vertex `v`'s list, or -1. */
  private nextEdge(e: number, v: number): number {
    const o = e * EDGE_STRIDE;
    const d = this.eData;
    return (d[o + 1] === v ? d[o + 3]! : d[o + 4]!) - 1;
  }

  private setNext(e: number, v: number, next: number): void {
    const o = e * EDGE_STRIDE;
    if (this.eData[o + 1] === v) this.eData[o + 3] = next + 1;
    else this.eData[o + 4] = next + 1;
  }

  /** Puts edge `e` at the head of vertex `v`'s list. */
  private link(e: number, v: number): void {
    this.setNext(e, v, this.vAdj[v]! - 1);
    this.vAdj[v] = e + 1;
  }

  /** Takes edge `e` out of vertex `v`'s list. */
  unlink(e: number, v: number): void {
    let later = -1;
    let cur = this.vAdj[v]! - 1;
    while (cur >= 0 && cur !== e) {
      later = cur;
      cur = this.nextEdge(cur, v);
    }
    if (cur < 0) return;
    const next = this.nextEdge(e, v);
    if (later < 0) this.vAdj[v] = next + 1;
    else this.setNext(later, v, next);
  }

  /** Marks every element removed (the graph moves on to a new store). */
  retire(): void {
    this.vRemoved.fill(1);
    this.eRemoved.fill(1);
  }
}

/** Opaque vertex handle for the loader and readers. */
export type VertexRef = Vertex;
/** Opaque edge handle for the loader and readers. */
export type EdgeRef = Edge;

/** A vertex property as the read accessors return it. */
export interface VertexPropertyView {
  key: string;
  value: unknown;
  id: ElementId;
  meta?: Record<string, unknown>;
}

/** An edge property as the read accessors return it. */
export interface EdgePropertyView {
  key: string;
  value: unknown;
}

/** An append-only list of element numbers with lazy removal (removed ones are skipped, then compacted). */
class IndexList {
  items = new Int32Array(16);
  length = 0;
  dead = 0;
  add(i: number): void {
    if (this.length === this.items.length) this.items = grownInt32(this.items, this.length * 2);
    this.items[this.length++] = i;
  }
  markRemoved(removed: Uint8Array): void {
    this.dead++;
    if (this.dead > 1024 && this.dead * 2 > this.length) {
      // A new array: an iteration under way keeps the one it started with.
      const items = new Int32Array(Math.max(16, this.length - this.dead));
      let n = 0;
      for (let k = 0; k < this.length; k++) if (removed[this.items[k]!] === 0) items[n++] = this.items[k]!;
      this.items = items;
      this.length = n;
      this.dead = 0;
    }
  }
  get size(): number {
    return this.length - this.dead;
  }
}

/**
 * Appends a property with exact-size arrays while small: `[]` then push() would reserve 16+
 * slots (~70 bytes) for the one to three properties most vertices hold.
 */
function appendProperty(v: Vertex, property: VertexProperty): void {
  const props = v.props;
  if (props === null) v.props = [property];
  else if (props.length < 8) {
    const next = new Array<VertexProperty>(props.length + 1);
    for (let i = 0; i < props.length; i++) next[i] = props[i]!;
    next[props.length] = property;
    v.props = next;
  } else props.push(property);
}

/** Only primitive values go in the property-value index; lookups of other values scan. */
function isIndexable(value: unknown): value is string | number | boolean {
  const t = typeof value;
  return t === 'string' || t === 'number' || t === 'boolean';
}

const BACKEND = 'engine';

/** The in-memory property graph. */
export class PropertyGraph {
  readonly defaultCardinality: Cardinality;
  readonly idGenerator: IdGenerator;
  /** Label and key strings by code (codes index the stores' label arrays). */
  private readonly labels: string[] = [];
  private readonly labelCodes = new Map<string, number>();
  private store: ElementStore = new ElementStore(this.labels);
  /**
   * Label indexes by label code, built on the first label lookup and maintained from then on: a
   * bulk load of millions of elements does not pay for them (nor for their memory) until a query asks.
   */
  private verticesByLabel: IndexList[] | null = null;
  private edgesByLabel: IndexList[] | null = null;
  private readonly interned = new Map<string, string>();
  /** key → (value → vertices having that value under that key); built lazily per key. */
  private readonly vertexValueIndex = new Map<string, Map<string | number | boolean, Vertex[]>>();
  private lastInterned: string | undefined;
  private lastLabel: string | undefined;
  private lastLabelCode = -1;
  private nextNumericId = 0;
  private nextPropertyId = 0;
  /** Bumped on every mutation, so cached views (e.g. an iteration in progress) can notice. */
  version = 0;

  constructor(options: PropertyGraphOptions = {}) {
    this.defaultCardinality = options.defaultCardinality ?? 'set';
    this.idGenerator = options.idGenerator ?? 'uuid';
  }

  get vertexCount(): number {
    return this.store.vertexIds.size;
  }

  get edgeCount(): number {
    return this.store.edgeIds.size;
  }

  /** Returns one shared instance of a label or key string (saves memory across millions of elements). */
  intern(text: string): string {
    // Bulk loads add runs of one label: skip the lookup when it is the last one seen.
    if (text === this.lastInterned) return this.lastInterned;
    const found = this.interned.get(text);
    if (found !== undefined) this.lastInterned = found;
    if (found !== undefined) return found;
    this.interned.set(text, text);
    return text;
  }

  /** The code of a label (labels are numbered in the order first seen). */
  labelCode(label: string): number {
    if (label === this.lastLabel) return this.lastLabelCode;
    let code = this.labelCodes.get(label);
    if (code === undefined) {
      code = this.labels.length;
      const interned = this.intern(label);
      this.labels.push(interned);
      this.labelCodes.set(interned, code);
    }
    this.lastLabel = label;
    this.lastLabelCode = code;
    return code;
  }

  /** Generates an element id the graph does not hold yet. */
  generateId(): ElementId {
    if (this.idGenerator === 'uuid') return crypto.randomUUID();
    let id = this.nextNumericId++;
    while (this.hasElementId(id)) id = this.nextNumericId++;
    return id;
  }

  private hasElementId(id: ElementId): boolean {
    return this.store.vertexIds.find(id) >= 0 || this.store.edgeIds.find(id) >= 0;
  }

  /** Property ids are numbers in both modes: a small integer costs no memory, a UUID string ~60 bytes. */
  private generatePropertyId(): ElementId {
    if (this.idGenerator === 'uuid') return this.nextPropertyId++;
    let id = this.nextPropertyId++;
    while (this.hasElementId(id)) id = this.nextPropertyId++;
    return id;
  }

  /**
   * Makes room for about this many more vertices and edges (a bulk load's estimate from its file
   * sizes): adding them then does not grow the tables step by step, each step a full copy.
   */
  reserve(moreVertices: number, moreEdges: number): void {
    this.store.reserve(this.store.vertexIds.length + Math.max(0, Math.ceil(moreVertices)), this.store.edgeIds.length + Math.max(0, Math.ceil(moreEdges)));
  }

  /** Adds a vertex; throws InvalidInputError when the id is taken. Labels given as an array are all kept. */
  addVertex(id: ElementId | undefined, label: string | string[]): Vertex {
    if (typeof label === 'string' || label.length === 1) {
      return this.store.vertexAt(this.addVertexRecord(id, typeof label === 'string' ? label : label[0]!));
    }
    const labels = [...new Set(label.map((l) => this.intern(l)))];
    if (labels.length === 0) labels.push(this.intern('vertex'));
    if (labels.length === 1) return this.store.vertexAt(this.addVertexRecord(id, labels[0]!));
    const vertexId = id ?? this.generateId();
    const i = this.store.newVertex(vertexId, -1);
    if (i < 0) throw this.duplicateVertex(vertexId);
    const vertex = this.store.vertexAt(i);
    vertex.multiLabel = labels;
    if (this.verticesByLabel) for (const l of labels) this.labelList(this.verticesByLabel, this.labelCode(l)).add(i);
    this.noteNumericId(vertexId);
    this.version++;
    return vertex;
  }

  /**
   * Adds a vertex with one label and returns its number, without making a handle: the bulk
   * loader's path (a handle is made later if a query or a property needs one).
   */
  addVertexRecord(id: ElementId | undefined, label: string): number {
    const vertexId = id ?? this.generateId();
    const i = this.tryAddVertexRecord(vertexId, label);
    if (i < 0) throw this.duplicateVertex(vertexId);
    return i;
  }

  /** Adds a vertex with one label unless its id is taken: its number, or -1 - the holder's number (nothing changed). */
  tryAddVertexRecord(id: ElementId, label: string): number {
    const code = this.labelCode(label);
    this.noteNumericId(id);
    return this.vertexAdded(this.store.newVertex(id, code), code);
  }

  /**
   * tryAddVertexRecord for the string id `text.slice(start, end)`, without making that string:
   * the bulk loader's ids are spans of the text it scans (see IdTable.findIn).
   */
  tryAddVertexRecordIn(text: string, start: number, end: number, label: string): number {
    const code = this.labelCode(label);
    return this.vertexAdded(this.store.newVertexIn(text, start, end, code), code);
  }

  private vertexAdded(i: number, code: number): number {
    if (i < 0) return i;
    if (this.verticesByLabel) this.labelList(this.verticesByLabel, code).add(i);
    this.version++;
    return i;
  }

  private duplicateVertex(id: ElementId): InvalidInputError {
    return new InvalidInputError(kitMessage(BACKEND, `addVertex: a vertex with id ${JSON.stringify(id)} already exists`));
  }

  private duplicateEdge(id: ElementId): InvalidInputError {
    return new InvalidInputError(kitMessage(BACKEND, `addEdge: an edge with id ${JSON.stringify(id)} already exists`));
  }

  private noteNumericId(id: ElementId): void {
    if (typeof id === 'number' && id >= this.nextNumericId) this.nextNumericId = Math.floor(id) + 1;
  }

  /** Adds an edge between two vertices of this graph; throws InvalidInputError when the id is taken. */
  addEdge(id: ElementId | undefined, label: string, outV: Vertex, inV: Vertex): Edge {
    if (outV.removed || inV.removed) {
      if (id !== undefined && this.store.edgeIds.find(id) >= 0) {
        throw this.duplicateEdge(id);
      }
      throw new NotFoundError(kitMessage(BACKEND, `addEdge: vertex ${JSON.stringify((outV.removed ? outV : inV).id)} was removed`));
    }
    return this.store.edgeAt(this.addEdgeRecord(id, label, outV.index, inV.index));
  }

  /** Adds an edge between vertex numbers and returns its number, without making a handle (the bulk loader's path). */
  addEdgeRecord(id: ElementId | undefined, label: string, outV: number, inV: number): number {
    const edgeId = id ?? this.generateId();
    const e = this.tryAddEdgeRecord(edgeId, label, outV, inV);
    if (e < 0) throw this.duplicateEdge(edgeId);
    return e;
  }

  /** Adds an edge between vertex numbers unless its id is taken: its number, or -1 - the holder's number (nothing changed). */
  tryAddEdgeRecord(id: ElementId, label: string, outV: number, inV: number): number {
    const code = this.labelCode(label);
    this.noteNumericId(id);
    return this.edgeAdded(this.store.newEdge(id, code, outV, inV), code);
  }

  /** tryAddEdgeRecord for the string id `text.slice(start, end)`, without making that string. */
  tryAddEdgeRecordIn(text: string, start: number, end: number, label: string, outV: number, inV: number): number {
    const code = this.labelCode(label);
    return this.edgeAdded(this.store.newEdgeIn(text, start, end, code, outV, inV), code);
  }

  private edgeAdded(e: number, code: number): number {
    if (e < 0) return e;
    if (this.edgesByLabel) this.labelList(this.edgesByLabel, code).add(e);
    this.version++;
    return e;
  }

  getVertex(id: ElementId): Vertex | undefined {
    const i = this.store.vertexIds.find(id);
    return i < 0 ? undefined : this.store.vertexAt(i);
  }

  getEdge(id: ElementId): Edge | undefined {
    const i = this.store.edgeIds.find(id);
    return i < 0 ? undefined : this.store.edgeAt(i);
  }

  /** The number of the vertex with this id, or -1 (no handle made). */
  findVertex(id: ElementId): number {
    return this.store.vertexIds.find(id);
  }

  /** findVertex for the string id `text.slice(start, end)`, without making that string; moves `cursor` to it (see guessVertexIn). */
  findVertexIn(text: string, start: number, end: number, cursor?: IdCursor): number {
    return this.store.vertexIds.findIn(text, start, end, cursor);
  }

  /** The vertex the cursor stands on or the one added after it, when its id is `text.slice(start, end)`; else -1 (IdTable.guessIn). */
  guessVertexIn(text: string, start: number, end: number, cursor: IdCursor): number {
    return this.store.vertexIds.guessIn(text, start, end, cursor);
  }

  /** The number of the edge with this id, or -1 (no handle made). */
  findEdge(id: ElementId): number {
    return this.store.edgeIds.find(id);
  }

  /** The handle of vertex number `i`. */
  vertexAt(i: number): Vertex {
    return this.store.vertexAt(i);
  }

  /** The handle of edge number `i`. */
  edgeAt(i: number): Edge {
    return this.store.edgeAt(i);
  }

  /** Label of edge number `i`. */
  edgeLabelAt(i: number): string {
    return this.labels[this.store.eData[i * EDGE_STRIDE]!]!;
  }

  /** Out vertex number of edge number `i`. */
  edgeOutAt(i: number): number {
    return this.store.eData[i * EDGE_STRIDE + 1]!;
  }

  /** In vertex number of edge number `i`. */
  edgeInAt(i: number): number {
    return this.store.eData[i * EDGE_STRIDE + 2]!;
  }

  /** Adds a label to a vertex (a no-op when it has it already). */
  addVertexLabel(v: Vertex, label: string): void {
    const l = this.intern(label);
    const labels = this.vertexLabels(v);
    if (labels.includes(l)) return;
    v.multiLabel = [...labels, l];
    v.store.vLabel[v.index] = -1;
    if (this.verticesByLabel) this.labelList(this.verticesByLabel, this.labelCode(l)).add(v.index);
    this.version++;
  }

  /**
   * Sets a vertex property with a cardinality (the graph's default when omitted) and optional
   * meta-properties; returns the property now holding the value.
   */
  setVertexProperty(
    v: Vertex,
    key: string,
    value: unknown,
    cardinality: Cardinality = this.defaultCardinality,
    meta?: Record<string, unknown> | Map<string, unknown>,
    propertyId?: ElementId,
  ): VertexProperty {
    if (value === null || value === undefined) {
      throw new InvalidInputError(kitMessage(BACKEND, `property: the value of "${key}" must not be null`));
    }
    const k = this.intern(key);
    const props = v.props ?? EMPTY_PROPS;
    if (cardinality === 'single') {
      if (props.some((p) => p.key === k)) this.removeVertexPropertiesByKey(v, k);
    } else if (cardinality === 'set') {
      const existing = props.find((p) => p.key === k && valuesEqual(p.value, value));
      if (existing) {
        if (meta) for (const [mk, mv] of entriesOf(meta)) this.setPropertyMeta(existing, mk, mv);
        return existing;
      }
    }
    const metaMap = meta ? new Map(entriesOf(meta)) : null;
    if (propertyId !== undefined) this.notePropertyId(propertyId);
    const property = new VertexProperty(k, value, propertyId ?? this.generatePropertyId(), metaMap && metaMap.size > 0 ? metaMap : null, v);
    appendProperty(v, property);
    this.indexValue(v, k, value);
    this.version++;
    return property;
  }

  /**
   * Gives a vertex that has no properties yet its first ones, in one go: the bulk loader's path
   * for a new vertex. With distinct keys (a Gremlin CSV record without array columns) they are
   * kept packed (see Vertex.packed); otherwise each goes through setVertexProperty.
   */
  setNewVertexProperties(v: Vertex, keys: readonly string[], values: readonly unknown[], cardinalities: readonly Cardinality[], count: number): void {
    let packable = v.packed === null && v.props === null && this.idGenerator === 'uuid';
    for (let i = 0; packable && i < count; i++) {
      if (values[i] === null || values[i] === undefined) packable = false;
      for (let j = 0; packable && j < i; j++) if (keys[j] === keys[i]) packable = false;
    }
    if (!packable) {
      for (let i = 0; i < count; i++) this.setVertexProperty(v, keys[i]!, values[i], cardinalities[i]);
      return;
    }
    this.pack(v, keys, values, count, this.nextPropertyId);
    this.nextPropertyId += count;
  }

  /** Gives vertex `v` its first `count` properties packed (see Vertex.packed), with the ids `firstId`, `firstId + 1` ... */
  private pack(v: Vertex, keys: readonly string[], values: readonly unknown[], count: number, firstId: number): void {
    const packed = new Array<unknown>(count * 2);
    for (let i = 0; i < count; i++) {
      packed[2 * i] = this.intern(keys[i]!);
      packed[2 * i + 1] = values[i];
    }
    v.packed = packed;
    v.packedFirstId = firstId;
    if (this.vertexValueIndex.size > 0) for (let i = 0; i < count; i++) this.indexValue(v, packed[2 * i] as string, values[i]);
    this.version++;
  }

  /** Calls `fn` with each property of vertex `v` (packed or not) without making property objects. */
  forEachVertexProperty(v: Vertex, fn: (key: string, value: unknown, id: ElementId, meta: Map<string, unknown> | null) => void): void {
    const packed = v.packed;
    if (packed !== null) {
      for (let k = 0; k < packed.length; k += 2) fn(packed[k] as string, packed[k + 1], v.packedFirstId + k / 2, null);
      return;
    }
    const props = v.props;
    if (props) for (const p of props) fn(p.key, p.value, p.id, p.meta);
  }

  /** Sets (or replaces) a meta-property on a vertex property. */
  setPropertyMeta(property: VertexProperty, key: string, value: unknown): void {
    (property.meta ??= new Map()).set(this.intern(key), value);
    this.version++;
  }

  /** Removes a meta-property from a vertex property. */
  removePropertyMeta(property: VertexProperty, key: string): void {
    if (!property.meta) return;
    property.meta.delete(key);
    if (property.meta.size === 0) property.meta = null;
    this.version++;
  }

  /** Removes one vertex property. */
  removeVertexProperty(property: VertexProperty): void {
    const v = property.vertex;
    if (!v.props) return;
    const i = v.props.indexOf(property);
    if (i < 0) return;
    v.props.splice(i, 1);
    if (v.props.length === 0) v.props = null;
    this.unindexValue(v, property.key, property.value);
    this.version++;
  }

  /** Removes every property of a vertex under one key. */
  removeVertexPropertiesByKey(v: Vertex, key: string): void {
    if (!v.props) return;
    for (const p of v.props.filter((x) => x.key === key)) this.removeVertexProperty(p);
  }

  /** Sets an edge property (edges hold one value per key). */
  setEdgeProperty(e: Edge, key: string, value: unknown): void {
    // The handle's own store: a handle from before clear() writes to the retired store, harmlessly.
    this.writeEdgeProperty(e.store, e.index, key, value);
  }

  /** Sets a property of edge number `i` (no handle made). */
  setEdgePropertyAt(i: number, key: string, value: unknown): void {
    this.writeEdgeProperty(this.store, i, key, value);
  }

  private writeEdgeProperty(store: ElementStore, i: number, key: string, value: unknown): void {
    if (value === null || value === undefined) {
      throw new InvalidInputError(kitMessage(BACKEND, `property: the value of "${key}" must not be null`));
    }
    const k = this.intern(key);
    const slots = store.eProps;
    const props = slots.get(i);
    if (props === undefined) {
      // An exact-size array: `[]` then push() would reserve 16+ slots for one key and value.
      slots.set(i, [k, value]);
      this.version++;
      return;
    }
    for (let j = 0; j < props.length; j += 2) {
      if (props[j] === k) {
        props[j + 1] = value;
        this.version++;
        return;
      }
    }
    if (props.length < 16) {
      const next = new Array<unknown>(props.length + 2);
      for (let j = 0; j < props.length; j++) next[j] = props[j];
      next[props.length] = k;
      next[props.length + 1] = value;
      slots.set(i, next);
    } else props.push(k, value);
    this.version++;
  }

  /** Removes an edge property. */
  removeEdgeProperty(e: Edge, key: string): void {
    const props = e.props;
    if (!props) return;
    for (let i = 0; i < props.length; i += 2) {
      if (props[i] === key) {
        props.splice(i, 2);
        if (props.length === 0) e.props = null;
        this.version++;
        return;
      }
    }
  }

  /** Reads one edge property value (undefined when absent). */
  edgeProperty(e: Edge, key: string): unknown {
    return readEdgeProperty(e.store, e.index, key);
  }

  /** Reads one property value of edge number `i` (undefined when absent). */
  edgePropertyAt(i: number, key: string): unknown {
    return readEdgeProperty(this.store, i, key);
  }

  /** Removes a vertex and all its edges. */
  removeVertex(v: Vertex): void {
    if (v.removed) return;
    for (const e of incident(v)) this.removeEdge(e);
    const props = v.props;
    v.props = null;
    if (props) for (const p of props) this.unindexValue(v, p.key, p.value);
    const s = v.store;
    s.vRemoved[v.index] = 1;
    s.vertexIds.delete(v.id);
    if (this.verticesByLabel) for (const l of this.vertexLabels(v)) this.verticesByLabel[this.labelCode(l)]?.markRemoved(s.vRemoved);
    this.version++;
  }

  /** Removes an edge. */
  removeEdge(e: Edge): void {
    if (e.removed) return;
    const s = e.store;
    s.eRemoved[e.index] = 1;
    s.edgeIds.delete(e.id);
    const out = this.edgeOutAt(e.index);
    const inV = this.edgeInAt(e.index);
    s.unlink(e.index, out);
    if (inV !== out) s.unlink(e.index, inV);
    this.edgesByLabel?.[s.eData[e.index * EDGE_STRIDE]!]?.markRemoved(s.eRemoved);
    this.version++;
  }

  /** All vertices in insertion order (an iteration sees vertices added while it runs). */
  *vertices(): IterableIterator<Vertex> {
    const s = this.store;
    for (let i = 0; i < s.vertexIds.length; i++) if (s.vRemoved[i] === 0) yield s.vertexAt(i);
  }

  /** All edges in insertion order. */
  *edges(): IterableIterator<Edge> {
    const s = this.store;
    for (let i = 0; i < s.edgeIds.length; i++) if (s.eRemoved[i] === 0) yield s.edgeAt(i);
  }

  /** Number of vertex numbers handed out (removed ones included): the bound for `isVertexLive(i)`. */
  get vertexNumberBound(): number {
    return this.store.vertexIds.length;
  }

  /** Number of edge numbers handed out (removed ones included). */
  get edgeNumberBound(): number {
    return this.store.edgeIds.length;
  }

  isVertexLive(i: number): boolean {
    return this.store.vRemoved[i] === 0;
  }

  isEdgeLive(i: number): boolean {
    return this.store.eRemoved[i] === 0;
  }

  /** Id of vertex number `i`. */
  vertexIdAt(i: number): ElementId {
    return this.store.vertexIds.idAt(i);
  }

  /** Id of edge number `i`. */
  edgeIdAt(i: number): ElementId {
    return this.store.edgeIds.idAt(i);
  }

  /** Labels of vertex number `i` (no handle made for a one-label vertex). */
  vertexLabelsAt(i: number): readonly string[] {
    const code = this.store.vLabel[i]!;
    return code >= 0 ? [this.labels[code]!] : this.store.vertexAt(i).multiLabel!;
  }

  /** Number of properties of vertex number `i` (properties live on handles: none without one). */
  vertexPropertyCountAt(i: number): number {
    const v = this.store.vHandle.get(i);
    if (v === undefined) return 0;
    return v.packed !== null ? v.packed.length / 2 : (v.props?.length ?? 0);
  }

  /** forEachVertexProperty for vertex number `i`, making no handle and no property objects. */
  forEachVertexPropertyAt(i: number, fn: (key: string, value: unknown, id: ElementId, meta: Map<string, unknown> | null) => void): void {
    const v = this.store.vHandle.get(i);
    if (v !== undefined) this.forEachVertexProperty(v, fn);
  }

  /**
   * Restores properties saved by a snapshot onto a vertex that has none: kept packed when their
   * ids follow one another and none has meta-properties (what a bulk load leaves), else one by one.
   */
  restoreVertexProperties(v: Vertex, keys: readonly string[], values: readonly unknown[], ids: readonly ElementId[], metas: readonly (Map<string, unknown> | undefined)[]): void {
    const count = keys.length;
    let packable = count > 0 && v.packed === null && v.props === null && typeof ids[0] === 'number';
    for (let k = 0; packable && k < count; k++) if (ids[k] !== (ids[0] as number) + k || metas[k] !== undefined) packable = false;
    if (!packable) {
      // List cardinality: values come back exactly as saved, with no de-duplication pass.
      for (let k = 0; k < count; k++) this.setVertexProperty(v, keys[k]!, values[k], 'list', metas[k], ids[k]);
      return;
    }
    this.pack(v, keys, values, count, ids[0] as number);
    this.notePropertyId((ids[0] as number) + count - 1);
  }

  /** Property ids given from outside (a snapshot) keep generated ones from reusing them. */
  private notePropertyId(id: ElementId): void {
    if (typeof id === 'number' && id >= this.nextPropertyId) this.nextPropertyId = Math.floor(id) + 1;
  }

  /** Properties of edge number `i` as `[key, value, ...]`, or null. */
  edgePropertiesAt(i: number): readonly unknown[] | null {
    return this.store.eProps.get(i) ?? null;
  }

  /** Vertices having a label (index lookup). */
  *verticesWithLabel(label: string): Generator<Vertex> {
    const list = this.listUnder(this.vertexLabelIndex(), label);
    if (!list) return;
    const { items, length } = list;
    const s = this.store;
    for (let k = 0; k < length; k++) if (s.vRemoved[items[k]!] === 0) yield s.vertexAt(items[k]!);
  }

  /** Number of vertices having a label. */
  countVerticesWithLabel(label: string): number {
    return this.listUnder(this.vertexLabelIndex(), label)?.size ?? 0;
  }

  /** Edges having a label (index lookup). */
  *edgesWithLabel(label: string): Generator<Edge> {
    const list = this.listUnder(this.edgeLabelIndex(), label);
    if (!list) return;
    const { items, length } = list;
    const s = this.store;
    for (let k = 0; k < length; k++) if (s.eRemoved[items[k]!] === 0) yield s.edgeAt(items[k]!);
  }

  /** What a label index lists under `label` (removed elements included), if anything. */
  private listUnder(index: IndexList[], label: string): IndexList | undefined {
    const code = this.labelCodes.get(label);
    return code === undefined ? undefined : index[code];
  }

  /**
   * Vertices having `key` equal to `value`, through the property-value index (built for the key
   * on first use, then maintained). Returns undefined when the value cannot be indexed (a Date,
   * a list): the caller then scans.
   */
  verticesWithValue(key: string, value: unknown): readonly Vertex[] | undefined {
    if (!isIndexable(value)) return undefined;
    const index = this.vertexValueIndex.get(key) ?? this.buildValueIndex(key);
    return index.get(value) ?? EMPTY;
  }

  /** A vertex's label as Neptune shows it: several labels joined by `::`. */
  vertexLabel(v: Vertex): string {
    const label = v.label;
    return typeof label === 'string' ? label : label.join('::');
  }

  /** All labels of a vertex. */
  vertexLabels(v: Vertex): readonly string[] {
    const label = v.label;
    return typeof label === 'string' ? [label] : label;
  }

  /** True when the vertex has this label among its labels. */
  vertexHasLabel(v: Vertex, label: string): boolean {
    if (v.multiLabel) return v.multiLabel.includes(label);
    return this.labels[v.store.vLabel[v.index]!] === label;
  }

  /** A vertex's properties as plain views. */
  vertexProperties(v: Vertex): VertexPropertyView[] {
    return (v.props ?? []).map((p) => {
      const view: VertexPropertyView = { key: p.key, value: p.value, id: p.id };
      if (p.meta) view.meta = Object.fromEntries(p.meta);
      return view;
    });
  }

  /** A vertex's property objects (engine use; do not mutate directly). */
  vertexPropertyObjects(v: Vertex): readonly VertexProperty[] {
    return v.props ?? EMPTY_PROPS;
  }

  edgeLabel(e: Edge): string {
    return e.label;
  }

  edgeOut(e: Edge): Vertex {
    return e.outV;
  }

  edgeIn(e: Edge): Vertex {
    return e.inV;
  }

  /** An edge's properties as plain views. */
  edgeProperties(e: Edge): EdgePropertyView[] {
    const out: EdgePropertyView[] = [];
    const props = e.props;
    if (props) for (let i = 0; i < props.length; i += 2) out.push({ key: props[i] as string, value: props[i + 1] });
    return out;
  }

  /** The id of a vertex, edge or vertex property. */
  elementId(x: Vertex | Edge | VertexProperty): ElementId {
    return x.id;
  }

  /** Removes everything (Neptune's fast reset, the kit's cleanup). */
  clear(): void {
    this.store.retire();
    this.store = new ElementStore(this.labels);
    this.verticesByLabel = null;
    this.edgesByLabel = null;
    this.vertexValueIndex.clear();
    this.version++;
  }

  private vertexLabelIndex(): IndexList[] {
    if (this.verticesByLabel) return this.verticesByLabel;
    const index: IndexList[] = [];
    const s = this.store;
    for (let i = 0; i < s.vertexIds.length; i++) {
      if (s.vRemoved[i] === 1) continue;
      const code = s.vLabel[i]!;
      if (code >= 0) this.labelList(index, code).add(i);
      else for (const l of s.vertexAt(i).multiLabel!) this.labelList(index, this.labelCode(l)).add(i);
    }
    this.verticesByLabel = index;
    return index;
  }

  private edgeLabelIndex(): IndexList[] {
    if (this.edgesByLabel) return this.edgesByLabel;
    const index: IndexList[] = [];
    const s = this.store;
    for (let i = 0; i < s.edgeIds.length; i++) if (s.eRemoved[i] === 0) this.labelList(index, s.eData[i * EDGE_STRIDE]!).add(i);
    this.edgesByLabel = index;
    return index;
  }

  private labelList(index: IndexList[], code: number): IndexList {
    return (index[code] ??= new IndexList());
  }

  private buildValueIndex(key: string): Map<string | number | boolean, Vertex[]> {
    const index = new Map<string | number | boolean, Vertex[]>();
    // Properties live on handles: vertices without a handle have none.
    for (const v of this.store.vHandle.values()) {
      if (v.removed) continue;
      this.forEachVertexProperty(v, (k, value) => {
        if (k !== key || !isIndexable(value)) return;
        const bucket = index.get(value);
        if (!bucket) index.set(value, [v]);
        else if (bucket[bucket.length - 1] !== v) bucket.push(v);
      });
    }
    this.vertexValueIndex.set(key, index);
    return index;
  }

  private indexValue(v: Vertex, key: string, value: unknown): void {
    const index = this.vertexValueIndex.get(key);
    if (!index || !isIndexable(value)) return;
    const bucket = index.get(value);
    if (!bucket) index.set(value, [v]);
    else if (!bucket.includes(v)) bucket.push(v);
  }

  private unindexValue(v: Vertex, key: string, value: unknown): void {
    const index = this.vertexValueIndex.get(key);
    if (!index || !isIndexable(value)) return;
    // Another property of the same key may still hold an equal value (list cardinality).
    if (v.props?.some((p) => p.key === key && p.value === value)) return;
    const bucket = index.get(value);
    if (!bucket) return;
    removeFrom(bucket, v);
    if (bucket.length === 0) index.delete(value);
  }
}

const EMPTY: readonly Vertex[] = Object.freeze([]);
const EMPTY_PROPS: readonly VertexProperty[] = Object.freeze([]);

function readEdgeProperty(store: ElementStore, i: number, key: string): unknown {
  const props = store.eProps.get(i);
  if (!props) return undefined;
  for (let j = 0; j < props.length; j += 2) if (props[j] === key) return props[j + 1];
  return undefined;
}

function removeFrom<T>(list: T[] | null, item: T): void {
  if (!list) return;
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
}

function entriesOf(meta: Record<string, unknown> | Map<string, unknown>): Iterable<[string, unknown]> {
  return meta instanceof Map ? meta.entries() : Object.entries(meta);
}
