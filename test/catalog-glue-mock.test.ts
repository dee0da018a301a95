import {
  GetCrawlerCommand,
  GetTableCommand,
  GetTablesCommand,
  GlueClient,
  StartCrawlerCommand,
  UpdateTableCommand,
  type Table,
} from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { TABLE_INPUT_FIELDS, applyCrawlerPolicy, createCatalog, createGlueCatalog, crawlSourceFolders, fixTableSchemas, readCrawlerPolicies, type GlueTable } from '../src/catalog/index.js';
import type { ObjectStore } from '../src/lake/object-store.js';
import { defaultConfig } from '../src/config/kit-config.js';
import { FIXTURE_FILES, TABLE_PREFIX, createMemoryObjectStore, testCatalog } from './support/catalog-suite.js';

const DATABASE = 'identity_graph_poc';
const CRAWLER = 'identity-graph-poc-crawler';

function glueError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } });
}

/** GetTable's shape: the crawled table plus the read-only fields Glue adds. */
function asGlueTable(table: GlueTable, version: number): Table {
  return {
    ...(structuredClone(table) as unknown as Table),
    DatabaseName: DATABASE,
    CreateTime: new Date(String(table.CreateTime ?? '2024-01-01T00:00:00Z')),
    UpdateTime: new Date(),
    CatalogId: '123456789012',
    VersionId: String(version),
    IsRegisteredWithLakeFormation: false,
    CreatedBy: 'arn:aws:sts::123456789012:assumed-role/glue-crawler-role/AWS-Crawler',
  };
}

interface FakeGlueOptions {
  /** GetCrawler states after StartCrawler, in order; the last repeats. */
  states?: string[];
  /** LastCrawl once READY. */
  lastCrawl?: { Status: string; ErrorMessage?: string };
  /** A crawl is already under way when StartCrawler arrives. */
  alreadyRunning?: boolean;
}

/**
 * aws-sdk-client-mock with a small fake Glue behind it: StartCrawler, GetCrawler walking
 * through `states`, then tables as a crawler would write them (computed by the kit's crawler
 * over `store`, with Glue's read-only fields added), GetTables in pages of 3, GetTable, and an
 * UpdateTable that rejects any field TableInput does not accept, as Glue's validation does.
 */
function fakeGlue(store: ObjectStore, options: FakeGlueOptions = {}) {
  const client = new GlueClient({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  const mock = mockClient(client);
  const tables = new Map<string, Table>();
  // Per crawler: the states GetCrawler still has to walk through (empty: idle).
  const runs = new Map<string, string[]>();
  if (options.alreadyRunning) runs.set(CRAWLER, [...(options.states ?? ['RUNNING', 'STOPPING', 'READY'])]);
  const lastCrawls = new Map<string, Record<string, unknown>>();

  mock.on(StartCrawlerCommand).callsFake(async (input) => {
    if (runs.has(input.Name)) throw glueError('CrawlerRunningException', `Crawler with name ${input.Name} has already started`);
    runs.set(input.Name, [...(options.states ?? ['RUNNING', 'STOPPING', 'READY'])]);
    return {};
  });
  mock.on(GetCrawlerCommand).callsFake(async (input) => {
    const pending = runs.get(input.Name);
    const state = pending === undefined ? 'READY' : pending.length > 1 ? pending.shift()! : pending[0]!;
    if (state === 'READY' && pending !== undefined) {
      runs.delete(input.Name);
      const crawled = await crawlSourceFolders({ store, database: DATABASE, tablePrefix: TABLE_PREFIX, crawlerName: input.Name });
      // The initial crawler writes the initial tables, the incremental one the incremental tables.
      const mine = crawled.filter((t) => t.Name.startsWith(`${TABLE_PREFIX}incremental_`) === input.Name.endsWith('-incremental'));
      // With the Glue stack's schema policy: an existing table is left as it is (UpdateBehavior LOG).
      const policies = readCrawlerPolicies();
      const policy = input.Name.endsWith('-incremental') ? policies.incremental : policies.initial;
      for (const table of mine) {
        const existing = tables.get(table.Name) as GlueTable | undefined;
        const outcome = applyCrawlerPolicy(table, existing, policy);
        if (outcome.action !== 'kept') tables.set(table.Name, asGlueTable(outcome.table, 0));
      }
      lastCrawls.set(input.Name, { Status: 'SUCCEEDED', StartTime: new Date(), ...options.lastCrawl });
    }
    return { Crawler: { Name: input.Name, State: state, LastCrawl: lastCrawls.get(input.Name) } };
  });
  mock.on(GetTablesCommand).callsFake(async (input) => {
    const all = [...tables.values()].sort((a, b) => (a.Name! < b.Name! ? -1 : 1));
    const start = input.NextToken ? Number(input.NextToken) : 0;
    return { TableList: all.slice(start, start + 3), NextToken: start + 3 < all.length ? String(start + 3) : undefined };
  });
  mock.on(GetTableCommand).callsFake(async (input) => {
    const table = tables.get(input.Name);
    if (!table) throw glueError('EntityNotFoundException', `Table ${input.Name} not found.`);
    return { Table: structuredClone(table) };
  });
  mock.on(UpdateTableCommand).callsFake(async (input) => {
    const extra = Object.keys(input.TableInput).filter((k) => !(TABLE_INPUT_FIELDS as readonly string[]).includes(k));
    if (extra.length > 0) throw glueError('ValidationException', `TableInput does not accept ${extra.join(', ')}`);
    const previous = tables.get(input.TableInput.Name);
    if (!previous) throw glueError('EntityNotFoundException', `Table ${input.TableInput.Name} not found.`);
    tables.set(input.TableInput.Name, {
      ...structuredClone(input.TableInput),
      DatabaseName: DATABASE,
      CreateTime: previous.CreateTime,
      UpdateTime: new Date(),
      CatalogId: previous.CatalogId,
      VersionId: String(Number(previous.VersionId) + 1),
      IsRegisteredWithLakeFormation: false,
    } as Table);
    return {};
  });
  return { client, mock, tables };
}

async function fixtureStore(): Promise<ObjectStore> {
  const store = createMemoryObjectStore('kit-bucket');
  for (const [key, text] of Object.entries(FIXTURE_FILES)) await store.putObject(key, text);
  return store;
}

function catalogOver(client: GlueClient, extra: Partial<Parameters<typeof createGlueCatalog>[0]> = {}) {
  return createGlueCatalog({ client, database: DATABASE, crawlerName: CRAWLER, tablePrefix: TABLE_PREFIX, minDelay: 1000, maxDelay: 8000, sleep: async () => {}, ...extra });
}

testCatalog('Glue (aws-sdk-client-mock)', async (files) => {
  const store = createMemoryObjectStore('kit-bucket');
  for (const [key, text] of Object.entries(files)) await store.putObject(key, text);
  const { client, mock } = fakeGlue(store);
  return { catalog: catalogOver(client), bucket: store.bucket, close: async () => mock.restore() };
});

describe('Glue backend: the exact calls', () => {
  it('StartCrawler, then GetCrawler with back-off through RUNNING → STOPPING → READY, then GetTables', async () => {
    const { client, mock } = fakeGlue(await fixtureStore(), { states: ['RUNNING', 'RUNNING', 'STOPPING', 'READY'] });
    const sleeps: number[] = [];
    const states: string[] = [];
    const catalog = catalogOver(client, { sleep: async (ms) => void sleeps.push(ms) });
    const result = await catalog.crawl({ onProgress: (s) => states.push(s) });
    expect(mock.commandCalls(StartCrawlerCommand).map((c) => c.args[0].input)).toEqual([{ Name: CRAWLER }]);
    expect(mock.commandCalls(GetCrawlerCommand).map((c) => c.args[0].input)).toEqual(Array(4).fill({ Name: CRAWLER }));
    expect(states).toEqual(['STARTING', 'RUNNING', 'RUNNING', 'STOPPING', 'READY']);
    expect(sleeps).toEqual([1000, 2000, 4000]);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.tables.map((t) => t.Name)).toHaveLength(4);
    expect(mock.commandCalls(GetTablesCommand).map((c) => c.args[0].input)).toEqual([
      { DatabaseName: DATABASE, NextToken: undefined },
      { DatabaseName: DATABASE, NextToken: '3' },
    ]);
    mock.restore();
  });

  it('with an incremental crawler, starts both, waits for each, and lists the tables of both', async () => {
    const store = await fixtureStore();
    await store.putObject('datasets/sources/incremental/cookie/20240101_000000/cookie_data_inc.csv', 'cookie_id,session_id,last_action,user_name,conversion_id,session_duration_sec\nc,s,view,u,,3\n');
    const { client, mock } = fakeGlue(store);
    const states: string[] = [];
    const result = await catalogOver(client, { incrementalCrawlerName: `${CRAWLER}-incremental` }).crawl({ onProgress: (s) => states.push(s) });
    expect(mock.commandCalls(StartCrawlerCommand).map((c) => c.args[0].input.Name)).toEqual([CRAWLER, `${CRAWLER}-incremental`]);
    expect(new Set(mock.commandCalls(GetCrawlerCommand).map((c) => c.args[0].input.Name))).toEqual(new Set([CRAWLER, `${CRAWLER}-incremental`]));
    expect(states.at(-1)).toBe(`${CRAWLER}-incremental: READY`);
    expect(result.tables.map((t) => t.Name)).toContain(`${TABLE_PREFIX}incremental_cookie`);
    expect(result.tables).toHaveLength(5);
    mock.restore();
  });

  it('a crawler already running (CrawlerRunningException) is waited for, not an error', async () => {
    const { client, mock } = fakeGlue(await fixtureStore(), { alreadyRunning: true, states: ['RUNNING', 'STOPPING', 'READY'] });
    const result = await catalogOver(client).crawl();
    expect(result.status).toBe('SUCCEEDED');
    expect(mock.commandCalls(StartCrawlerCommand)).toHaveLength(1);
    expect(mock.commandCalls(GetCrawlerCommand)).toHaveLength(3);
    mock.restore();
  });

  it('a FAILED crawl surfaces LastCrawl.ErrorMessage as an OperationFailedError', async () => {
    const { client, mock } = fakeGlue(await fixtureStore(), {
      lastCrawl: { Status: 'FAILED', ErrorMessage: 'Service Principal: glue.amazonaws.com is not authorized to perform: s3:GetObject' },
    });
    const error = await catalogOver(client).crawl().catch((e: Error) => e);
    expect((error as Error).name).toBe('OperationFailedError');
    expect((error as Error).message).toContain('ended FAILED: Service Principal: glue.amazonaws.com is not authorized to perform: s3:GetObject');
    expect(mock.commandCalls(GetTablesCommand)).toHaveLength(0);
    mock.restore();
  });

  it('a crawler that never finishes ends in DeadlineExceededError', async () => {
    const { client, mock } = fakeGlue(await fixtureStore(), { states: ['RUNNING'] });
    let clock = 0;
    const catalog = catalogOver(client, { now: () => clock, sleep: async (ms) => void (clock += ms) });
    const error = await catalog.crawl({ timeoutMs: 60_000 }).catch((e: Error) => e);
    expect((error as Error).name).toBe('DeadlineExceededError');
    expect((error as Error).message).toContain(CRAWLER);
    mock.restore();
  });

  it('UpdateTable gets a TableInput with only accepted fields: names, types and header skip fixed', async () => {
    const { client, mock } = fakeGlue(await fixtureStore());
    const catalog = catalogOver(client);
    await catalog.crawl();
    const crawled = await catalog.getTable(`${TABLE_PREFIX}transactional`);
    expect(crawled).toMatchObject({ CatalogId: '123456789012', VersionId: '0', DatabaseName: DATABASE });
    const report = await fixTableSchemas(catalog, { datasets: ['transactional'] });
    expect(report.tables[0]!.lostHeader).toBe(true);
    const [call] = mock.commandCalls(UpdateTableCommand);
    const input = call!.args[0].input;
    expect(input.DatabaseName).toBe(DATABASE);
    expect(Object.keys(input.TableInput!).sort()).toEqual(['Name', 'Owner', 'Parameters', 'PartitionKeys', 'StorageDescriptor', 'TableType']);
    expect(input.TableInput!.StorageDescriptor!.Columns).toEqual([
      { Name: 'purchase_id', Type: 'string' },
      { Name: 'product_name', Type: 'string' },
      { Name: 'purchased_date', Type: 'string' },
      { Name: 'product_category', Type: 'string' },
      { Name: 'customer_id', Type: 'string' },
      { Name: 'reward_points', Type: 'bigint' },
    ]);
    expect(input.TableInput!.Parameters).toMatchObject({ classification: 'csv', 'skip.header.line.count': '1' });
    expect(input.TableInput!.StorageDescriptor!.Location).toBe('s3://kit-bucket/datasets/sources/initial/transactional/');
    // Read back: Glue bumped the version, the fix held.
    expect((await catalog.getTable(`${TABLE_PREFIX}transactional`)).VersionId).toBe('1');
    mock.restore();
  });
});

describe('createCatalog in aws mode', () => {
  it('talks to Glue with the configured database and crawler', async () => {
    const mock = mockClient(GlueClient); // every GlueClient, including the one createCatalog makes
    mock.on(GetTableCommand).rejects(glueError('EntityNotFoundException', 'Table poc_identity_graph_cookie not found.'));
    mock.on(StartCrawlerCommand).rejects(glueError('AccessDeniedException', 'not allowed to glue:StartCrawler'));
    try {
      const config = { ...defaultConfig('/tmp/unused'), mode: 'aws' as const, glueDatabase: 'my_db', crawlerName: 'my-crawler' };
      const catalog = createCatalog(config, createMemoryObjectStore());
      expect([catalog.name, catalog.database, catalog.tablePrefix]).toEqual(['glue', 'my_db', 'poc_identity_graph_']);
      const missing = await catalog.getTable('poc_identity_graph_cookie').catch((e: Error) => e);
      expect((missing as Error).name).toBe('NotFoundError');
      expect(mock.commandCalls(GetTableCommand)[0]!.args[0].input).toEqual({ DatabaseName: 'my_db', Name: 'poc_identity_graph_cookie' });
      const denied = await catalog.crawl().catch((e: Error) => e);
      expect((denied as Error).name).toBe('OperationFailedError');
      expect((denied as Error).message).toContain('AccessDeniedException');
      expect(mock.commandCalls(StartCrawlerCommand)[0]!.args[0].input).toEqual({ Name: 'my-crawler' });
    } finally {
      mock.restore();
    }
  });
});
