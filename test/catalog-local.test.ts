import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalog, createLocalCatalog, fixTableSchemas } from '../src/catalog/index.js';
import { defaultConfig, type KitConfig } from '../src/config/kit-config.js';
import { createObjectStore, sourceKey, type ObjectStore } from '../src/lake/index.js';
import { FIXTURE_FILES, TABLE_PREFIX, testCatalog } from './support/catalog-suite.js';

// The contract, for real: files in the embedded S3 server, tables as JSON files.
testCatalog('local file catalog + crawler', async (files) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'idgraph-catalog-'));
  const config = defaultConfig(dataDir);
  const store = await createObjectStore(config);
  for (const [key, text] of Object.entries(files)) await store.putObject(key, text);
  return {
    catalog: createCatalog(config, store),
    bucket: config.bucket,
    async close() {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
});

describe('local crawler over an empty lake', () => {
  it('succeeds with no tables, and the schema fix then names the missing table', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'idgraph-empty-lake-'));
    const config = defaultConfig(dataDir);
    const store = await createObjectStore(config);
    try {
      const catalog = createCatalog(config, store);
      expect(await catalog.crawl()).toEqual({ status: 'SUCCEEDED', tables: [] });
      expect(await catalog.listTables()).toEqual([]);
      const error = await fixTableSchemas(catalog).catch((e: Error) => e);
      expect((error as Error).name).toBe('NotFoundError');
      expect((error as Error).message).toContain(`${TABLE_PREFIX}first_party`);
    } finally {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('local crawler: what Glue would do, and bad input', () => {
  let dataDir: string;
  let config: KitConfig;
  let store: ObjectStore;
  const tableDir = () => join(dataDir, 'catalog', config.glueDatabase);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'idgraph-crawler-'));
    config = defaultConfig(dataDir);
    store = await createObjectStore(config);
    for (const [key, text] of Object.entries(FIXTURE_FILES)) await store.putObject(key, text);
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const snapshot = () =>
    Object.fromEntries(readdirSync(tableDir()).map((f) => [f, readFileSync(join(tableDir(), f), 'utf8')]));

  it('keeps tables as <dataDir>/catalog/<database>/<table>.json in the Glue Table shape, no temp files left', async () => {
    const catalog = createCatalog(config, store);
    const states: string[] = [];
    await catalog.crawl({ onProgress: (s) => states.push(s) });
    expect(states).toEqual(['RUNNING', 'STOPPING', 'READY']);
    expect(readdirSync(tableDir()).sort()).toEqual(
      ['clickstream', 'cookie', 'first_party', 'transactional'].map((d) => `${TABLE_PREFIX}${d}.json`),
    );
    const cookie = JSON.parse(readFileSync(join(tableDir(), `${TABLE_PREFIX}cookie.json`), 'utf8'));
    expect(cookie).toMatchObject({
      Name: `${TABLE_PREFIX}cookie`,
      DatabaseName: config.glueDatabase,
      TableType: 'EXTERNAL_TABLE',
      Parameters: { classification: 'csv', delimiter: ',', 'skip.header.line.count': '1', UPDATED_BY_CRAWLER: config.crawlerName },
      StorageDescriptor: {
        InputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
        SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe', Parameters: { 'field.delim': ',' } },
      },
    });
    // first_party has a quoted field: the crawler picks OpenCSVSerde for it.
    const firstParty = await catalog.getTable(`${TABLE_PREFIX}first_party`);
    expect(firstParty.StorageDescriptor.SerdeInfo?.SerializationLibrary).toBe('org.apache.hadoop.hive.serde2.OpenCSVSerde');
  });

  it('an empty object fails the crawl naming its key, and leaves every table as it was', async () => {
    const catalog = createCatalog(config, store);
    await catalog.crawl();
    await fixTableSchemas(catalog);
    const before = snapshot();
    const key = sourceKey('cookie', 'empty.csv');
    await store.putObject(key, '');
    try {
      const error = await catalog.crawl().catch((e: Error) => e);
      expect((error as Error).name).toBe('InvalidInputError');
      expect((error as Error).message).toContain(`s3://${config.bucket}/${key}`);
      expect((error as Error).message).toContain('empty');
      expect(snapshot()).toEqual(before);
      expect(existsSync(join(tableDir(), '.crawl.lock'))).toBe(false);
    } finally {
      await store.deleteObjects(key);
    }
  });

  it('a non-CSV object (binary, or one column) fails naming its key', async () => {
    const catalog = createCatalog(config, store);
    const before = snapshot();
    for (const [name, body] of [
      ['picture.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13, 0xff, 0xfe])],
      ['notes.txt', 'just some words\nwithout any delimiter\nat all\n'],
    ] as const) {
      const key = sourceKey('clickstream', name);
      await store.putObject(key, body);
      const error = await catalog.crawl().catch((e: Error) => e);
      await store.deleteObjects(key);
      expect((error as Error).name).toBe('InvalidInputError');
      expect((error as Error).message).toContain(key);
    }
    expect(snapshot()).toEqual(before);
  });

  it('a crawl past its deadline is a DeadlineExceededError and writes nothing', async () => {
    let clock = 0;
    const catalog = createLocalCatalog({
      directory: join(dataDir, 'catalog'),
      store,
      database: config.glueDatabase,
      tablePrefix: config.tablePrefix,
      now: () => (clock += 1000),
    });
    const before = snapshot();
    const error = await catalog.crawl({ timeoutMs: 2500 }).catch((e: Error) => e);
    expect((error as Error).name).toBe('DeadlineExceededError');
    expect(snapshot()).toEqual(before);
  });

  it('a crawl waits for one running in another process (the lock), then runs', async () => {
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(tableDir(), '.crawl.lock'));
    let clock = 0;
    const waits: number[] = [];
    const catalog = createLocalCatalog({
      directory: join(dataDir, 'catalog'),
      store,
      database: config.glueDatabase,
      tablePrefix: config.tablePrefix,
      now: () => clock,
      sleep: async (ms) => {
        waits.push(ms);
        clock += ms;
        // The other crawl finishes after the second wait.
        if (waits.length === 2) rmSync(join(tableDir(), '.crawl.lock'), { recursive: true });
      },
    });
    const result = await catalog.crawl({ timeoutMs: 60_000 });
    expect(result.status).toBe('SUCCEEDED');
    expect(waits).toEqual([200, 400]);
  });

  it('incremental batches become one <prefix>incremental_<dataset> table, the batch as partition_0', async () => {
    const batchA = sourceKey('cookie', 'cookie_data_inc.csv', '20240101_120000');
    const batchB = sourceKey('cookie', 'cookie_data_inc.csv', '20240102_080000');
    await store.putObject(batchA, 'cookie_id,session_id,last_action,user_name,conversion_id,session_duration_sec\nc-9,s-9,view,x,,12\n');
    await store.putObject(batchB, 'cookie_id,session_id,last_action,user_name,conversion_id,session_duration_sec\nc-10,s-10,view,y,,1.5\n');
    try {
      const catalog = createCatalog(config, store);
      const { tables } = await catalog.crawl();
      const incremental = tables.find((t) => t.Name === `${TABLE_PREFIX}incremental_cookie`)!;
      expect(incremental.StorageDescriptor.Location).toBe(`s3://${config.bucket}/datasets/sources/incremental/cookie/`);
      expect(incremental.PartitionKeys).toEqual([{ Name: 'partition_0', Type: 'string' }]);
      expect(incremental.Parameters?.objectCount).toBe('2');
      // bigint in one batch, double in the other: merged to double, as the crawler merges.
      expect(incremental.StorageDescriptor.Columns.at(-1)).toEqual({ Name: 'session_duration_sec', Type: 'double' });
      const report = await fixTableSchemas(catalog, { incremental: true, datasets: ['cookie'] });
      expect(report.tables[0]!.changedColumns).toEqual([
        { index: 5, from: { Name: 'session_duration_sec', Type: 'double' }, to: { Name: 'session_duration_sec', Type: 'bigint' } },
      ]);
      expect((await catalog.getTable(`${TABLE_PREFIX}incremental_cookie`)).PartitionKeys).toEqual([{ Name: 'partition_0', Type: 'string' }]);
    } finally {
      await store.deleteObjects('datasets/sources/incremental/');
    }
  });

  it("with the store, checks each table's header row first: columns in another order change nothing", async () => {
    const catalog = createCatalog(config, store);
    await catalog.crawl();
    const checked = await fixTableSchemas(catalog, { store });
    expect(checked.tables.map((t) => t.headerRowCheckedIn)).toEqual(
      ['first_party', 'transactional', 'cookie', 'clickstream'].map((d) => sourceKey(d, `${d}_data_full.csv`)),
    );
    const cookieKey = sourceKey('cookie', 'cookie_data_full.csv');
    const original = FIXTURE_FILES[cookieKey]!;
    await store.putObject(cookieKey, original.replace('cookie_id,session_id,', 'session_id,cookie_id,'));
    try {
      await catalog.crawl();
      const before = snapshot();
      const error = await fixTableSchemas(catalog, { store }).catch((e: Error) => e);
      expect((error as Error).name).toBe('InvalidInputError');
      expect((error as Error).message).toContain(`table "${TABLE_PREFIX}cookie"`);
      expect((error as Error).message).toContain(cookieKey);
      expect(snapshot()).toEqual(before);
    } finally {
      await store.putObject(cookieKey, original);
    }
  });

  it('re-crawling keeps a fixed schema, as the Glue stack\'s crawlers (UpdateBehavior LOG) do', async () => {
    const logged: string[] = [];
    const catalog = createLocalCatalog({
      directory: join(dataDir, 'catalog'),
      store,
      database: config.glueDatabase,
      tablePrefix: config.tablePrefix,
      onLog: (message) => logged.push(message),
    });
    await catalog.crawl();
    await fixTableSchemas(catalog);
    const fixed = await catalog.getTable(`${TABLE_PREFIX}transactional`);
    expect(fixed.StorageDescriptor.Columns[0]!.Name).toBe('purchase_id');
    const before = snapshot();
    const { tables } = await catalog.crawl();
    expect(snapshot()).toEqual(before);
    expect(tables.find((t) => t.Name === `${TABLE_PREFIX}transactional`)).toEqual(fixed);
    // The crawler still sees col0, col1, ... and says so, as a Glue crawler logs the change.
    expect(logged.some((m) => m.includes(`${TABLE_PREFIX}transactional`) && m.includes('col0 string') && m.includes('UpdateBehavior LOG'))).toBe(true);
    expect((await fixTableSchemas(catalog)).tables.every((t) => !t.updated)).toBe(true);
  });

  it('a crawler set to UPDATE_IN_DATABASE (no MergeNewColumns) would undo the fix', async () => {
    const replacing = { updateBehavior: 'UPDATE_IN_DATABASE', mergeNewColumns: false, deleteBehavior: 'LOG', recrawlBehavior: 'CRAWL_EVERYTHING', partitionsInheritFromTable: false } as const;
    const catalog = createLocalCatalog({
      directory: join(dataDir, 'catalog'),
      store,
      database: config.glueDatabase,
      tablePrefix: config.tablePrefix,
      crawlerPolicies: { file: 'inline', initial: replacing, incremental: replacing },
    });
    await catalog.crawl();
    await fixTableSchemas(catalog);
    const fixed = await catalog.getTable(`${TABLE_PREFIX}transactional`);
    await catalog.crawl();
    const recrawled = await catalog.getTable(`${TABLE_PREFIX}transactional`);
    expect(recrawled.StorageDescriptor.Columns[0]!.Name).toBe('col0');
    expect(recrawled.CreateTime).toBe(fixed.CreateTime);
    await fixTableSchemas(createCatalog(config, store));
  });
});
