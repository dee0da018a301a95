// TinkerPop's "modern" toy graph (https://tinkerpop.apache.org/docs/3.7.3/reference/#intro), built
// through the store API, and a driver traversal source bound to it through LocalConnection.
import gremlin from 'gremlin';
import { LocalConnection, PropertyGraph } from '../src/engine/index.js';
import type { Cardinality, Vertex } from '../src/engine/index.js';

export function buildModernGraph(defaultCardinality: Cardinality = 'list'): PropertyGraph {
  const g = new PropertyGraph({ defaultCardinality, idGenerator: 'number' });
  const add = (id: number, label: string, props: Record<string, unknown>): Vertex => {
    const v = g.addVertex(id, label);
    for (const [k, x] of Object.entries(props)) g.setVertexProperty(v, k, x);
    return v;
  };
  const marko = add(1, 'person', { name: 'marko', age: 29 });
  const vadas = add(2, 'person', { name: 'vadas', age: 27 });
  const lop = add(3, 'software', { name: 'lop', lang: 'java' });
  const josh = add(4, 'person', { name: 'josh', age: 32 });
  const ripple = add(5, 'software', { name: 'ripple', lang: 'java' });
  const peter = add(6, 'person', { name: 'peter', age: 35 });
  const e = (id: number, l: string, a: Vertex, b: Vertex, w: number): void => g.setEdgeProperty(g.addEdge(id, l, a, b), 'weight', w);
  e(7, 'knows', marko, vadas, 0.5);
  e(8, 'knows', marko, josh, 1.0);
  e(9, 'created', marko, lop, 0.4);
  e(10, 'created', josh, ripple, 1.0);
  e(11, 'created', josh, lop, 0.4);
  e(12, 'created', peter, lop, 0.2);
  return g;
}

export function modernSource(graph = buildModernGraph()): gremlin.process.GraphTraversalSource {
  return gremlin.process.AnonymousTraversalSource.traversal().withRemote(new LocalConnection(graph));
}

export const __ = gremlin.process.statics;
export const { P, TextP, t, order, column, scope, pop, cardinality, merge, direction, operator, withOptions } = gremlin.process;
