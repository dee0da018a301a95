import { readFile, writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog, GlueTable } from '../../src/catalog/catalog-types.js';
import { EXPECTED_SCHEMAS } from '../../src/catalog/expected-schemas.js';
import { fixTableSchemas } from '../../src/catalog/fix-table-schemas.js';
import { NotFoundError } from '../../src/errors.js';
import type { ObjectInfo, ObjectStore } from '../../src/lake/object-store.js';
import { sourceKey } from '../../src/lake/dataset-layout.js';
import type { DatasetName } from '../../src/datagen/dataset-schema.js';

export const TABLE_PREFIX = 'poc_identity_graph_';

/**
 * Four tiny hand-written source files in the generator's column order (DESIGN §5). Three have
 * a numeric column, so Glue's classifier keeps their header; `transactional` has no non-empty
 * numeric cell (reward_points left empty), so every column is a string and the header is lost.
 * first_party's external_id is all digits: the crawler types it bigint, the fix makes it string.
 */
export const FIXTURE_FILES: Record<string, string> = {
  [sourceKey('first_party', 'first_party_data_full.csv')]:
    'user_name,email,phone_number,external_id,street_address,postcode,city,country,birthday,loyalty_points,loyalty_level\n' +
    'meredith41,m@example.com,+1-555-0100,100200,1 Main St,02134,Boston,United States,1980-01-02,120,gold\n' +
    'jdoe,j@example.org,+1-555-0101,100201,"2 Elm St, Apt 3",94105,San Francisco,United States,1991-12-31,0,silver\n' +
    'kim_s,k@example.net,+1-555-0102,100202,3 Oak Ave,10001,New York,United States,1975-06-15,5400,platinum\n',
  [sourceKey('transactional', 'transactional_data_full.csv')]:
    'purchase_id,product_name,purchased_date,product_category,customer_id,reward_points\n' +
    'p-1,Lamp,2023-01-05,Home,m@example.com,\n' +
    'p-2,Chair,2023-02-11,Furniture,100201,\n' +
    'p-3,Desk,2023-03-17,Furniture,k@example.net,\n',
  [sourceKey('cookie', 'cookie_data_full.csv')]:
    'cookie_id,session_id,last_action,user_name,conversion_id,session_duration_sec\n' +
    'c-1,s-1,add_to_cart,meredith41,,320\n' +
    'c-2,s-2,purchase,jdoe,conv-9,45\n',
  [sourceKey('clickstream', 'clickstream_data_full.csv')]:
    'session_id,client_ip,client_platform,canonical_url,domain_name,app_id,device_id,user_name,events,start_timestamp,start_event,end_timestamp,end_event,session_duration_sec,user-agent\n' +
    's-1,10.0.0.1,web,https://shop.example.com/a,shop.example.com,,,meredith41,12,2023-01-05 10:00:00,page_view,2023-01-05 10:05:20,add_to_cart,320,Mozilla/5.0\n' +
    's-3,10.0.0.2,android,,,app-7,dev-1,kim_s,3,2023-01-06 08:00:00,app_open,2023-01-06 08:01:00,app_close,60,okhttp/4.9\n',
};

/** Datasets of the fixture whose header the classifier cannot see. */
export const FIXTURE_LOST_HEADER = ['transactional'];

/** An in-memory ObjectStore, for the mocked-Glue crawler (the local catalog runs on the real embedded S3). */
export function createMemoryObjectStore(bucket = 'memory-bucket'): ObjectStore & { objects: Map<string, Buffer> } {
  const objects = new Map<string, Buffer>();
  const missing = (key: string) => new NotFoundError(`[kit] [memory] s3://${bucket}/${key} does not exist`);
  return {
    name: 'memory',
    bucket,
    objects,
    async putFile(key, path) {
      objects.set(key, await readFile(path));
    },
    async putObject(key, body) {
      if (body instanceof Readable) {
        const chunks: Buffer[] = [];
        for await (const c of body) chunks.push(Buffer.from(c as Uint8Array));
        objects.set(key, Buffer.concat(chunks));
      } else objects.set(key, Buffer.from(body));
    },
    async getObject(key) {
      const data = objects.get(key);
      if (!data) throw missing(key);
      return data;
    },
    async getObjectStream(key) {
      const data = objects.get(key);
      if (!data) throw missing(key);
      // Small chunks, as a network stream delivers them.
      const chunks: Buffer[] = [];
      for (let i = 0; i < data.length; i += 64 * 1024) chunks.push(data.subarray(i, i + 64 * 1024));
      return Readable.from(chunks);
    },
    async downloadFile(key, path) {
      const data = objects.get(key);
      if (!data) throw missing(key);
      await writeFile(path, data);
    },
    async listObjects(prefix) {
      const list: ObjectInfo[] = [...objects.entries()]
        .filter(([k]) => k.startsWith(prefix))
        .map(([key, data]) => ({ key, size: data.length }));
      return list.sort((a, b) => (a.key < b.key ? -1 : 1));
    },
    async headObject(key) {
      const data = objects.get(key);
      return data ? { key, size: data.length } : undefined;
    },
    async deleteObjects(prefix) {
      let n = 0;
      for (const key of [...objects.keys()]) if (key.startsWith(prefix) && objects.delete(key)) n++;
      return n;
    },
    async close() {},
  };
}

export interface CatalogUnderTest {
  catalog: Catalog;
  /** The bucket the fixture files were put in (for `Location`). */
  bucket: string;
  close(): Promise<void>;
}

/**
 * Makes a catalog whose crawler will see exactly `files` (key → CSV text) under its bucket.
 * The local backend puts them in the embedded S3 server; the mocked Glue backend feeds them to
 * its fake crawler.
 */
export type CatalogFactory = (files: Record<string, string>) => Promise<CatalogUnderTest>;

/**
 * The Catalog contract, backend-neutral: the local file catalog (for real) and the Glue
 * backend (behind aws-sdk-client-mock) must both pass it.
 */
export function testCatalog(backend: string, factory: CatalogFactory): void {
  describe(`Catalog contract: ${backend}`, () => {
    let subject: CatalogUnderTest;
    let crawled: GlueTable[];

    beforeAll(async () => {
      subject = await factory(FIXTURE_FILES);
      crawled = (await subject.catalog.crawl({ timeoutMs: 60_000 })).tables;
    });
    afterAll(async () => {
      await subject?.close();
    });

    it('crawls one CSV table per dataset folder, named with the prefix', async () => {
      expect(crawled.map((t) => t.Name)).toEqual(
        ['clickstream', 'cookie', 'first_party', 'transactional'].map((d) => TABLE_PREFIX + d),
      );
      const listed = await subject.catalog.listTables();
      expect(listed.map((t) => t.Name)).toEqual(crawled.map((t) => t.Name));
      for (const table of listed) {
        const dataset = table.Name.slice(TABLE_PREFIX.length);
        expect(table.Parameters?.classification).toBe('csv');
        expect(table.StorageDescriptor.Location).toBe(`s3://${subject.bucket}/datasets/sources/initial/${dataset}/`);
        expect(table.StorageDescriptor.Columns).toHaveLength(EXPECTED_SCHEMAS[dataset as DatasetName].length);
      }
    });

    it("applies Glue's header rule: a header only where some data column is not a string", async () => {
      const cookie = await subject.catalog.getTable(`${TABLE_PREFIX}cookie`);
      expect(cookie.StorageDescriptor.Columns.map((c) => c.Name)).toEqual(EXPECTED_SCHEMAS.cookie!.map((c) => c.Name));
      expect(cookie.StorageDescriptor.Columns.at(-1)).toEqual({ Name: 'session_duration_sec', Type: 'bigint' });
      expect(cookie.Parameters?.['skip.header.line.count']).toBe('1');

      const transactional = await subject.catalog.getTable(`${TABLE_PREFIX}transactional`);
      expect(transactional.StorageDescriptor.Columns.map((c) => c.Name)).toEqual(['col0', 'col1', 'col2', 'col3', 'col4', 'col5']);
      expect(transactional.StorageDescriptor.Columns.every((c) => c.Type === 'string')).toBe(true);
      expect(transactional.Parameters?.['skip.header.line.count']).toBeUndefined();

      const firstParty = await subject.catalog.getTable(`${TABLE_PREFIX}first_party`);
      const types = Object.fromEntries(firstParty.StorageDescriptor.Columns.map((c) => [c.Name, c.Type]));
      expect(types).toMatchObject({ external_id: 'bigint', postcode: 'bigint', loyalty_points: 'bigint', birthday: 'string', street_address: 'string' });
    });

    it('getTable of a missing table is a NotFoundError naming it', async () => {
      const error = await subject.catalog.getTable(`${TABLE_PREFIX}nope`).catch((e: Error) => e);
      expect((error as Error).name).toBe('NotFoundError');
      expect((error as Error).message).toContain(`${TABLE_PREFIX}nope`);
    });

    it('updateTable accepts a table exactly as getTable returned it (read-only fields and all)', async () => {
      const table = await subject.catalog.getTable(`${TABLE_PREFIX}cookie`);
      table.StorageDescriptor.Columns[0] = { ...table.StorageDescriptor.Columns[0]!, Comment: 'the cookie' };
      table.Parameters = { ...table.Parameters, reviewed: 'yes' };
      await subject.catalog.updateTable(table);
      const back = await subject.catalog.getTable(`${TABLE_PREFIX}cookie`);
      expect(back.StorageDescriptor.Columns[0]).toEqual({ Name: 'cookie_id', Type: 'string', Comment: 'the cookie' });
      expect(back.Parameters?.reviewed).toBe('yes');
      expect(back.Name).toBe(`${TABLE_PREFIX}cookie`);
    });

    it('updateTable of a missing table is a NotFoundError and creates nothing', async () => {
      const table = structuredClone(await subject.catalog.getTable(`${TABLE_PREFIX}cookie`));
      table.Name = `${TABLE_PREFIX}ghost`;
      const error = await subject.catalog.updateTable(table).catch((e: Error) => e);
      expect((error as Error).name).toBe('NotFoundError');
      expect((await subject.catalog.listTables()).map((t) => t.Name)).not.toContain(`${TABLE_PREFIX}ghost`);
    });

    it('fixTableSchemas restores every column name and type and the header skip, and verifies', async () => {
      const report = await fixTableSchemas(subject.catalog);
      expect(report.verified).toBe(true);
      expect(report.tables.filter((t) => t.lostHeader).map((t) => t.dataset)).toEqual(FIXTURE_LOST_HEADER);
      const firstParty = report.tables.find((t) => t.dataset === 'first_party')!;
      expect(firstParty.changedColumns).toEqual([
        { index: 3, from: { Name: 'external_id', Type: 'bigint' }, to: { Name: 'external_id', Type: 'string' } },
      ]);
      const transactional = report.tables.find((t) => t.dataset === 'transactional')!;
      expect(transactional.changedColumns).toHaveLength(6);
      expect(transactional.headerSkipBefore).toBeUndefined();
      for (const [dataset, expected] of Object.entries(EXPECTED_SCHEMAS)) {
        const table = await subject.catalog.getTable(TABLE_PREFIX + dataset);
        expect(table.StorageDescriptor.Columns.map((c) => ({ Name: c.Name, Type: c.Type }))).toEqual(expected);
        expect(table.Parameters?.['skip.header.line.count']).toBe('1');
        expect(table.Parameters?.classification).toBe('csv');
      }
      // Idempotent: a second run finds nothing to change.
      const again = await fixTableSchemas(subject.catalog);
      expect(again.tables.every((t) => !t.updated && t.changedColumns.length === 0)).toBe(true);
    });

    it('a crawl after fixTableSchemas keeps every fixed schema (the Glue stack\'s UpdateBehavior LOG)', async () => {
      await fixTableSchemas(subject.catalog);
      const fixed = await subject.catalog.listTables();
      await subject.catalog.crawl({ timeoutMs: 60_000 });
      const after = await subject.catalog.listTables();
      expect(after.map((t) => [t.Name, t.StorageDescriptor.Columns, t.Parameters?.['skip.header.line.count']])).toEqual(
        fixed.map((t) => [t.Name, t.StorageDescriptor.Columns, t.Parameters?.['skip.header.line.count']]),
      );
      expect((await fixTableSchemas(subject.catalog)).tables.every((t) => !t.updated)).toBe(true);
    });

    it('fixTableSchemas with a missing table changes nothing (NotFoundError first)', async () => {
      const before = await subject.catalog.listTables();
      const error = await fixTableSchemas(subject.catalog, { incremental: true }).catch((e: Error) => e);
      expect((error as Error).name).toBe('NotFoundError');
      const after = await subject.catalog.listTables();
      expect(after.map((t) => [t.Name, t.StorageDescriptor.Columns])).toEqual(before.map((t) => [t.Name, t.StorageDescriptor.Columns]));
    });
  });
}
