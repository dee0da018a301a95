import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPECTED_SCHEMAS, createCatalog, localCatalogDirectory, fixTableSchemas, hasLostHeader, type Catalog } from '../src/catalog/index.js';
import { defaultConfig, type KitConfig } from '../src/config/kit-config.js';
import { parseCsv, formatCsvRow } from '../src/csv/index.js';
import { DATASETS, DATASET_COLUMNS, generateDatasets } from '../src/datagen/index.js';
import { createObjectStore, sourceKey, uploadDatasets, type ObjectStore } from '../src/lake/index.js';

const PREFIX = 'poc_identity_graph_';
const BATCH = '20260102_030405';

/** Name:type pairs, for comparing schemas at a glance. */
const schemaOf = (columns: readonly { Name: string; Type: string }[]) => columns.map((c) => `${c.Name}:${c.Type}`);

describe('generate → upload to the embedded S3 → crawl → fix the schemas', () => {
  let dataDir: string;
  let store: ObjectStore;
  let catalog: Catalog;
  let config: KitConfig;
  const generated = () => join(dataDir, 'generated');

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'idgraph-e2e-'));
    config = defaultConfig(dataDir);
    await generateDatasets({ records: 400, uniqueness: 30, incremental: false, seed: 11, outDir: generated() });
    await generateDatasets({ records: 400, uniqueness: 30, incremental: true, seed: 11, outDir: generated() });
    store = await createObjectStore(config);
    await uploadDatasets(store, { dir: generated() });
    await uploadDatasets(store, { dir: generated(), incremental: true, batch: BATCH });
    catalog = createCatalog(config, store);
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('uploads the generated files byte-identical', async () => {
    for (const dataset of DATASETS) {
      const file = `${dataset}_data_full.csv`;
      expect((await store.getObject(sourceKey(dataset, file))).equals(readFileSync(join(generated(), file)))).toBe(true);
    }
  });

  it("crawls the generator's datasets as Glue does: every dataset has a counter column, so every header is kept", async () => {
    const { tables } = await catalog.crawl();
    expect(tables.map((t) => t.Name)).toEqual([
      ...['clickstream', 'cookie', 'first_party'].map((d) => PREFIX + d),
      ...['clickstream', 'cookie', 'first_party', 'transactional'].map((d) => `${PREFIX}incremental_${d}`),
      `${PREFIX}transactional`,
    ]);
    const lost = tables.filter(hasLostHeader).map((t) => t.Name);
    expect(lost).toEqual([]);
    for (const dataset of DATASETS) {
      const table = await catalog.getTable(PREFIX + dataset);
      expect(table.StorageDescriptor.Columns.map((c) => c.Name)).toEqual(DATASET_COLUMNS[dataset]);
      expect(table.Parameters?.['skip.header.line.count']).toBe('1');
      // With headers kept, Glue's inferred types already agree with DESIGN §5.
      expect(schemaOf(table.StorageDescriptor.Columns)).toEqual(schemaOf(EXPECTED_SCHEMAS[dataset]));
    }
    const report = await fixTableSchemas(catalog);
    expect(report.verified).toBe(true);
    expect(report.tables.map((t) => t.updated)).toEqual([false, false, false, false]);
    const incremental = await fixTableSchemas(catalog, { incremental: true });
    expect(incremental.tables.every((t) => !t.lostHeader)).toBe(true);
  });

  it('a batch whose only counter column is empty loses its header; the fix restores every name and type', async () => {
    // Generated transactional rows with reward_points blanked (a promotion without points):
    // every column now parses as STRING, so Glue cannot tell the header from the data.
    const path = join(generated(), 'transactional_data_full.csv');
    const records = parseCsv(readFileSync(path, 'utf8'));
    const blanked = records.map((r, i) => formatCsvRow(i === 0 ? r.fields : [...r.fields.slice(0, -1), ''])).join('');
    writeFileSync(path, blanked);
    await uploadDatasets(store, { dir: generated(), datasets: ['transactional'] });
    // The crawlers never rewrite a table that exists (UpdateBehavior LOG): the table is dropped
    // first, as a reader starting the dataset over would delete it.
    rmSync(join(localCatalogDirectory(config), config.glueDatabase, `${PREFIX}transactional.json`));

    const { tables } = await catalog.crawl();
    const lost = tables.filter(hasLostHeader).map((t) => t.Name);
    expect(lost).toEqual([`${PREFIX}transactional`]);
    const crawled = await catalog.getTable(`${PREFIX}transactional`);
    expect(schemaOf(crawled.StorageDescriptor.Columns)).toEqual(['col0', 'col1', 'col2', 'col3', 'col4', 'col5'].map((n) => `${n}:string`));
    expect(crawled.Parameters?.['skip.header.line.count']).toBeUndefined();

    const report = await fixTableSchemas(catalog, { store });
    const fix = report.tables.find((t) => t.dataset === 'transactional')!;
    expect(fix.lostHeader).toBe(true);
    expect(fix.changedColumns.map((c) => c.to.Name)).toEqual(DATASET_COLUMNS.transactional);
    expect(report.tables.filter((t) => t.updated).map((t) => t.dataset)).toEqual(['transactional']);
    for (const dataset of DATASETS) {
      const table = await catalog.getTable(PREFIX + dataset);
      expect(schemaOf(table.StorageDescriptor.Columns)).toEqual(schemaOf(EXPECTED_SCHEMAS[dataset]));
      expect(table.Parameters?.['skip.header.line.count']).toBe('1');
    }
  });
});
