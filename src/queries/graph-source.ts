/**
 * The driver API the queries are written against: `gremlin` 3.7 traversals (bytecode, no lambdas),
 * so each query runs unchanged on Neptune (DriverRemoteConnection) and on the embedded engine
 * (LocalConnection). https://tinkerpop.apache.org/docs/3.7.3/reference/#gremlin-javascript
 */
import gremlin from 'gremlin';
import { GRAPH_MODEL } from '../etl/graph-model.js';

export type GraphSource = gremlin.process.GraphTraversalSource;

export const __ = gremlin.process.statics;
export const { t: T, P, order: Order, scope: Scope, column: Column } = gremlin.process;

/** Driver results are Maps (project, groupCount, valueMap); plain objects read better in notebooks. */
export function toRecord(value: unknown): Record<string, unknown> {
  if (value instanceof Map) return Object.fromEntries(value) as Record<string, unknown>;
  if (value && typeof value === 'object') return value as Record<string, unknown>;
  return {};
}

/** A Map<string, number> (groupCount) as a plain object with keys sorted. */
export function toCounts(value: unknown): Record<string, number> {
  const record = toRecord(value);
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((k) => [k, Number(record[k])]),
  );
}

const prefixes = new Map(GRAPH_MODEL.vertices.map((v) => [v.label, v.idPrefix]));

/**
 * The vertex id of a label and source value, as the ETL writes it (`User`, `meredith41` ->
 * `user:meredith41`): ids carry the label's prefix because Neptune ids are unique across labels.
 */
export function toVertexId(label: string, value: string): string {
  const prefix = prefixes.get(label);
  if (prefix === undefined) throw new Error(`unknown vertex label "${label}"`);
  return `${prefix}:${value}`;
}

/** The source value of a vertex id (`user:meredith41` -> `meredith41`). */
export function fromVertexId(id: string): string {
  const colon = id.indexOf(':');
  return colon >= 0 ? id.slice(colon + 1) : id;
}
