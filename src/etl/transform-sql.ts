import type { EdgeDecl, EdgeEndpointDecl, GraphModel, GraphPropertyDecl, VertexDecl } from './graph-model-types.js';
import { validateGraphModel } from './graph-model.js';

/**
 * One output file of the transform: a SELECT over the source views whose columns are named
 * `c0, c1, ...` (plain names, because DuckDB quotes identifiers with "..." and Spark SQL with
 * `...`), and the Gremlin CSV header the runner gives those columns.
 */
export interface TransformStatement {
  kind: 'vertices' | 'edges';
  label: string;
  /** Key relative to the graph prefix: `vertices/<Label>.csv` or `edges/<label>.csv`. */
  key: string;
  header: string[];
  sql: string;
}

/*
 * The SQL subset used here behaves the same in DuckDB and Spark SQL (Glue 4/5, ANSI mode off):
 * `WITH`, `SELECT DISTINCT`, `UNION`/`UNION ALL`, `LEFT JOIN`, `ROW_NUMBER() OVER (PARTITION BY
 * .. ORDER BY .. NULLS LAST)` (the NULLS order is spelled out: the engines' defaults differ),
 * `CASE WHEN`, `COALESCE`, `NULLIF`, `TRIM`, `REPLACE`, `DATE_TRUNC('second', ..)`, the `||`
 * operator (not `concat()`, which skips NULLs in DuckDB but not in Spark), `CAST(.. AS STRING |
 * BIGINT | DATE | TIMESTAMP)`, single-quoted literals without quotes or backslashes inside
 * (the model's label rules guarantee that), and unquoted lower-case identifiers.
 */

/**
 * Name of a source column inside the SQL views: lower case, anything but [a-z0-9_] replaced
 * by `_` (`user-agent` → `user_agent`), so it needs no quoting in either engine.
 */
export function toViewColumnName(column: string): string {
  return column.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}

/** View name of a dataset in the SQL: the dataset name itself (validated plain). */
export function toViewName(dataset: string): string {
  return dataset;
}

function col(column: string): string {
  return toViewColumnName(column);
}

/** Non-empty trimmed key value, or NULL. */
function keyValue(column: string, alias = ''): string {
  return `NULLIF(TRIM(${alias}${col(column)}), '')`;
}

function idExpression(prefix: string, column: string, alias = ''): string {
  return `'${prefix}:' || ${keyValue(column, alias)}`;
}

/**
 * A property rendered as the text Neptune expects: integer longs, ISO-8601 dates `yyyy-MM-dd`
 * or, to the second, `yyyy-MM-ddTHH:mm:ssZ` (timestamps are UTC: the Glue job sets Spark's
 * session time zone to UTC, DuckDB's TIMESTAMP has none).
 */
function propertyExpression(p: GraphPropertyDecl, alias = ''): string {
  const value = `NULLIF(CAST(${alias}${col(p.column)} AS STRING), '')`;
  switch (p.type) {
    case 'Long':
      return `CAST(CAST(${value} AS BIGINT) AS STRING)`;
    case 'Date':
      return p.precision === 'second'
        ? `REPLACE(CAST(DATE_TRUNC('second', CAST(${value} AS TIMESTAMP)) AS STRING), ' ', 'T') || 'Z'`
        : `CAST(CAST(${value} AS DATE) AS STRING)`;
    default:
      return value;
  }
}

function propertyHeader(p: GraphPropertyDecl): string {
  return `${p.name}:${p.type}`;
}

function columnList(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `c${i}`);
}

function findVertex(model: GraphModel, label: string): VertexDecl {
  const vertex = model.vertices.find((v) => v.label === label);
  if (!vertex) throw new Error(`unknown vertex label ${label}`); // validateGraphModel rules this out
  return vertex;
}

/** SELECT of every id of a vertex label (UNION: distinct). */
function vertexIdSetSql(vertex: VertexDecl): string {
  return vertex.sources
    .map((s) => `SELECT ${idExpression(vertex.idPrefix, s.idColumn)} AS id FROM ${toViewName(s.dataset)} WHERE ${keyValue(s.idColumn)} IS NOT NULL`)
    .join(' UNION ');
}

function buildVertexSql(vertex: VertexDecl): TransformStatement {
  const properties = collectVertexProperties(vertex);
  const header = ['~id', '~label', ...properties.map(propertyHeader)];
  const columns = columnList(header.length);
  const branches = vertex.sources.map((s, index) => {
    const values = properties.map((p) => {
      const own = s.properties.find((q) => q.name === p.name);
      return own ? propertyExpression(own) : 'CAST(NULL AS STRING)';
    });
    const select = [idExpression(vertex.idPrefix, s.idColumn), `'${vertex.label}'`, ...values].map((e, i) => `${e} AS ${columns[i]}`);
    if (properties.length > 0) select.push(`${index} AS src`);
    return `SELECT ${select.join(', ')} FROM ${toViewName(s.dataset)} WHERE ${keyValue(s.idColumn)} IS NOT NULL`;
  });
  let sql: string;
  if (properties.length === 0) {
    // No properties: de-duplicating the ids is all there is to do.
    sql = `SELECT DISTINCT ${columns.join(', ')} FROM (${branches.join(' UNION ALL ')}) u ORDER BY c0`;
  } else {
    // One row per id: the first source that has it, then the smallest property values, so the
    // choice is deterministic whatever order the engine reads the rows in.
    const order = ['src ASC', ...columns.slice(2).map((c) => `${c} ASC NULLS LAST`)].join(', ');
    sql =
      `SELECT ${columns.join(', ')} FROM (` +
      `SELECT ${columns.join(', ')}, ROW_NUMBER() OVER (PARTITION BY c0 ORDER BY ${order}) AS rn ` +
      `FROM (${branches.join(' UNION ALL ')}) u) r WHERE rn = 1 ORDER BY c0`;
  }
  return { kind: 'vertices', label: vertex.label, key: `vertices/${vertex.label}.csv`, header, sql };
}

/** Property columns of a vertex file: the union over its sources, in declaration order. */
function collectVertexProperties(vertex: VertexDecl): GraphPropertyDecl[] {
  const seen = new Map<string, GraphPropertyDecl>();
  for (const s of vertex.sources) for (const p of s.properties) if (!seen.has(p.name)) seen.set(p.name, p);
  return [...seen.values()];
}

/** Whether every non-empty value of `dataset.column` is emitted as a vertex of `label`. */
function isGuaranteed(model: GraphModel, dataset: string, end: EdgeEndpointDecl): boolean {
  return findVertex(model, end.label).sources.some((s) => s.dataset === dataset && col(s.idColumn) === col(end.column));
}

interface EndpointPlan {
  expression: string;
  joins: string[];
}

/**
 * The endpoint id of an edge row: directly from the row when the label's vertices are built
 * from that very column (so the vertex surely exists), otherwise looked up among the label's
 * emitted ids (LEFT JOIN), trying the candidates in order. NULL when none exists.
 */
function planEndpoint(model: GraphModel, edge: EdgeDecl, ends: EdgeEndpointDecl[], side: string): EndpointPlan {
  if (ends.length === 1 && isGuaranteed(model, edge.dataset, ends[0]!)) {
    const end = ends[0]!;
    return { expression: idExpression(findVertex(model, end.label).idPrefix, end.column, 's.'), joins: [] };
  }
  const joins: string[] = [];
  const candidates = ends.map((end, i) => {
    const vertex = findVertex(model, end.label);
    const alias = `${side}${i}`;
    joins.push(`LEFT JOIN (${vertexIdSetSql(vertex)}) ${alias} ON ${alias}.id = ${idExpression(vertex.idPrefix, end.column, 's.')}`);
    return `${alias}.id`;
  });
  return { expression: candidates.length === 1 ? candidates[0]! : `COALESCE(${candidates.join(', ')})`, joins };
}

function buildEdgeSql(model: GraphModel, label: string, decls: EdgeDecl[]): TransformStatement {
  const properties = decls[0]!.properties;
  const header = ['~id', '~from', '~to', '~label', ...properties.map(propertyHeader)];
  const columns = columnList(header.length);
  const branches = decls.map((edge) => {
    const from = planEndpoint(model, edge, edge.from, 'f');
    const to = planEndpoint(model, edge, edge.to, 't');
    const id = edge.idColumn !== undefined ? `'${label}:' || k` : `'${label}:' || f || '->' || t`;
    const inner =
      `SELECT ${from.expression} AS f, ${to.expression} AS t` +
      (edge.idColumn !== undefined ? `, ${keyValue(edge.idColumn, 's.')} AS k` : '') +
      edge.properties.map((p, i) => `, ${propertyExpression(p, 's.')} AS p${i}`).join('') +
      ` FROM ${toViewName(edge.dataset)} s ${[...from.joins, ...to.joins].join(' ')}`.trimEnd();
    const select = [id, 'f', 't', `'${label}'`, ...edge.properties.map((_, i) => `p${i}`)].map((e, i) => `${e} AS ${columns[i]}`);
    const where = ['f IS NOT NULL', 't IS NOT NULL', ...(edge.idColumn !== undefined ? ['k IS NOT NULL'] : [])].join(' AND ');
    return `SELECT ${select.join(', ')} FROM (${inner}) e WHERE ${where}`;
  });
  let sql: string;
  if (properties.length === 0) {
    sql = `SELECT DISTINCT ${columns.join(', ')} FROM (${branches.join(' UNION ALL ')}) u ORDER BY c0`;
  } else {
    // One row per edge id; ties broken on every column so the output is deterministic.
    const order = columns.slice(1).map((c) => `${c} ASC NULLS LAST`).join(', ');
    sql =
      `SELECT ${columns.join(', ')} FROM (` +
      `SELECT ${columns.join(', ')}, ROW_NUMBER() OVER (PARTITION BY c0 ORDER BY ${order}) AS rn ` +
      `FROM (${branches.join(' UNION ALL ')}) u) r WHERE rn = 1 ORDER BY c0`;
  }
  return { kind: 'edges', label, key: `edges/${label}.csv`, header, sql };
}

/**
 * Renders the declaration into one SQL statement per output file: every vertex label, then
 * every edge label (declarations sharing a label share a file). The statements read views named
 * after the datasets, with columns named by `toViewColumnName`; both runners register those
 * views and run exactly these statements.
 */
export function buildTransformSql(model: GraphModel): TransformStatement[] {
  validateGraphModel(model);
  const statements = model.vertices.map(buildVertexSql);
  const edgeLabels = [...new Set(model.edges.map((e) => e.label))];
  for (const label of edgeLabels) {
    statements.push(buildEdgeSql(model, label, model.edges.filter((e) => e.label === label)));
  }
  return statements;
}
