/**
 * Converts engine results to the `gremlin` driver's structure values — what a
 * `DriverRemoteConnection` would deserialize from Gremlin Server: `structure.Vertex`, `Edge`,
 * `VertexProperty`, `Property`, `Path`, `Map`, arrays, numbers ... so code written against Neptune
 * reads local results unchanged.
 */
import gremlin from 'gremlin';
import { Edge, Vertex, VertexProperty } from './property-graph.js';
import type { PropertyGraph } from './property-graph.js';
import { EnginePath, MapEntry, PropertyRef } from './traverser.js';

const { structure } = gremlin;
// @types/gremlin types element ids as numbers; Neptune's are strings, so the ids pass as `never`.
const asId = (id: unknown): never => id as never;

/** Converts one engine value (recursively) to a driver value. */
export function toDriverValue(value: unknown, graph?: PropertyGraph): unknown {
  if (value === null || value === undefined || typeof value !== 'object') return value;
  if (value instanceof Vertex) return new structure.Vertex(asId(value.id), vertexLabel(value, graph), undefined);
  if (value instanceof Edge) {
    return new structure.Edge(
      asId(value.id),
      new structure.Vertex(asId(value.outV.id), vertexLabel(value.outV, graph), undefined),
      value.label,
      new structure.Vertex(asId(value.inV.id), vertexLabel(value.inV, graph), undefined),
      undefined,
    );
  }
  if (value instanceof VertexProperty) return new structure.VertexProperty(asId(value.id), value.key, toDriverValue(value.value, graph), undefined);
  if (value instanceof PropertyRef) return new structure.Property(value.key, toDriverValue(value.value, graph));
  if (value instanceof EnginePath) {
    return new structure.Path(
      value.labels.map((l) => [...l]) as never,
      value.objects.map((o) => toDriverValue(o, graph)),
    );
  }
  if (value instanceof MapEntry) return new Map([[toDriverValue(value.key, graph), toDriverValue(value.value, graph)]]);
  if (value instanceof Map) {
    const out = new Map<unknown, unknown>();
    for (const [k, v] of value) out.set(toDriverValue(k, graph), toDriverValue(v, graph));
    return out;
  }
  if (value instanceof Set) return new Set([...value].map((v) => toDriverValue(v, graph)));
  if (Array.isArray(value)) return value.map((v) => toDriverValue(v, graph));
  return value;
}

function vertexLabel(v: Vertex, graph: PropertyGraph | undefined): string {
  if (graph) return graph.vertexLabel(v);
  return typeof v.label === 'string' ? v.label : v.label.join('::');
}
