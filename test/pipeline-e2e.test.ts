/**
 * The whole pipeline in local mode, in one test: generate → upload → crawl → fix schema →
 * transform → load → query, then the incremental batch through the same steps. Counts per label
 * in the graph must equal the transform's report, and the incremental load must update without
 * duplicating a vertex or an edge.
 */
import gremlin from 'gremlin';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalog } from '../src/catalog/create-catalog.js';
import { fixTableSchemas } from '../src/catalog/fix-table-schemas.js';
import type { Catalog } from '../src/catalog/catalog-types.js';
import { loadConfig, type KitConfig } from '../src/config/kit-config.js';
import { parseCsv } from '../src/csv/csv-parser.js';
import { generateDatasets } from '../src/datagen/generate-datasets.js';
import { runLocalTransform, type TransformReport } from '../src/etl/index.js';
import { connectGraph } from '../src/graph/connect-graph.js';
import { createObjectStore } from '../src/lake/create-object-store.js';
import type { ObjectStore } from '../src/lake/object-store.js';
import { uploadDatasets } from '../src/lake/upload-datasets.js';
import { createBulkLoader } from '../src/loader/create-bulk-loader.js';
import type { LoadStatus } from '../src/loader/load-status.js';

const RECORDS = 400;
const BATCH = '20260201_090000';

/** The ~id values of every file of a transform's output. */
async function idsOf(store: ObjectStore, report: TransformReport): Promise<{ vertices: Set<string>; edges: Set<string> }> {
  const out = { vertices: new Set<string>(), edges: new Set<string>() };
  for (const file of report.files) {
    const records = parseCsv((await store.getObject(file.key)).toString('utf8'));
    const idColumn = records[0]!.fields.indexOf('~id');
    for (const r of records.slice(1)) out[file.kind].add(r.fields[idColumn]!);
  }
  return out;
}

describe('pipeline end to end (local mode)', () => {
  let dir: string;
  let config: KitConfig;
  let store: ObjectStore;
  let catalog: Catalog;
  let initial: TransformReport;
  let initialLoad: LoadStatus;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'idgraph-e2e-'));
    config = loadConfig({ dataDir: dir, mode: 'local', bucket: 'e2e' }, {});
    store = await createObjectStore(config);
    const generated = join(dir, 'generated');
    await generateDatasets({ records: RECORDS, uniqueness: 30, incremental: false, seed: 5, outDir: generated });
    await uploadDatasets(store, { dir: generated });
    catalog = createCatalog(config, store);
    await catalog.crawl();
    await fixTableSchemas(catalog);
    initial = await runLocalTransform({ store, catalog });
    initialLoad = await createBulkLoader(config, { store }).load({ prefix: initial.prefix, failOnError: true });
  });
  afterAll(async () => {
    await store?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('loads every record the transform wrote, and the graph has its counts per label', async () => {
    const rows = initial.files.reduce((n, f) => n + f.rows, 0);
    expect(initialLoad.overallStatus).toMatchObject({
      status: 'LOAD_COMPLETED',
      totalRecords: rows,
      totalDuplicates: 0,
      parsingErrors: 0,
      datatypeMismatchErrors: 0,
      insertErrors: 0,
    });
    const conn = await connectGraph(config);
    try {
      const vertexCounts = (await conn.query('g.V().groupCount().by(label)'))[0] as Map<string, number>;
      const edgeCounts = (await conn.query('g.E().groupCount().by(label)'))[0] as Map<string, number>;
      const expectedVertices = Object.fromEntries(initial.files.filter((f) => f.kind === 'vertices').map((f) => [f.label, f.rows]));
      const expectedEdges = Object.fromEntries(initial.files.filter((f) => f.kind === 'edges').map((f) => [f.label, f.rows]));
      expect(Object.fromEntries(vertexCounts)).toEqual(expectedVertices);
      expect(Object.fromEntries(edgeCounts)).toEqual(expectedEdges);
      // A driver traversal over the loaded identity graph: every User has an email.
      const users = expectedVertices.User!;
      expect(await conn.g.V().hasLabel('User').where(gremlin.process.statics.out('hasEmail')).count().next()).toEqual({ value: users, done: false });
    } finally {
      await conn.close();
    }
  });

  it('an incremental batch goes through the same steps and updates without duplicating', async () => {
    const generated = join(dir, 'generated');
    await generateDatasets({ records: RECORDS, uniqueness: 30, incremental: true, seed: 5, outDir: generated });
    await uploadDatasets(store, { dir: generated, incremental: true, batch: BATCH });
    await catalog.crawl();
    await fixTableSchemas(catalog, { incremental: true });
    const batch = await runLocalTransform({ store, catalog, batch: BATCH });
    const before = await idsOf(store, initial);
    const added = await idsOf(store, batch);
    // An incremental batch is an upsert: new values of single-cardinality properties (edge
    // properties are always single, e.g. hasLoyaltyLevel.loyalty_points) replace the old ones,
    // which Neptune only does with updateSingleCardinalityProperties (without it: an error).
    const status = await createBulkLoader(config, { store }).load({ prefix: batch.prefix, failOnError: true, updateSingleCardinalityProperties: true });
    const repeated = [...added.vertices].filter((id) => before.vertices.has(id)).length + [...added.edges].filter((id) => before.edges.has(id)).length;
    expect(status.errors.errorLogs.slice(0, 3)).toEqual([]);
    expect(repeated).toBeGreaterThan(0); // returning people: the batch does update existing elements
    expect(status.overallStatus).toMatchObject({ status: 'LOAD_COMPLETED', totalDuplicates: repeated, insertErrors: 0 });

    const conn = await connectGraph(config);
    try {
      const vertices = (await conn.query('g.V().count()'))[0];
      const edges = (await conn.query('g.E().count()'))[0];
      expect(vertices).toBe(new Set([...before.vertices, ...added.vertices]).size);
      expect(edges).toBe(new Set([...before.edges, ...added.edges]).size);
    } finally {
      await conn.close();
    }

    // Loading the same batch again changes nothing.
    const again = await createBulkLoader(config, { store }).load({ prefix: batch.prefix, failOnError: true });
    expect(again.overallStatus.status).toBe('LOAD_COMPLETED');
    expect(again.overallStatus.totalDuplicates).toBe(again.overallStatus.totalRecords);
  });
});
