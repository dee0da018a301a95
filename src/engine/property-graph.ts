/**
 * The embedded engine's in-memory property graph: vertices and edges with ids, labels,
 * properties with cardinality, meta-properties, and indexes by id, by label, by property value
 * and by adjacency — so that `has(label, key, value)` and one-hop traversals do not scan the
 * graph.
 *
 * Built for memory and load speed (the identity graph of 1,000,000 source records has millions
 * of elements): elements are small class instances with a fixed shape, labels are interned,
 * adjacency lives in per-vertex arrays, the label index is an append-only array per label that
 * skips removed elements (compacted lazily), and the property-value index is built for a key
 * the first time a lookup asks for it, then maintained on writes.
 *
 * Cardinality follows TinkerPop's `VertexProperty.Cardinality`
 * (https://tinkerpop.apache.org/docs/3.7.3/reference/#vertex-properties): `single` replaces,
 * `set` adds a value unless an equal one exists (then merges the meta-properties into it, as
 * TinkerGraph does), `list` always appends. Neptune's default is `set`
 * (https://docs.aws.amazon.com/neptune/latest/userguide/access-graph-gremlin-differences.html).
 */
import { InvalidInputError, NotFoundError, kitMessage } from '../errors.js';
import { ElementTable } from './element-table.js';
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
 * A vertex. The fields are the engine's internals: other modules use the graph's methods
 * (`vertexLabel(v)`, `vertexProperties(v)` ...) and treat it as an opaque handle.
 */
export class Vertex {
  /** One interned label, or several (Neptune's `~label` with `;`). */
  label: string | string[];
  /** Properties in insertion order, null when there are none. */
  props: VertexProperty[] | null = null;
  /**
   * Incident edges (out and in together, in insertion order): null, one edge, or an array. Most
   * identity-graph vertices have one or two edges, and an array costs ~90 bytes more than a
   * direct reference; a self-loop is held once.
   */
  adj: Edge | Edge[] | null = null;
  /** True once removed from the graph (stale handles and the lazy label index check it). */
  removed = false;
  constructor(
    readonly id: ElementId,
    label: string | string[],
  ) {
    this.label = label;
  }
  hashKey(): string {
    return 'V' + typeof this.id + ':' + String(this.id);
  }
  /** Outgoing edges (a fresh array; the engine iterates `adj` directly). */
  get outE(): Edge[] | null {
    const out = incident(this).filter((e) => e.outV === this);
    return out.length > 0 ? out : null;
  }
  /** Incoming edges (a fresh array). */
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

/** The incident edges of a vertex as an array (a copy when it holds one edge). */
export function incident(v: Vertex): readonly Edge[] {
  const adj = v.adj;
  if (adj === null) return EMPTY_EDGES;
  return adj instanceof Edge ? [adj] : adj;
}

const EMPTY_EDGES: readonly Edge[] = Object.freeze([]);

function attach(v: Vertex, e: Edge): void {
  const adj = v.adj;
  if (adj === null) v.adj = e;
  else if (adj instanceof Edge) v.adj = [adj, e];
  else if (adj.length < 16) {
    // Exact-size copies while small: push() would grow the backing store to 16+ slots at once.
    const next = new Array<Edge>(adj.length + 1);
    for (let i = 0; i < adj.length; i++) next[i] = adj[i]!;
    next[adj.length] = e;
    v.adj = next;
  } else adj.push(e);
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

function detach(v: Vertex, e: Edge): void {
  const adj = v.adj;
  if (adj === null) return;
  if (adj instanceof Edge) {
    if (adj === e) v.adj = null;
    return;
  }
  const i = adj.indexOf(e);
  if (i < 0) return;
  if (adj.length === 2) v.adj = adj[1 - i]!;
  else adj.splice(i, 1);
}

/** An edge: id, one label, its two vertices and single-cardinality properties as `[key, value, ...]`. */
export class Edge {
  /** Properties as a flat `[key, value, key, value ...]` array, null when there are none. */
  props: unknown[] | null = null;
  removed = false;
  constructor(
    readonly id: ElementId,
    readonly label: string,
    readonly outV: Vertex,
    readonly inV: Vertex,
  ) {}
  hashKey(): string {
    return 'E' + typeof this.id + ':' + String(this.id);
  }
  compareTo(other: unknown): number {
    return compareIds(this.id, (other as Edge).id);
  }
  get orderRank(): number {
    return 6;
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

/** An append-only list of elements with lazy removal (removed elements are skipped, then compacted). */
class ElementList<T extends { removed: boolean }> {
  items: T[] = [];
  dead = 0;
  add(item: T): void {
    this.items.push(item);
  }
  markRemoved(): void {
    this.dead++;
    if (this.dead > 1024 && this.dead * 2 > this.items.length) {
      this.items = this.items.filter((x) => !x.removed);
      this.dead = 0;
    }
  }
  get size(): number {
    return this.items.length - this.dead;
  }
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
  private readonly vertexById = new ElementTable<Vertex>();
  private readonly edgeById = new ElementTable<Edge>();
  /**
   * Label indexes, built on the first label lookup and maintained from then on: a bulk load of
   * millions of elements does not pay for them (nor for their memory) until a query asks.
   */
  private verticesByLabel: Map<string, ElementList<Vertex>> | null = null;
  private edgesByLabel: Map<string, ElementList<Edge>> | null = null;
  private readonly interned = new Map<string, string>();
  /** key → (value → vertices having that value under that key); built lazily per key. */
  private readonly vertexValueIndex = new Map<string, Map<string | number | boolean, Vertex[]>>();
  private lastInterned: string | undefined;
  private lastLabelIndex: Map<string, ElementList<never>> | undefined;
  private lastLabel: string | undefined;
  private lastLabelList: ElementList<never> | undefined;
  private nextNumericId = 0;
  private nextPropertyId = 0;
  /** Bumped on every mutation, so cached views (e.g. an iteration in progress) can notice. */
  version = 0;

  constructor(options: PropertyGraphOptions = {}) {
    this.defaultCardinality = options.defaultCardinality ?? 'set';
    this.idGenerator = options.idGenerator ?? 'uuid';
  }

  get vertexCount(): number {
    return this.vertexById.size;
  }

  get edgeCount(): number {
    return this.edgeById.size;
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

  /** Generates an element id the graph does not hold yet. */
  generateId(): ElementId {
    if (this.idGenerator === 'uuid') return crypto.randomUUID();
    let id = this.nextNumericId++;
    while (this.vertexById.has(id) || this.edgeById.has(id)) id = this.nextNumericId++;
    return id;
  }

  /** Property ids are numbers in both modes: a small integer costs no memory, a UUID string ~60 bytes. */
  private generatePropertyId(): ElementId {
    if (this.idGenerator === 'uuid') return this.nextPropertyId++;
    let id = this.nextPropertyId++;
    while (this.vertexById.has(id) || this.edgeById.has(id)) id = this.nextPropertyId++;
    return id;
  }

  /** Adds a vertex; throws InvalidInputError when the id is taken. Labels given as an array are all kept. */
  addVertex(id: ElementId | undefined, label: string | string[]): Vertex {
    const vertexId = id ?? this.generateId();
    let vertex: Vertex;
    let labels: string[] | undefined;
    if (typeof label === 'string' || label.length === 1) {
      vertex = new Vertex(vertexId, this.intern(typeof label === 'string' ? label : label[0]!));
    } else {
      labels = [...new Set(label.map((l) => this.intern(l)))];
      if (labels.length === 0) labels.push(this.intern('vertex'));
      vertex = new Vertex(vertexId, labels.length === 1 ? labels[0]! : labels);
    }
    // One probe sequence checks the id and inserts (a has() then set() would hash the id twice).
    if (!this.vertexById.add(vertex)) {
      throw new InvalidInputError(kitMessage(BACKEND, `addVertex: a vertex with id ${JSON.stringify(vertexId)} already exists`));
    }
    if (this.verticesByLabel) {
      if (labels === undefined) this.labelList(this.verticesByLabel, vertex.label as string).add(vertex);
      else for (const l of labels) this.labelList(this.verticesByLabel, l).add(vertex);
    }
    if (typeof vertexId === 'number' && vertexId >= this.nextNumericId) this.nextNumericId = Math.floor(vertexId) + 1;
    this.version++;
    return vertex;
  }

  /** Adds an edge between two vertices of this graph; throws InvalidInputError when the id is taken. */
  addEdge(id: ElementId | undefined, label: string, outV: Vertex, inV: Vertex): Edge {
    const edgeId = id ?? this.generateId();
    if (outV.removed || inV.removed) {
      if (this.edgeById.has(edgeId)) {
        throw new InvalidInputError(kitMessage(BACKEND, `addEdge: an edge with id ${JSON.stringify(edgeId)} already exists`));
      }
      throw new NotFoundError(kitMessage(BACKEND, `addEdge: vertex ${JSON.stringify((outV.removed ? outV : inV).id)} was removed`));
    }
    const edge = new Edge(edgeId, this.intern(label), outV, inV);
    if (!this.edgeById.add(edge)) {
      throw new InvalidInputError(kitMessage(BACKEND, `addEdge: an edge with id ${JSON.stringify(edgeId)} already exists`));
    }
    attach(outV, edge);
    if (inV !== outV) attach(inV, edge);
    if (this.edgesByLabel) this.labelList(this.edgesByLabel, edge.label).add(edge);
    if (typeof edgeId === 'number' && edgeId >= this.nextNumericId) this.nextNumericId = Math.floor(edgeId) + 1;
    this.version++;
    return edge;
  }

  getVertex(id: ElementId): Vertex | undefined {
    return this.vertexById.get(id);
  }

  getEdge(id: ElementId): Edge | undefined {
    return this.edgeById.get(id);
  }

  /** Adds a label to a vertex (a no-op when it has it already). */
  addVertexLabel(v: Vertex, label: string): void {
    const l = this.intern(label);
    const labels = typeof v.label === 'string' ? [v.label] : v.label;
    if (labels.includes(l)) return;
    v.label = [...labels, l];
    if (this.verticesByLabel) this.labelList(this.verticesByLabel, l).add(v);
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
    const property = new VertexProperty(k, value, propertyId ?? this.generatePropertyId(), metaMap && metaMap.size > 0 ? metaMap : null, v);
    appendProperty(v, property);
    this.indexValue(v, k, value);
    this.version++;
    return property;
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
    if (value === null || value === undefined) {
      throw new InvalidInputError(kitMessage(BACKEND, `property: the value of "${key}" must not be null`));
    }
    const k = this.intern(key);
    const props = e.props;
    if (props === null) {
      // An exact-size array: `[]` then push() would reserve 16+ slots for one key and value.
      e.props = [k, value];
      this.version++;
      return;
    }
    for (let i = 0; i < props.length; i += 2) {
      if (props[i] === k) {
        props[i + 1] = value;
        this.version++;
        return;
      }
    }
    if (props.length < 16) {
      const next = new Array<unknown>(props.length + 2);
      for (let i = 0; i < props.length; i++) next[i] = props[i];
      next[props.length] = k;
      next[props.length + 1] = value;
      e.props = next;
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
    const props = e.props;
    if (!props) return undefined;
    for (let i = 0; i < props.length; i += 2) if (props[i] === key) return props[i + 1];
    return undefined;
  }

  /** Removes a vertex and all its edges. */
  removeVertex(v: Vertex): void {
    if (v.removed) return;
    for (const e of [...incident(v)]) this.removeEdge(e);
    const props = v.props;
    v.props = null;
    if (props) for (const p of props) this.unindexValue(v, p.key, p.value);
    v.removed = true;
    this.vertexById.delete(v.id);
    for (const l of typeof v.label === 'string' ? [v.label] : v.label) this.verticesByLabel?.get(l)?.markRemoved();
    this.version++;
  }

  /** Removes an edge. */
  removeEdge(e: Edge): void {
    if (e.removed) return;
    e.removed = true;
    this.edgeById.delete(e.id);
    detach(e.outV, e);
    if (e.inV !== e.outV) detach(e.inV, e);
    this.edgesByLabel?.get(e.label)?.markRemoved();
    this.version++;
  }

  /** All vertices in insertion order. */
  vertices(): IterableIterator<Vertex> {
    return this.vertexById.values();
  }

  /** All edges in insertion order. */
  edges(): IterableIterator<Edge> {
    return this.edgeById.values();
  }

  /** Vertices having a label (index lookup). */
  *verticesWithLabel(label: string): Generator<Vertex> {
    const list = this.vertexLabelIndex().get(label);
    if (!list) return;
    const items = list.items;
    for (let i = 0; i < items.length; i++) if (!items[i]!.removed) yield items[i]!;
  }

  /** Number of vertices having a label. */
  countVerticesWithLabel(label: string): number {
    return this.vertexLabelIndex().get(label)?.size ?? 0;
  }

  /** Edges having a label (index lookup). */
  *edgesWithLabel(label: string): Generator<Edge> {
    const list = this.edgeLabelIndex().get(label);
    if (!list) return;
    const items = list.items;
    for (let i = 0; i < items.length; i++) if (!items[i]!.removed) yield items[i]!;
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
    return typeof v.label === 'string' ? v.label : v.label.join('::');
  }

  /** All labels of a vertex. */
  vertexLabels(v: Vertex): readonly string[] {
    return typeof v.label === 'string' ? [v.label] : v.label;
  }

  /** True when the vertex has this label among its labels. */
  vertexHasLabel(v: Vertex, label: string): boolean {
    return typeof v.label === 'string' ? v.label === label : v.label.includes(label);
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
    for (const v of this.vertexById.values()) v.removed = true;
    for (const e of this.edgeById.values()) e.removed = true;
    this.vertexById.clear();
    this.edgeById.clear();
    this.verticesByLabel = null;
    this.edgesByLabel = null;
    this.vertexValueIndex.clear();
    this.lastLabel = undefined;
    this.lastLabelList = undefined;
    this.lastLabelIndex = undefined;
    this.version++;
  }

  private vertexLabelIndex(): Map<string, ElementList<Vertex>> {
    if (this.verticesByLabel) return this.verticesByLabel;
    const index = new Map<string, ElementList<Vertex>>();
    for (const v of this.vertexById.values()) {
      if (typeof v.label === 'string') this.labelList(index, v.label).add(v);
      else for (const l of v.label) this.labelList(index, l).add(v);
    }
    this.verticesByLabel = index;
    return index;
  }

  private edgeLabelIndex(): Map<string, ElementList<Edge>> {
    if (this.edgesByLabel) return this.edgesByLabel;
    const index = new Map<string, ElementList<Edge>>();
    for (const e of this.edgeById.values()) this.labelList(index, e.label).add(e);
    this.edgesByLabel = index;
    return index;
  }

  private labelList<T extends { removed: boolean }>(index: Map<string, ElementList<T>>, label: string): ElementList<T> {
    if (label === this.lastLabel && index === (this.lastLabelIndex as unknown)) return this.lastLabelList as unknown as ElementList<T>;
    let list = index.get(label);
    if (!list) {
      list = new ElementList<T>();
      index.set(label, list);
    }
    this.lastLabel = label;
    this.lastLabelIndex = index as unknown as Map<string, ElementList<never>>;
    this.lastLabelList = list as unknown as ElementList<never>;
    return list;
  }

  private buildValueIndex(key: string): Map<string | number | boolean, Vertex[]> {
    const index = new Map<string | number | boolean, Vertex[]>();
    for (const v of this.vertexById.values()) {
      const props = v.props;
      if (!props) continue;
      for (const p of props) {
        if (p.key !== key || !isIndexable(p.value)) continue;
        const bucket = index.get(p.value);
        if (!bucket) index.set(p.value, [v]);
        else if (bucket[bucket.length - 1] !== v) bucket.push(v);
      }
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

function removeFrom<T>(list: T[] | null, item: T): void {
  if (!list) return;
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
}

function entriesOf(meta: Record<string, unknown> | Map<string, unknown>): Iterable<[string, unknown]> {
  return meta instanceof Map ? meta.entries() : Object.entries(meta);
}
