/**
 * Reads TinkerPop's toy graphs in GraphSON 3.0 "adjacency list" form — one vertex per line with its
 * properties and its `outE`/`inE` edges (https://tinkerpop.apache.org/docs/3.7.3/dev/io/#graphson) —
 * into a PropertyGraph, through the store's public methods only.
 */
import { InvalidInputError, kitMessage } from '../../src/errors.js';
import type { Cardinality, ElementId, PropertyGraph } from '../../src/engine/property-graph.js';
// Typed values decode exactly as the Gremlin server reads them off the wire.
import { readGraphSon } from '../../src/engine/server/graphson-messages.js';

interface GraphSonEdge {
  id: unknown;
  inV?: unknown;
  outV?: unknown;
  properties?: Record<string, unknown>;
}

interface GraphSonVertex {
  id: unknown;
  label?: string;
  outE?: Record<string, GraphSonEdge[]>;
  inE?: Record<string, GraphSonEdge[]>;
  properties?: Record<string, Array<{ id: unknown; value: unknown; properties?: Record<string, unknown> }>>;
}

/** One decoded toy graph, kept so that every scenario can get a fresh copy cheaply. */
export interface ToyGraphData {
  vertices: Array<{
    id: ElementId;
    label: string;
    properties: Array<{ key: string; value: unknown; id?: ElementId; meta?: Record<string, unknown> }>;
  }>;
  edges: Array<{ id: ElementId; label: string; outV: ElementId; inV: ElementId; properties: Array<[string, unknown]> }>;
}

/** Parses the lines of a GraphSON adjacency-list file; `file` names it in errors. */
export function parseToyGraph(text: string, file: string): ToyGraphData {
  const data: ToyGraphData = { vertices: [], edges: [] };
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    let vertex: GraphSonVertex;
    try {
      vertex = JSON.parse(line) as GraphSonVertex;
    } catch (error) {
      throw new InvalidInputError(kitMessage('graphson', `${file}:${i + 1}: not JSON`), { cause: error });
    }
    const id = decodeId(vertex.id, file, i + 1, 'id');
    const properties: ToyGraphData['vertices'][number]['properties'] = [];
    for (const [key, values] of Object.entries(vertex.properties ?? {})) {
      for (const property of values) {
        const meta = property.properties
          ? Object.fromEntries(Object.entries(property.properties).map(([k, v]) => [k, readGraphSon(v)]))
          : undefined;
        const propertyId = readGraphSon(property.id);
        properties.push({
          key,
          value: readGraphSon(property.value),
          ...(typeof propertyId === 'number' || typeof propertyId === 'string' ? { id: propertyId } : {}),
          ...(meta ? { meta } : {}),
        });
      }
    }
    data.vertices.push({ id, label: vertex.label ?? 'vertex', properties });
    // Each edge is listed by both its vertices; take it from its out-vertex only.
    for (const [label, edges] of Object.entries(vertex.outE ?? {})) {
      for (const edge of edges) {
        data.edges.push({
          id: decodeId(edge.id, file, i + 1, 'outE.id'),
          label,
          outV: id,
          inV: decodeId(edge.inV, file, i + 1, 'outE.inV'),
          properties: Object.entries(edge.properties ?? {}).map(([k, v]) => [k, readGraphSon(v)]),
        });
      }
    }
  }
  return data;
}

function decodeId(value: unknown, file: string, line: number, field: string): ElementId {
  const id = readGraphSon(value);
  if (typeof id !== 'number' && typeof id !== 'string') {
    throw new InvalidInputError(kitMessage('graphson', `${file}:${line}: field ${field} is not a number or string id`));
  }
  return id;
}

/** Fills `graph` with a decoded toy graph (vertex properties with list cardinality, as TinkerGraph). */
export function fillToyGraph(graph: PropertyGraph, data: ToyGraphData, cardinality: Cardinality = 'list'): void {
  for (const vertex of data.vertices) {
    const v = graph.addVertex(vertex.id, vertex.label);
    for (const property of vertex.properties) {
      // TinkerGraph's own vertex property ids, which some scenarios order or select by.
      graph.setVertexProperty(v, property.key, property.value, cardinality, property.meta, property.id);
    }
  }
  for (const edge of data.edges) {
    const outV = graph.getVertex(edge.outV);
    const inV = graph.getVertex(edge.inV);
    if (!outV || !inV) {
      throw new InvalidInputError(kitMessage('graphson', `edge ${edge.id} refers to a missing vertex ${outV ? edge.inV : edge.outV}`));
    }
    const e = graph.addEdge(edge.id, edge.label, outV, inV);
    for (const [key, value] of edge.properties) graph.setEdgeProperty(e, key, value);
  }
}
