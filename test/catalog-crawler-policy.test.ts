import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  applyCrawlerPolicy,
  CRAWLER_RESOURCES,
  createCatalog,
  fixTableSchemas,
  GLUE_TEMPLATE_FILE,
  readCrawlerPolicies,
  type CrawlerSchemaPolicy,
  type GlueTable,
} from '../src/catalog/index.js';
import { defaultConfig } from '../src/config/kit-config.js';
import { readTemplate } from '../src/infra/index.js';
import { createObjectStore, sourceKey } from '../src/lake/index.js';
import { FIXTURE_FILES, TABLE_PREFIX } from './support/catalog-suite.js';
import { captureError } from './support/capture-error.js';

const work = mkdtempSync(join(tmpdir(), 'idgraph-crawler-policy-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the Glue stack's crawlers never change an existing table's schema", () => {
  it('both crawlers: SchemaChangePolicy LOG/LOG, RecrawlPolicy CRAWL_EVERYTHING, partitions InheritFromTable', () => {
    const glue = readTemplate(GLUE_TEMPLATE_FILE).template;
    for (const id of Object.values(CRAWLER_RESOURCES)) {
      const properties = glue.Resources[id]!.Properties as Record<string, any>;
      expect(properties.SchemaChangePolicy, id).toEqual({ UpdateBehavior: 'LOG', DeleteBehavior: 'LOG' });
      expect(properties.RecrawlPolicy, id).toEqual({ RecrawlBehavior: 'CRAWL_EVERYTHING' });
      const configuration = JSON.parse(properties.Configuration);
      expect(configuration.CrawlerOutput, id).toEqual({ Partitions: { AddOrUpdateBehavior: 'InheritFromTable' } });
      // MergeNewColumns would add col0, col1, ... next to the fixed names: it must not be set.
      expect(configuration.CrawlerOutput.Tables, id).toBeUndefined();
      expect(configuration.Grouping, id).toEqual({ TableLevelConfiguration: 4 });
    }
  });

  it('are what the local crawler reads', () => {
    const policies = readCrawlerPolicies();
    const expected: CrawlerSchemaPolicy = { updateBehavior: 'LOG', mergeNewColumns: false, deleteBehavior: 'LOG', recrawlBehavior: 'CRAWL_EVERYTHING', partitionsInheritFromTable: true };
    expect(policies.initial).toEqual(expected);
    expect(policies.incremental).toEqual(expected);
  });
});

describe('reading a crawler policy from a template', () => {
  const glueText = readFileSync(GLUE_TEMPLATE_FILE, 'utf8');
  const variant = (name: string, text: string) => {
    const file = join(work, name);
    writeFileSync(file, text);
    return file;
  };
  const lineOf = (text: string, needle: string) => text.split('\n').findIndex((line) => line.includes(needle)) + 1;

  it('an unknown UpdateBehavior names the file, line and property', () => {
    const text = glueText.replace('UpdateBehavior: LOG', 'UpdateBehavior: KEEP');
    const file = variant('bad-update.yaml', text);
    const error = captureError(() => readCrawlerPolicies(file));
    expect(error.name).toBe('InvalidInputError');
    expect(error.message).toContain(`${file}:${lineOf(text, 'UpdateBehavior: KEEP')}`);
    expect(error.message).toContain('Resources.Crawler.Properties.SchemaChangePolicy.UpdateBehavior');
    expect(error.message).toContain('"KEEP"');
  });

  it('a setting the local crawler cannot follow is refused, not ignored', () => {
    const deleting = variant('deleting.yaml', glueText.replace('DeleteBehavior: LOG', 'DeleteBehavior: DELETE_FROM_DATABASE'));
    expect(captureError(() => readCrawlerPolicies(deleting)).message).toContain('DeleteBehavior: DELETE_FROM_DATABASE: the local crawler follows only LOG');
    const newFolders = variant('new-folders.yaml', glueText.replace('RecrawlBehavior: CRAWL_EVERYTHING', 'RecrawlBehavior: CRAWL_NEW_FOLDERS_ONLY'));
    expect(captureError(() => readCrawlerPolicies(newFolders)).message).toContain('CRAWL_NEW_FOLDERS_ONLY: the local crawler follows only CRAWL_EVERYTHING');
    const brokenJson = variant('broken-json.yaml', glueText.replace('"Version":1.0,', '"Version":1.0,,'));
    expect(captureError(() => readCrawlerPolicies(brokenJson)).message).toContain('Resources.Crawler.Properties.Configuration: is not valid JSON');
  });

  it('left out, the properties mean what CloudFormation defaults them to (UPDATE_IN_DATABASE)', () => {
    const text = glueText.replace(/      SchemaChangePolicy:\n        UpdateBehavior: LOG\n        DeleteBehavior: LOG\n/g, '      SchemaChangePolicy:\n        DeleteBehavior: LOG\n');
    expect(readCrawlerPolicies(variant('defaults.yaml', text)).initial.updateBehavior).toBe('UPDATE_IN_DATABASE');
  });
});

describe('applying a crawler policy to one table', () => {
  const table = (columns: [string, string][], time: string): GlueTable => ({
    Name: 't',
    CreateTime: time,
    UpdateTime: time,
    StorageDescriptor: { Columns: columns.map(([Name, Type]) => ({ Name, Type })), Location: 's3://b/datasets/sources/initial/t/' },
  });
  const policy = (overrides: Partial<CrawlerSchemaPolicy>): CrawlerSchemaPolicy => ({
    updateBehavior: 'LOG', mergeNewColumns: false, deleteBehavior: 'LOG', recrawlBehavior: 'CRAWL_EVERYTHING', partitionsInheritFromTable: true, ...overrides,
  });
  const fixed = table([['purchase_id', 'string'], ['reward_points', 'bigint']], '2026-01-01T00:00:00.000Z');
  const crawled = table([['col0', 'string'], ['col1', 'string'], ['col2', 'string']], '2026-02-01T00:00:00.000Z');

  it('creates a new table whatever the policy', () => {
    expect(applyCrawlerPolicy(crawled, undefined, policy({})).action).toBe('created');
  });

  it('LOG keeps the stored table and reports the difference', () => {
    const outcome = applyCrawlerPolicy(crawled, fixed, policy({}));
    expect(outcome.action).toBe('kept');
    expect(outcome.table).toBe(fixed);
    expect(outcome.logged).toContain('col0 string, col1 string, col2 string');
    expect(applyCrawlerPolicy(fixed, fixed, policy({})).logged).toBeUndefined();
  });

  it('UPDATE_IN_DATABASE replaces it (creation time kept); MergeNewColumns only appends new names', () => {
    const replaced = applyCrawlerPolicy(crawled, fixed, policy({ updateBehavior: 'UPDATE_IN_DATABASE' }));
    expect(replaced.action).toBe('replaced');
    expect(replaced.table.StorageDescriptor.Columns.map((c) => c.Name)).toEqual(['col0', 'col1', 'col2']);
    expect(replaced.table.CreateTime).toBe(fixed.CreateTime);
    const merged = applyCrawlerPolicy(crawled, fixed, policy({ updateBehavior: 'UPDATE_IN_DATABASE', mergeNewColumns: true }));
    expect(merged.action).toBe('merged');
    expect(merged.table.StorageDescriptor.Columns.map((c) => `${c.Name} ${c.Type}`)).toEqual(['purchase_id string', 'reward_points bigint', 'col0 string', 'col1 string', 'col2 string']);
    const same = applyCrawlerPolicy(table([['reward_points', 'double']], 'x'), fixed, policy({ updateBehavior: 'UPDATE_IN_DATABASE', mergeNewColumns: true }));
    expect(same.action).toBe('kept');
  });
});

describe('local catalog: crawl → fix → crawl keeps the fix, initial and incremental tables alike', () => {
  it('keeps every fixed table through a second crawl that also finds a new batch', async () => {
    const config = defaultConfig(join(work, 'lake'));
    const store = await createObjectStore(config);
    try {
      for (const [key, text] of Object.entries(FIXTURE_FILES)) await store.putObject(key, text);
      const header = 'purchase_id,product_name,purchased_date,product_category,customer_id,reward_points\n';
      await store.putObject(sourceKey('transactional', 'transactional_data_inc.csv', '20260101_090000'), `${header}p-9,Rug,2026-01-01,Home,x@example.com,\n`);
      const catalog = createCatalog(config, store);
      await catalog.crawl();
      // The classifier loses transactional's header (all strings): col0, col1, ... before the fix.
      expect((await catalog.getTable(`${TABLE_PREFIX}incremental_transactional`)).StorageDescriptor.Columns[0]!.Name).toBe('col0');
      await fixTableSchemas(catalog);
      await fixTableSchemas(catalog, { incremental: true, datasets: ['transactional'] });
      const fixedTables = await catalog.listTables();

      // A second batch arrives (notebook 09) and the crawler runs again.
      await store.putObject(sourceKey('transactional', 'transactional_data_inc.csv', '20260102_090000'), `${header}p-10,Vase,2026-01-02,Home,y@example.com,\n`);
      await store.putObject(sourceKey('cookie', 'cookie_data_inc.csv', '20260102_090000'), 'cookie_id,session_id,last_action,user_name,conversion_id,session_duration_sec\nc-9,s-9,view,x,,12\n');
      const { tables } = await catalog.crawl();

      const after = await catalog.listTables();
      for (const fixed of fixedTables) expect(after.find((t) => t.Name === fixed.Name), fixed.Name).toEqual(fixed);
      // The crawl still creates the tables it had not seen.
      expect(after.map((t) => t.Name)).toContain(`${TABLE_PREFIX}incremental_cookie`);
      expect(tables.map((t) => t.Name).sort()).toEqual(after.map((t) => t.Name).sort());
      const report = await fixTableSchemas(catalog, { incremental: true, datasets: ['transactional'] });
      expect(report.tables[0]!.updated).toBe(false);
      expect(report.verified).toBe(true);
    } finally {
      await store.close();
    }
  });
});
