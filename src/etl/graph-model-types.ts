/**
 * The shape of the graph-model declaration: plain data (JSON-serialisable) so that the same
 * declaration drives the local DuckDB runner and the Glue Spark job.
 */

/**
 * Property types of Neptune's Gremlin load format that the model uses
 * (https://docs.aws.amazon.com/neptune/latest/userguide/bulk-load-tutorial-format-gremlin.html).
 * `Date` is written as ISO-8601 `yyyy-MM-dd`; a `Date` with `precision: 'second'` as
 * `yyyy-MM-ddTHH:mm:ssZ` (both forms Neptune's loader accepts).
 */
export type GraphPropertyType = 'String' | 'Long' | 'Date';

export interface GraphPropertyDecl {
  /** Property name in the graph (the header is `name:Type`). */
  name: string;
  /** Source column it is read from. */
  column: string;
  type: GraphPropertyType;
  /** For `Date`: keep the time of day, to the second. */
  precision?: 'day' | 'second';
  /**
   * Vertex properties only (edge properties are always single in Neptune): `single` writes
   * `name:Type(single)`, so that a later load with `updateSingleCardinalityProperties` replaces
   * the value (a returning customer's new address) instead of adding a second one, as the
   * default `set` cardinality would.
   */
  cardinality?: 'single' | 'set';
}

/** One table column that yields ids of a vertex label. */
export interface VertexSourceDecl {
  /** Source dataset (DESIGN §5): its catalog table is `<tablePrefix><dataset>`. */
  dataset: string;
  /** Column whose non-empty values become vertex ids (`<idPrefix>:<value>`). */
  idColumn: string;
  /** Properties read from this source. A vertex found in several sources takes its
   *  properties from the first source (in declaration order) that has it. */
  properties: GraphPropertyDecl[];
}

export interface VertexDecl {
  label: string;
  /** Prefix of every id of this label: Neptune ids are unique across labels, raw values collide. */
  idPrefix: string;
  sources: VertexSourceDecl[];
}

/** One end of an edge: the vertex whose id is `<idPrefix of label>:<column value>`. */
export interface EdgeEndpointDecl {
  label: string;
  column: string;
}

export interface EdgeDecl {
  label: string;
  dataset: string;
  /** Candidates tried in order: the first whose vertex is emitted is the endpoint (a purchase's
   *  customer_id is an Email or a CustomerID). Rows with no emitted candidate are dropped. */
  from: EdgeEndpointDecl[];
  to: EdgeEndpointDecl[];
  /**
   * Edge id: the first 96 bits of md5 of `<label>:<from id>-><to id>`, in base64 (16 characters;
   * one edge per vertex pair, the id short however long the endpoints) or, when `idColumn` is
   * given, `<label>:<column value>` (every row its own edge, e.g. each purchase). Either way
   * stable across runs and batches, so a re-load updates instead of duplicating.
   */
  idColumn?: string;
  /**
   * A single-valued fact of the `from` vertex (a user's current loyalty level, phone, address):
   * one edge of this label per `from` vertex. A batch with several rows for one `from` keeps
   * the one with the smallest `to` id. The edge id still names both ends, so a new value is a
   * new edge: Neptune's bulk loader never deletes or re-points an edge, it can only add one.
   * The edge it supersedes is dropped by id after the load (`dropSupersededEdges`,
   * src/loader/drop-superseded-edges.ts), through Gremlin, the same way on Neptune and locally.
   */
  singleValued?: boolean;
  properties: GraphPropertyDecl[];
}

export interface GraphModel {
  /** Version of the declaration format, for the Glue job to check. */
  version: 1;
  vertices: VertexDecl[];
  edges: EdgeDecl[];
}
