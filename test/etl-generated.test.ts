import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../src/catalog/catalog-types.js';
import { fixTableSchemas } from '../src/catalog/fix-table-schemas.js';
import { createLocalCatalog } from '../src/catalog/local-catalog.js';
import { loadConfig } from '../src/config/kit-config.js';
import { parseCsv } from '../src/csv/csv-parser.js';
import { generateDatasets } from '../src/datagen/generate-datasets.js';
import { checkGremlinCsvHeader, GRAPH_MODEL, runLocalTransform, type TransformReport } from '../src/etl/index.js';
import { createObjectStore } from '../src/lake/create-object-store.js';
import { graphPrefix } from '../src/lake/dataset-layout.js';
import type { ObjectStore } from '../src/lake/object-store.js';
import { uploadDatasets } from '../src/lake/upload-datasets.js';

const RECORDS = 2_000;
const BATCH = '20260115_120000';

interface GraphFiles {
  /** vertex id → label */
  vertices: Map<string, string>;
  edges: { id: string; from: string; to: string; label: string }[];
  /** rows of each file by key (relative to the prefix), header first */
  rows: Record<string, string[][]>;
}

/**
 * Reads every file under a graph prefix under Neptune's rules. Problems are collected and
 * compared once (an expect per cell would dominate the test's time).
 */
async function readGraph(store: ObjectStore, prefix: string): Promise<GraphFiles> {
  const graph: GraphFiles = { vertices: new Map(), edges: [], rows: {} };
  const edgeIds = new Set<string>();
  const problems: string[] = [];
  for (const object of await store.listObjects(prefix)) {
    const key = object.key.slice(prefix.length);
    const kind = key.startsWith('vertices/') ? 'vertices' : 'edges';
    const records = parseCsv((await store.getObject(object.key)).toString('utf8'));
    const header = records[0]!.fields;
    checkGremlinCsvHeader(header, kind, key);
    graph.rows[key] = records.map((r) => r.fields);
    const checks = header.map((h) => (/:date(\(single\))?$/i.test(h) ? DATE : /:long(\(single\))?$/i.test(h) ? LONG : undefined));
    for (const { fields, line } of records.slice(1)) {
      const at = `${key} line ${line}`;
      if (fields.length !== header.length) problems.push(`${at}: ${fields.length} fields`);
      if (fields[0] === '') problems.push(`${at}: empty ~id`);
      if (kind === 'vertices') {
        if (graph.vertices.has(fields[0]!)) problems.push(`${at}: duplicate vertex id ${fields[0]}`);
        graph.vertices.set(fields[0]!, fields[1]!);
      } else {
        if (edgeIds.has(fields[0]!)) problems.push(`${at}: duplicate edge id ${fields[0]}`);
        edgeIds.add(fields[0]!);
        graph.edges.push({ id: fields[0]!, from: fields[1]!, to: fields[2]!, label: fields[3]! });
      }
      checks.forEach((pattern, i) => {
        if (pattern && fields[i] !== '' && !pattern.test(fields[i]!)) problems.push(`${at}: ${header[i]} "${fields[i]}"`);
      });
    }
  }
  expect(problems.slice(0, 10)).toEqual([]);
  return graph;
}

const DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}Z)?$/;
const LONG = /^-?\d+$/;

/** Distinct non-empty source values behind each vertex label, computed from the source files. */
async function expectedVertexIds(dir: string, incremental: boolean): Promise<Map<string, Set<string>>> {
  const tables = new Map<string, Record<string, string>[]>();
  const table = async (dataset: string) => {
    if (!tables.has(dataset)) {
      const records = parseCsv(await readFile(join(dir, `${dataset}_data_${incremental ? 'inc' : 'full'}.csv`), 'utf8'));
      const header = records[0]!.fields;
      tables.set(dataset, records.slice(1).map((r) => Object.fromEntries(header.map((h, i) => [h, r.fields[i]!]))));
    }
    return tables.get(dataset)!;
  };
  const out = new Map<string, Set<string>>();
  for (const vertex of GRAPH_MODEL.vertices) {
    const ids = new Set<string>();
    for (const source of vertex.sources) {
      for (const row of await table(source.dataset)) {
        const value = row[source.idColumn] ?? '';
        if (value !== '') ids.add(`${vertex.idPrefix}:${value}`);
      }
    }
    out.set(vertex.label, ids);
  }
  return out;
}

/** `earlier`: vertices of earlier loads, already in the graph (valid endpoints of a batch's edges). */
function checkGraph(graph: GraphFiles, expected: Map<string, Set<string>>, earlier = new Map<string, string>()) {
  for (const [label, ids] of expected) {
    const emitted = new Set([...graph.vertices].filter(([, l]) => l === label).map(([id]) => id));
    expect(emitted.size, `${label} vertex count`).toBe(ids.size);
    expect([...ids].filter((id) => !emitted.has(id)).slice(0, 5), `${label} ids missing`).toEqual([]);
  }
  const problems: string[] = [];
  for (const edge of graph.edges) {
    const fromLabel = graph.vertices.get(edge.from) ?? earlier.get(edge.from);
    const toLabel = graph.vertices.get(edge.to) ?? earlier.get(edge.to);
    if (!fromLabel) problems.push(`${edge.id}: missing ~from ${edge.from}`);
    if (!toLabel) problems.push(`${edge.id}: missing ~to ${edge.to}`);
    // Each edge joins the labels its declaration names.
    const fits = GRAPH_MODEL.edges.some(
      (d) => d.label === edge.label && d.from.some((f) => f.label === fromLabel) && d.to.some((t) => t.label === toLabel),
    );
    if (!fits) problems.push(`${edge.id}: endpoint labels`);
  }
  expect(problems.slice(0, 10)).toEqual([]);
}

describe('runLocalTransform on generated data (datagen → upload → crawl → fix schemas → transform)', () => {
  let dir: string;
  let store: ObjectStore;
  let catalog: Catalog;
  let initial: TransformReport;
  let incremental: TransformReport;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'idgraph-etl-gen-'));
    const config = loadConfig({ dataDir: dir, mode: 'local', bucket: 'etl-gen' }, {});
    store = await createObjectStore(config);
    const generated = join(dir, 'generated');
    await generateDatasets({ records: RECORDS, uniqueness: 30, incremental: false, seed: 11, outDir: generated });
    await generateDatasets({ records: RECORDS, uniqueness: 30, incremental: true, seed: 11, outDir: generated });
    await uploadDatasets(store, { dir: generated });
    await uploadDatasets(store, { dir: generated, incremental: true, batch: BATCH });
    catalog = createLocalCatalog({ directory: join(dir, 'catalog'), store, database: 'etl_gen', tablePrefix: 'poc_identity_graph_' });
    await catalog.crawl();
    await fixTableSchemas(catalog);
    await fixTableSchemas(catalog, { incremental: true });
    initial = await runLocalTransform({ store, catalog });
    incremental = await runLocalTransform({ store, catalog, batch: BATCH });
  });
  afterAll(async () => {
    await store?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('emits one vertex per distinct non-empty source value, unique ids, and edges whose endpoints exist', async () => {
    const graph = await readGraph(store, graphPrefix());
    checkGraph(graph, await expectedVertexIds(join(dir, 'generated'), false));
    // Dates and longs were checked above: the headers name them.
    expect(graph.rows['vertices/User.csv']![0]).toEqual(['~id', '~label', 'address:String(single)', 'birthday:Date(single)']);
    // Every label of the model has a file, and the generated data exercises every one of them.
    expect(Object.keys(graph.rows).length).toBe(16 + 15);
    for (const file of initial.files) expect(file.rows, file.key).toBeGreaterThan(0);
    // Postcodes are strings: whatever leading zeros the source has survive (set equality above).
    expect(initial.sources.find((s) => s.dataset === 'first_party')!.rows).toBe(RECORDS);
    // customer_id is always a known email or external_id: every purchase is its own edge.
    const purchases = initial.sources.find((s) => s.dataset === 'transactional')!.rows;
    expect(graph.edges.filter((e) => e.label === 'hasPurchased').length).toBe(purchases);
  });

  it('gives byte-identical files when run again', async () => {
    const before = new Map<string, string>();
    for (const o of await store.listObjects(graphPrefix())) before.set(o.key, (await store.getObject(o.key)).toString('utf8'));
    await runLocalTransform({ store, catalog });
    for (const o of await store.listObjects(graphPrefix())) expect((await store.getObject(o.key)).toString('utf8'), o.key).toBe(before.get(o.key));
  });

  it('writes the incremental batch to its own prefix, reusing the ids of returning users and their devices', async () => {
    expect(incremental.prefix).toBe(`datasets/graph/incremental/${BATCH}/`);
    const batchGraph = await readGraph(store, graphPrefix(BATCH));
    const initialGraph = await readGraph(store, graphPrefix());
    checkGraph(batchGraph, await expectedVertexIds(join(dir, 'generated'), true), initialGraph.vertices);
    // Purchases of customers known only from the initial load still become edges.
    const purchases = incremental.sources.find((s) => s.dataset === 'transactional')!.rows;
    expect(batchGraph.edges.filter((e) => e.label === 'hasPurchased').length).toBe(purchases);
    const shared = (label: string) => [...batchGraph.vertices].filter(([id, l]) => l === label && initialGraph.vertices.get(id) === label);
    const returningUsers = shared('User');
    expect(returningUsers.length).toBeGreaterThan(0);
    expect(shared('DeviceID').length).toBeGreaterThan(0);
    // Edges between returning vertices keep their ids, so a load updates instead of duplicating.
    const initialEdgeIds = new Set(initialGraph.edges.map((e) => e.id));
    const reused = batchGraph.edges.filter((e) => initialEdgeIds.has(e.id));
    expect(reused.some((e) => e.label === 'hasEmail' || e.label === 'hasExternalId')).toBe(true);
  });
});
