import { GRAPH_MODEL, listSingleValuedEdges } from '../etl/graph-model.js';
import { __, P, T, toCounts, type GraphSource } from './graph-source.js';

export interface GraphCounts {
  vertices: Record<string, number>;
  edges: Record<string, number>;
  totalVertices: number;
  totalEdges: number;
}

function sum(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/** Vertices and edges per label (groupCount by label), with totals. */
export async function countByLabel(g: GraphSource): Promise<GraphCounts> {
  const vertices = toCounts((await g.V().groupCount().by(T.label).next()).value);
  const edges = toCounts((await g.E().groupCount().by(T.label).next()).value);
  return { vertices, edges, totalVertices: sum(vertices), totalEdges: sum(edges) };
}

export interface DuplicateCounts {
  /** Vertices beyond the first that share an id. */
  vertices: number;
  /**
   * Edges beyond the first that join the same two vertices with the same label (and, for
   * purchases, the same purchase id): what a re-load that appended instead of updating leaves.
   */
  edges: number;
  /**
   * Per single-valued edge label (a user's loyalty level, phone, address): vertices with more
   * than one such edge — an old value that a later batch should have replaced.
   */
  singleValued: Record<string, number>;
}

/**
 * Duplicates a load could have left: a re-load or an incremental load must update vertices and
 * edges in place (stable ids), and a new single-valued fact must replace the old one, so every
 * figure should be 0.
 */
export async function countDuplicates(g: GraphSource): Promise<DuplicateCounts> {
  const count = async (t: { count(): { next(): Promise<{ value: unknown }> } }) => Number((await t.count().next()).value);
  const vertices = await count(g.V());
  const distinctVertices = await count(g.V().id().dedup());
  const edges = await count(g.E());
  const distinctEdges = await count(
    g
      .E()
      .project('label', 'from', 'to', 'purchase')
      .by(T.label)
      .by(__.outV().id())
      .by(__.inV().id())
      .by(__.coalesce(__.values('purchase_id'), __.constant('')))
      .dedup(),
  );
  const singleValued: Record<string, number> = {};
  for (const { label, fromLabel } of listSingleValuedEdges(GRAPH_MODEL)) {
    singleValued[label] = await count(g.V().hasLabel(fromLabel).where(__.outE(label).limit(2).count().is(P.gt(1))));
  }
  return { vertices: vertices - distinctVertices, edges: edges - distinctEdges, singleValued };
}
