/**
 * Traversal strategies the embedded engine honours
 * (https://tinkerpop.apache.org/docs/3.7.3/reference/#traversalstrategy): ReadOnlyStrategy
 * (checked by the executor), ProductiveByStrategy (by `makeBy`), and the two that restrict what
 * a traversal sees — SubgraphStrategy (vertex, edge and vertex-property filters) and
 * PartitionStrategy (a partition key read on every element, written on every new one). Instead of
 * rewriting bytecode, they become element filters that the graph steps consult.
 */
import type { Compiler, ExecutionContext, Instruction, StepCompiler } from './compiler.js';
import { isTraversalArg } from './compiler.js';
import { Edge, Vertex, VertexProperty } from './property-graph.js';
import { hasResult } from './step-helpers.js';
import { Traverser } from './traverser.js';

/** Element filters of SubgraphStrategy / PartitionStrategy, consulted by V(), E(), vertex steps and properties(). */
export interface ElementFilters {
  vertex?: (v: Vertex) => boolean;
  edge?: (e: Edge) => boolean;
  vertexProperty?: (p: VertexProperty) => boolean;
  /** PartitionStrategy: the key and value written on new elements. */
  partition?: { key: string; write: string; includeMetaProperties: boolean };
}

const filtersByContext = new WeakMap<ExecutionContext, ElementFilters>();

/** The filters of a context (undefined when no strategy restricts the graph). */
export function elementFilters(ctx: ExecutionContext): ElementFilters | undefined {
  return filtersByContext.get(ctx);
}

function configValue(config: Map<string, unknown>, key: string): unknown {
  return config.get(key);
}

/** Builds the element filters from the context's strategies; `compileChild` compiles filter traversals outside the strategy. */
export function installStrategies(ctx: ExecutionContext, compileChild: (arg: unknown) => { runFrom(t: Traverser): Iterable<Traverser> }): void {
  const filters: ElementFilters = {};
  const vertexTests: ((v: Vertex) => boolean)[] = [];
  const edgeTests: ((e: Edge) => boolean)[] = [];
  const propertyTests: ((p: VertexProperty) => boolean)[] = [];
  const test = (arg: unknown): ((x: unknown) => boolean) => {
    const p = compileChild(arg);
    return (x) => hasResult(p as never, new Traverser(x, 1, { obj: x, labels: [], prev: null }, null, undefined));
  };
  for (const s of ctx.strategies) {
    if (s.name === 'SubgraphStrategy') {
      const vertices = configValue(s.config, 'vertices');
      const edges = configValue(s.config, 'edges');
      const vertexProperties = configValue(s.config, 'vertexProperties');
      const checkAdjacent = configValue(s.config, 'checkAdjacentVertices') !== false;
      const vertexOk = isTraversalArg(vertices) ? test(vertices) : undefined;
      if (vertexOk) vertexTests.push(vertexOk);
      const edgeOk = isTraversalArg(edges) ? test(edges) : undefined;
      if (edgeOk || (vertexOk && checkAdjacent)) {
        edgeTests.push((e) => (!edgeOk || edgeOk(e)) && (!checkAdjacent || !vertexOk || (vertexOk(e.outV) && vertexOk(e.inV))));
      }
      if (isTraversalArg(vertexProperties)) propertyTests.push(test(vertexProperties));
    } else if (s.name === 'PartitionStrategy') {
      const key = String(configValue(s.config, 'partitionKey'));
      const write = String(configValue(s.config, 'writePartition'));
      const readRaw = configValue(s.config, 'readPartitions');
      const read = new Set((Array.isArray(readRaw) ? readRaw : readRaw instanceof Set ? [...readRaw] : [readRaw]).map(String));
      const includeMetaProperties = configValue(s.config, 'includeMetaProperties') === true;
      const inPartition = (x: Vertex | Edge | VertexProperty): boolean => {
        if (x instanceof Vertex) return (x.props ?? []).some((p) => p.key === key && read.has(String(p.value)));
        if (x instanceof Edge) {
          const props = x.props ?? [];
          for (let i = 0; i < props.length; i += 2) if (props[i] === key) return read.has(String(props[i + 1]));
          return false;
        }
        return x.meta?.has(key) ? read.has(String(x.meta.get(key))) : false;
      };
      vertexTests.push(inPartition);
      edgeTests.push(inPartition);
      // The partition key itself is hidden from properties(); with meta-properties, so are other partitions' values.
      propertyTests.push((p) => p.key !== key && (!includeMetaProperties || inPartition(p)));
      filters.partition = { key, write, includeMetaProperties };
    }
  }
  if (vertexTests.length > 0) filters.vertex = (v) => vertexTests.every((t) => t(v));
  if (edgeTests.length > 0) filters.edge = (e) => edgeTests.every((t) => t(e));
  if (propertyTests.length > 0) filters.vertexProperty = (p) => propertyTests.every((t) => t(p));
  if (filters.vertex || filters.edge || filters.vertexProperty || filters.partition) filtersByContext.set(ctx, filters);
}

/** Rewrites the instructions for the strategies in the context (none need it yet). */
export function applyStrategies(ctx: ExecutionContext, instructions: readonly Instruction[]): readonly Instruction[] {
  void ctx;
  return instructions;
}

/** A vertex's properties as the strategies let the traversal see them. */
export function visibleProperties(c: Compiler, v: Vertex): readonly VertexProperty[] {
  const props = v.props;
  if (!props) return EMPTY;
  const f = filtersByContext.get(c.ctx)?.vertexProperty;
  return f ? props.filter(f) : props;
}

const EMPTY: readonly VertexProperty[] = Object.freeze([]);

/** Steps that only strategies introduce. */
export const strategySteps: Record<string, StepCompiler> = {};
