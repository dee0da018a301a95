import type { Neighbourhood } from '../notebook/neighbourhood-picture.js';
import { __, T, toRecord, type GraphSource } from './graph-source.js';
import { requireVertex } from './user-identifiers.js';

export interface NeighbourhoodOptions {
  /** Edges fetched at most (default 120): a picture, not a dump. */
  maxEdges?: number;
}

/**
 * A vertex's neighbourhood for a picture: every edge of the vertex, plus the outgoing edges of its
 * neighbours (a user's sessions lead to their IPs, devices and cookies; an email to its purchases),
 * but not the incoming edges of neighbours, which would pull in every other user of a city or a
 * loyalty level.
 */
export async function fetchNeighbourhood(g: GraphSource, id: string, options: NeighbourhoodOptions = {}): Promise<Neighbourhood> {
  const centreLabel = await requireVertex(g, id);
  const rows = await g
    .V(id)
    .union(__.bothE(), __.both().dedup().outE())
    .dedup()
    .limit(options.maxEdges ?? 120)
    .project('label', 'from', 'to', 'fromLabel', 'toLabel')
    .by(T.label)
    .by(__.outV().id())
    .by(__.inV().id())
    .by(__.outV().label())
    .by(__.inV().label())
    .toList();
  const vertices = new Map<string, string>([[id, centreLabel]]);
  const edges: Neighbourhood['edges'] = [];
  for (const row of rows) {
    const r = toRecord(row) as Record<'label' | 'from' | 'to' | 'fromLabel' | 'toLabel', string>;
    vertices.set(r.from, r.fromLabel);
    vertices.set(r.to, r.toLabel);
    edges.push({ label: r.label, from: r.from, to: r.to });
  }
  return {
    centre: id,
    vertices: [...vertices].map(([vertexId, label]) => ({ id: vertexId, label })),
    edges,
  };
}
