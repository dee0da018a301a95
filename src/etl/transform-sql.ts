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
 * `COALESCE`, `NULLIF`, `REPLACE`, `DATE_TRUNC('second', ..)`, `md5(string)` (lower-case hex of
 * the UTF-8 bytes in both), `unhex(hex)` (bytes), `base64(bytes)` (RFC 4648 alphabet with `=`
 * padding in both; no line breaks for the 16 bytes given here), `substr(s, 1, n)`, the `||`
 * operator (not `concat()`, which skips NULLs in DuckDB but not in Spark), `CAST(.. AS STRING |
 * BIGINT | DATE | TIMESTAMP)`, single-quoted literals without quotes or backslashes inside
 * (the model's label rules guarantee that), and unquoted lower-case identifiers.
 */

/**
 * Name of a source column inside the SQL views: lower case, anything but [a-z0-9_] replaced
 * by `_` (`user-agent` → `user_agent`), `_` in front of a leading digit, so it needs no
 * quoting in either engine.
 */
export function toViewColumnName(column: string): string {
  const name = column.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  return /^[a-z_]/.test(name) ? name : `_${name}`;
}

/** View name of a dataset in the SQL: the dataset name itself (validated plain). */
export function toViewName(dataset: string): string {
  return dataset;
}

function col(column: string): string {
  return toViewColumnName(column);
}

/**
 * A key value as written in the source, or NULL when empty. Not trimmed: neither engine's CSV
 * reader trims by default, and TRIM (evaluated again wherever the filter is pushed down) was
 * half the cost of the statements.
 */
function keyValue(column: string, alias = ''): string {
  return `NULLIF(${alias}${col(column)}, '')`;
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
  const source = `${alias}${col(p.column)}`;
  // Typed values need no NULLIF: the local runner reads these columns typed (an empty cell is
  // NULL), and Spark (ANSI off) casts an empty or malformed string to NULL.
  switch (p.type) {
    case 'Long':
      return `CAST(CAST(${source} AS BIGINT) AS STRING)`;
    case 'Date':
      return p.precision === 'second'
        ? `REPLACE(CAST(DATE_TRUNC('second', CAST(${source} AS TIMESTAMP)) AS STRING), ' ', 'T') || 'Z'`
        : `CAST(CAST(${source} AS DATE) AS STRING)`;
    default:
      return `NULLIF(CAST(${source} AS STRING), '')`;
  }
}

function propertyHeader(p: GraphPropertyDecl): string {
  return `${p.name}:${p.type}${p.cardinality ? `(${p.cardinality})` : ''}`;
}

function columnList(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `c${i}`);
}

function findVertex(model: GraphModel, label: string): VertexDecl {
  const vertex = model.vertices.find((v) => v.label === label);
  if (!vertex) throw new Error(`unknown vertex label ${label}`); // validateGraphModel rules this out
  return vertex;
}

/**
 * View holding every row of a dataset loaded so far, this run's included: what edge endpoint
 * look-ups search, so that an incremental batch's purchase by a customer of an earlier load
 * still finds that customer's Email or CustomerID vertex (already in the graph).
 */
export function toKnownViewName(dataset: string): string {
  return `${dataset}_known`;
}

/** SELECT of every distinct raw key (without the label prefix) of a vertex label known so far. */
function knownKeySetSql(vertex: VertexDecl): string {
  const selects = vertex.sources.map((s) => `SELECT ${keyValue(s.idColumn)} AS id FROM ${toKnownViewName(s.dataset)}`);
  return `SELECT DISTINCT id FROM (${selects.join(' UNION ALL ')}) k WHERE id IS NOT NULL`;
}

function buildVertexSql(vertex: VertexDecl): TransformStatement {
  const properties = collectVertexProperties(vertex);
  const header = ['~id', '~label', ...properties.map(propertyHeader)];
  const props = properties.map((_, i) => `p${i}`);
  const branches = vertex.sources.map((s, index) => {
    const values = properties.map((p, i) => {
      const own = s.properties.find((q) => q.name === p.name);
      return `${own ? propertyExpression(own) : 'CAST(NULL AS STRING)'} AS p${i}`;
    });
    const select = [`${keyValue(s.idColumn)} AS k`, ...values, ...(properties.length > 0 ? [`${index} AS src`] : [])];
    return `SELECT ${select.join(', ')} FROM ${toViewName(s.dataset)}`;
  });
  const output = [`'${vertex.idPrefix}:' || k AS c0`, `'${vertex.label}' AS c1`, ...props.map((p, i) => `${p} AS c${i + 2}`)].join(', ');
  // Sorting on the raw key (not the prefixed id) gives the same order and sorts faster: a
  // prefix shared by every row defeats the engines' normalised-key sorting. The ids and labels
  // are built after the sort (a projection keeps the order in both engines): the sort then
  // carries fewer bytes per row (User.csv: 0.76 s -> 0.51 s in DuckDB for 1 M rows).
  let sql: string;
  if (properties.length === 0) {
    sql = `SELECT ${output} FROM (SELECT k FROM (SELECT DISTINCT k FROM (${branches.join(' UNION ALL ')}) u WHERE k IS NOT NULL) d ORDER BY k) o`;
  } else {
    // One row per id: the first source that has it, then the smallest property values, so the
    // choice is deterministic whatever order the engine reads the rows in.
    const order = ['src ASC', ...props.map((p) => `${p} ASC NULLS LAST`)].join(', ');
    sql =
      `SELECT ${output} FROM (SELECT k, ${props.join(', ')} FROM (` +
      `SELECT k, ${props.join(', ')}, ROW_NUMBER() OVER (PARTITION BY k ORDER BY ${order}) AS rn ` +
      `FROM (${branches.join(' UNION ALL ')}) u WHERE k IS NOT NULL) r WHERE rn = 1 ORDER BY k) o`;
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
  /**
   * When the id is read straight from the row (no look-up): its label prefix and the raw key,
   * of which `expression` is `'<prefix>:' || raw`.
   */
  direct?: { prefix: string; raw: string };
}

/**
 * The endpoint id of an edge row: directly from the row when the label's vertices are built
 * from that very column (so the vertex surely exists), otherwise looked up among the label's
 * known ids (LEFT JOIN), trying the candidates in order. NULL when none exists.
 */
function planEndpoint(model: GraphModel, edge: EdgeDecl, ends: EdgeEndpointDecl[], side: string): EndpointPlan {
  if (ends.length === 1 && isGuaranteed(model, edge.dataset, ends[0]!)) {
    const end = ends[0]!;
    const prefix = findVertex(model, end.label).idPrefix;
    return { expression: idExpression(prefix, end.column, 's.'), joins: [], direct: { prefix, raw: keyValue(end.column, 's.') } };
  }
  const joins: string[] = [];
  const candidates = ends.map((end, i) => {
    const vertex = findVertex(model, end.label);
    const alias = `${side}${i}`;
    // Joined on the raw value (cheaper than the prefixed id); NULL || text is NULL, so a
    // candidate that is not found stays NULL for the COALESCE.
    joins.push(`LEFT JOIN (${knownKeySetSql(vertex)}) ${alias} ON ${alias}.id = s.${col(end.column)}`);
    return `'${vertex.idPrefix}:' || ${alias}.id`;
  });
  return { expression: candidates.length === 1 ? candidates[0]! : `COALESCE(${candidates.join(', ')})`, joins };
}

/** Datasets whose `<dataset>_known` view the statements read (endpoint look-ups). */
export function listLookupDatasets(model: GraphModel): string[] {
  const datasets = new Set<string>();
  for (const edge of model.edges) {
    for (const ends of [edge.from, edge.to]) {
      if (ends.length === 1 && isGuaranteed(model, edge.dataset, ends[0]!)) continue;
      for (const end of ends) for (const s of findVertex(model, end.label).sources) datasets.add(s.dataset);
    }
  }
  return [...datasets];
}

/** The id of a pair edge (see buildEdgeSql), from the columns `f` and `t`. */
function edgeIdExpression(label: string): string {
  return `substr(base64(unhex(md5('${label}:' || f || '->' || t))), 1, 16)`;
}

function buildEdgeSql(model: GraphModel, label: string, decls: EdgeDecl[]): TransformStatement {
  const properties = decls[0]!.properties;
  const header = ['~id', '~from', '~to', '~label', ...properties.map(propertyHeader)];
  const props = properties.map((_, i) => `p${i}`);
  const byColumn = decls[0]!.idColumn !== undefined;
  const plans = decls.map((edge) => ({ edge, from: planEndpoint(model, edge, edge.from, 'f'), to: planEndpoint(model, edge, edge.to, 't') }));
  // A pair edge whose every row names its ends straight from the source, each side with one
  // label prefix, is de-duplicated on the raw keys and prefixed after: fewer and shorter
  // strings to hash (hasEmail: 1.62 -> 1.47 s in DuckDB for 1 M rows). Same rows, same order.
  const rawPrefix = (side: 'from' | 'to'): string | undefined => {
    if (byColumn || !plans.every((p) => p[side].direct)) return undefined;
    const prefixes = new Set(plans.map((p) => p[side].direct!.prefix));
    return prefixes.size === 1 ? [...prefixes][0] : undefined;
  };
  const fromPrefix = rawPrefix('from');
  const toPrefix = rawPrefix('to');
  const raw = fromPrefix !== undefined && toPrefix !== undefined;
  const branches = plans.map(({ edge, from, to }) => {
    const select = [
      `${raw ? from.direct!.raw : from.expression} AS f`,
      `${raw ? to.direct!.raw : to.expression} AS t`,
      ...(byColumn ? [`${keyValue(edge.idColumn ?? '', 's.')} AS k`] : []),
      ...edge.properties.map((p, i) => `${propertyExpression(p, 's.')} AS p${i}`),
    ];
    return `SELECT ${select.join(', ')} FROM ${toViewName(edge.dataset)} s${[...from.joins, ...to.joins].map((j) => ` ${j}`).join('')}`;
  });
  const rows = `(${branches.join(' UNION ALL ')}) u WHERE f IS NOT NULL AND t IS NOT NULL${byColumn ? ' AND k IS NOT NULL' : ''}`;
  const output = (id: string) =>
    [`${id} AS c0`, 'f AS c1', 't AS c2', `'${label}' AS c3`, ...props.map((p, i) => `${p} AS c${i + 4}`)].join(', ');
  let sql: string;
  if (byColumn) {
    // `<label>:<column value>`: every row its own edge (each purchase); one row per value.
    const order = ['f ASC', 't ASC', ...props.map((p) => `${p} ASC NULLS LAST`)].join(', ');
    // The ids and labels are built after the sort, as for vertices (fewer bytes to sort).
    sql =
      `SELECT ${output(`'${label}:' || k`)} FROM (SELECT k, f, t${props.map((p) => `, ${p}`).join('')} FROM (SELECT k, f, t${props.map((p) => `, ${p}`).join('')}, ` +
      `ROW_NUMBER() OVER (PARTITION BY k ORDER BY ${order}) AS rn FROM ${rows}) r WHERE rn = 1 ORDER BY k) o`;
  } else {
    // One edge per vertex pair. Its id is the first 96 bits of md5("<label>:<from>-><to>") in
    // base64: 16 characters whatever the endpoints' length (user agents run to hundreds),
    // stable across runs and batches, the same in both engines, and with 10 million edges
    // the chance that two share an id is ~1e-15. The ids are most of an edge file's bytes: a
    // 16-character id instead of `<label>:` + 32 hex digits makes the kit's Gremlin CSV ~20 %
    // smaller to write, upload and load.
    const rest = props.map((p) => `, ${p}`).join('');
    let distinct: string;
    if (decls[0]!.singleValued) {
      // A single-valued fact: one edge per `from` vertex, the smallest `to` when a batch names
      // several (no column says which row is newer, and the choice must not depend on the
      // order an engine reads the rows in).
      const order = ['t ASC', ...props.map((p) => `${p} ASC NULLS LAST`)].join(', ');
      distinct = `SELECT f, t${rest} FROM (SELECT f, t${rest}, ROW_NUMBER() OVER (PARTITION BY f ORDER BY ${order}) AS rn FROM ${rows}) w WHERE rn = 1`;
    } else if (props.length === 0) {
      distinct = `SELECT DISTINCT f, t FROM ${rows}`;
    } else {
      distinct =
        `SELECT f, t${rest} FROM (SELECT f, t${rest}, ` +
        `ROW_NUMBER() OVER (PARTITION BY f, t ORDER BY ${props.map((p) => `${p} ASC NULLS LAST`).join(', ')}) AS rn FROM ${rows}) w WHERE rn = 1`;
    }
    // Sorted by their ends: consecutive edges then name the same `~from` vertex or the next one
    // in its file (vertex files are sorted by id), which the embedded loader finds without a
    // lookup (IdTable.guessIn), and a reader sees each vertex's edges together, where an order
    // by id was no order at all. With raw keys the sort comes first, on the shorter strings, and
    // the prefixes and ids are added after it (a projection keeps the order in both engines):
    // no dearer than sorting by the id was.
    const pairs = raw
      ? `SELECT '${fromPrefix}:' || f AS f, '${toPrefix}:' || t AS t${rest} FROM (${distinct} ORDER BY f, t) r`
      : distinct;
    sql = `SELECT ${output('h')} FROM (SELECT ${edgeIdExpression(label)} AS h, f, t${rest} FROM (${pairs}) d) e${raw ? '' : ' ORDER BY f, t'}`;
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
