/**
 * Start and graph steps: `V()`, `E()` (with an index-backed fast path for a following
 * `hasLabel()`/`has()`), `inject()`, and the vertex steps `out/in/both(E)`, `outV/inV/bothV/otherV`
 * (https://tinkerpop.apache.org/docs/3.7.3/reference/#vertex-steps).
 */
import gremlin from 'gremlin';
import type { Compiler, Instruction, Modulators, Stage, StepCompiler } from './compiler.js';
import { PAUSE, ROOT, checkDeadline, passesPause, stepError } from './compiler.js';
import { indexableValues, isPredicate } from './predicates.js';
import type { ElementId, PropertyGraph } from './property-graph.js';
import { Edge, Vertex, adjacent } from './property-graph.js';
import { enumName, isEnum } from './step-helpers.js';
import { Traverser } from './traverser.js';
import { elementFilters } from './strategies.js';

/** Ids given to `V()`/`E()`/`hasId()`: flattened; driver elements stand for their ids. */
export function flattenIds(args: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const a of args) {
    if (Array.isArray(a)) out.push(...flattenIds(a));
    else if (a !== null && typeof a === 'object' && 'id' in a && !(a instanceof Date)) out.push((a as { id: unknown }).id);
    else out.push(a);
  }
  return out;
}

/** Looks an element up by id; a numeric string and a number name the same id (toy graphs vs text). */
function lookupById<T>(get: (id: ElementId) => T | undefined, id: unknown): T | undefined {
  if (typeof id !== 'string' && typeof id !== 'number') return undefined;
  const found = get(id);
  if (found || id === '') return found;
  if (typeof id === 'number') return get(String(id));
  const n = Number(id);
  return Number.isFinite(n) ? get(n) : undefined;
}

export function lookupVertex(graph: PropertyGraph, id: unknown): Vertex | undefined {
  return lookupById((x) => graph.getVertex(x), id);
}

export function lookupEdge(graph: PropertyGraph, id: unknown): Edge | undefined {
  return lookupById((x) => graph.getEdge(x), id);
}

/** Ids compare equal across number/string spellings (`g.V('1')` finds vertex 1 of a toy graph). */
export function idsEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if ((typeof a === 'number' && typeof b === 'string') || (typeof a === 'string' && typeof b === 'number')) return String(a) === String(b);
  return false;
}

/** Picks an index for `V()` from the `has`/`hasLabel`/`hasId` steps right after it. */
function indexedVertices(graph: PropertyGraph, next: readonly Instruction[]): (() => Iterable<Vertex>) | undefined {
  let byLabel: string[] | undefined;
  for (const ins of next) {
    const name = ins[0];
    const args = ins.slice(1);
    if (name === 'hasLabel') {
      if (!byLabel && args.every((a) => typeof a === 'string')) byLabel = args as string[];
      continue;
    }
    if (name === 'hasId') {
      const ids = flattenIds(args);
      if (ids.length > 0 && !ids.some(isPredicate)) return () => ids.map((id) => lookupVertex(graph, id)).filter((v): v is Vertex => v !== undefined);
      continue;
    }
    if (name !== 'has') break;
    if (args.length < 2) continue;
    const key = args[args.length - 2];
    const value = args[args.length - 1];
    if (args.length === 3 && typeof args[0] === 'string' && !byLabel) byLabel = [args[0]];
    if (isEnum(key, 'T', 'id')) {
      const ids = isPredicate(value) ? indexableValues(value) : [value];
      if (ids) return () => flattenIds(ids).map((id) => lookupVertex(graph, id)).filter((v): v is Vertex => v !== undefined);
      continue;
    }
    if (typeof key !== 'string') continue;
    const values = isPredicate(value) ? indexableValues(value) : [value];
    if (!values) continue;
    const lists = values.map((v) => graph.verticesWithValue(key, v));
    if (lists.some((l) => l === undefined)) continue;
    return () => {
      if (lists.length === 1) return [...lists[0]!];
      const seen = new Set<Vertex>();
      for (const l of lists) for (const v of l!) seen.add(v);
      return seen;
    };
  }
  if (byLabel) {
    const labels = byLabel;
    return function* () {
      if (labels.length === 1) yield* graph.verticesWithLabel(labels[0]!);
      else {
        const seen = new Set<Vertex>();
        for (const l of labels) for (const v of graph.verticesWithLabel(l)) if (!seen.has(v)) { seen.add(v); yield v; }
      }
    };
  }
  return undefined;
}

function* allVertices(graph: PropertyGraph): Generator<Vertex> {
  // Only the vertices present at the start (`g.V().addV()` must not see its own additions), less
  // those removed meanwhile: element numbers only grow, so the bound at the start marks them.
  const bound = graph.vertexNumberBound;
  for (let i = 0; i < bound; i++) if (graph.isVertexLive(i)) yield graph.vertexAt(i);
}

function* allEdges(graph: PropertyGraph): Generator<Edge> {
  const bound = graph.edgeNumberBound;
  for (let i = 0; i < bound; i++) if (graph.isEdgeLive(i)) yield graph.edgeAt(i);
}

const compileV: StepCompiler = (args, mods, c: Compiler) => {
  const graph = c.ctx.graph;
  const ctx = c.ctx;
  const ids = flattenIds(args);
  const source: () => Iterable<Vertex> =
    args.length > 0
      ? () => ids.map((id) => lookupVertex(graph, id)).filter((v): v is Vertex => v !== undefined)
      : (indexedVertices(graph, mods.following()) ?? (() => allVertices(graph)));
  const visible = elementFilters(ctx)?.vertex;
  return passesPause(function* (input) {
    for (const t of input) {
      if (t === PAUSE) {
        yield t;
        continue;
      }
      for (const v of source()) {
        if (checkDeadline(ctx)) yield PAUSE;
        if (visible && !visible(v)) continue;
        yield t.split(v, ctx.trackPath);
      }
    }
  });
};

const compileE: StepCompiler = (args, mods, c) => {
  const graph = c.ctx.graph;
  const ctx = c.ctx;
  const ids = flattenIds(args);
  const next = mods.following()[0];
  const label = next && next[0] === 'hasLabel' && next.length === 2 && typeof next[1] === 'string' ? next[1] : undefined;
  const source: () => Iterable<Edge> =
    args.length > 0
      ? () => ids.map((id) => lookupEdge(graph, id)).filter((e): e is Edge => e !== undefined)
      : label !== undefined
        ? () => graph.edgesWithLabel(label)
        : () => allEdges(graph);
  const visible = elementFilters(ctx)?.edge;
  return passesPause(function* (input) {
    for (const t of input) {
      if (t === PAUSE) {
        yield t;
        continue;
      }
      for (const e of source()) {
        if (checkDeadline(ctx)) yield PAUSE;
        if (visible && !visible(e)) continue;
        yield t.split(e, ctx.trackPath);
      }
    }
  });
};

/** Driver elements passed as values (parameters, inject(v)) stand for the graph's own elements. */
function resolveDriverElement(graph: PropertyGraph, x: unknown): unknown {
  if (x instanceof gremlin.structure.Vertex) return lookupVertex(graph, (x as unknown as { id: unknown }).id) ?? x;
  if (x instanceof gremlin.structure.Edge) return lookupEdge(graph, (x as unknown as { id: unknown }).id) ?? x;
  return x;
}

const compileInject: StepCompiler = (rawArgs, _mods, c) => {
  const ctx = c.ctx;
  const args = rawArgs.map((a) => resolveDriverElement(ctx.graph, a));
  // Mid-traversal, inject() lets the incoming traversers through first, then adds its values.
  return function* (input) {
    let sawRoot = false;
    let template: Traverser | undefined;
    for (const t of input) {
      if (t.obj === ROOT) {
        sawRoot = true;
        for (const a of args) yield t.split(a, ctx.trackPath);
        continue;
      }
      template ??= t;
      yield t;
    }
    if (sawRoot) return;
    for (const a of args) yield new Traverser(a, 1, ctx.trackPath ? { obj: a, labels: [], prev: null } : null, null, template?.sack ?? ctx.sackInit?.());
  };
};

type Direction = 'out' | 'in' | 'both';

function directionOf(x: unknown, step: string): Direction {
  const name = enumName(x);
  if (name === 'out' || name === 'from_') return 'out';
  if (name === 'in' || name === 'to') return 'in';
  if (name === 'both') return 'both';
  return stepError(step, `${String(x)} is not a Direction`);
}

function labelFilter(labels: readonly unknown[], step: string): ((l: string) => boolean) | undefined {
  const flat = labels.flat() as unknown[];
  if (flat.length === 0) return undefined;
  for (const l of flat) if (typeof l !== 'string') stepError(step, `edge labels must be strings, got ${String(l)}`);
  if (flat.length === 1) {
    const only = flat[0] as string;
    return (l) => l === only;
  }
  const set = new Set(flat as string[]);
  return (l) => set.has(l);
}

function vertexStep(dir: Direction, toEdges: boolean, step: string): StepCompiler {
  return (args, _mods, c) => {
    const accept = labelFilter(args, step);
    const ctx = c.ctx;
    const filters = elementFilters(ctx);
    const edgeOk = filters?.edge;
    const vertexOk = filters?.vertex;
    return passesPause(function* (input) {
      for (const t of input) {
        if (t === PAUSE) {
          yield t;
          continue;
        }
        const v = t.obj;
        if (!(v instanceof Vertex)) stepError(step, `expects a vertex, got ${String(v)}`);
        for (const [e, other] of adjacent(v, dir, accept)) {
          if (checkDeadline(ctx)) yield PAUSE;
          if (edgeOk && !edgeOk(e)) continue;
          if (!toEdges && vertexOk && !vertexOk(other)) continue;
          yield t.split(toEdges ? e : other, ctx.trackPath);
        }
      }
    });
  };
}

/** `to(Direction, labels...)` and `toE(Direction, labels...)`. */
function directedStep(toEdges: boolean, step: string): StepCompiler {
  return (args, mods, c) => vertexStep(directionOf(args[0], step), toEdges, step)(args.slice(1), mods, c);
}

function edgeVertexStep(which: 'out' | 'in' | 'both' | 'other', step: string): StepCompiler {
  return (_args, _mods, c) => {
    const ctx = c.ctx;
    const vertexOk = elementFilters(ctx)?.vertex ?? (() => true);
    return passesPause(function* (input) {
      for (const t of input) {
        if (t === PAUSE) {
          yield t;
          continue;
        }
        const e = t.obj;
        if (!(e instanceof Edge)) stepError(step, `expects an edge, got ${String(e)}`);
        if (which === 'out') {
          if (vertexOk(e.outV)) yield t.split(e.outV, ctx.trackPath);
        } else if (which === 'in') {
          if (vertexOk(e.inV)) yield t.split(e.inV, ctx.trackPath);
        } else if (which === 'both') {
          if (vertexOk(e.outV)) yield t.split(e.outV, ctx.trackPath);
          if (vertexOk(e.inV)) yield t.split(e.inV, ctx.trackPath);
        } else {
          // otherV: the vertex of the edge that is not the previous element of the path.
          const prev = t.path?.prev?.obj;
          const other = prev === e.outV ? e.inV : e.outV;
          if (vertexOk(other)) yield t.split(other, ctx.trackPath);
        }
      }
    });
  };
}

const compileEdgeToV: StepCompiler = (args, mods, c) => {
  const dir = directionOf(args[0], 'toV');
  return edgeVertexStep(dir, 'toV')([], mods, c);
};

export const graphSteps: Record<string, StepCompiler> = {
  V: compileV,
  E: compileE,
  inject: compileInject,
  out: vertexStep('out', false, 'out'),
  in: vertexStep('in', false, 'in'),
  both: vertexStep('both', false, 'both'),
  outE: vertexStep('out', true, 'outE'),
  inE: vertexStep('in', true, 'inE'),
  bothE: vertexStep('both', true, 'bothE'),
  outV: edgeVertexStep('out', 'outV'),
  inV: edgeVertexStep('in', 'inV'),
  bothV: edgeVertexStep('both', 'bothV'),
  otherV: edgeVertexStep('other', 'otherV'),
  toE: directedStep(true, 'toE'),
  toV: compileEdgeToV,
  toDirection: directedStep(false, 'to'),
};

/** Used by other step families to iterate adjacency. */
export { directionOf, labelFilter };
export type { Direction, ElementId, Stage };
