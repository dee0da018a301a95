/**
 * `testBulkLoader(name, factory)`: the contract every BulkLoader backend must meet (after
 * graphology's `specs(Graph, implementation)`), run against the embedded loader and against the
 * Neptune client path. Both read the same objects from the same object store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObjectStore } from '../../src/lake/object-store.js';
import type { BulkLoader } from '../../src/loader/load-status.js';

export interface BulkLoaderFixture {
  loader: BulkLoader;
  /** The store the loader reads (the suite writes its CSV objects there). */
  store: ObjectStore;
  /** Vertex and edge counts of the graph the loader writes into. */
  countElements(): Promise<{ vertices: number; edges: number }>;
  /** Property values of a vertex, by key. */
  vertexValues(id: string): Promise<Record<string, unknown[]>>;
  close(): Promise<void>;
}

const PEOPLE = '~id,~label,name,age:Int,tags:String[]\nu1,User,"Doe, Ann",41,a;b\nu2,User,Bob,,c\n';
const EMAILS = '~id,~label\ne1,Email\ne2,Email\n';
const EDGES = '~id,~from,~to,~label,since:Date\nhas:u1:e1,u1,e1,hasEmail,2020-01-01\nhas:u2:e2,u2,e2,hasEmail,\n';
const DANGLING = '~id,~from,~to,~label\nhas:u1:e9,u1,e9,hasEmail\n';
const BATCH_PEOPLE = '~id,~label,tags:String[]\nu1,User,c\nu3,User,new\n';
const BATCH_EDGES = '~id,~from,~to,~label\nhas:u3:e1,u3,e1,hasEmail\n';

export function testBulkLoader(name: string, factory: () => Promise<BulkLoaderFixture>): void {
  describe(`BulkLoader contract: ${name}`, () => {
    let f: BulkLoaderFixture;
    beforeAll(async () => {
      f = await factory();
      const s = f.store;
      await s.putObject('graph/initial/vertices/User.csv', PEOPLE);
      await s.putObject('graph/initial/vertices/Email.csv', EMAILS);
      await s.putObject('graph/initial/edges/hasEmail.csv', EDGES);
      await s.putObject('graph/bad/vertices/User.csv', PEOPLE);
      await s.putObject('graph/bad/vertices/Email.csv', EMAILS);
      await s.putObject('graph/bad/edges/hasEmail.csv', DANGLING);
      await s.putObject('graph/incremental/20260102_000000/vertices/User.csv', BATCH_PEOPLE);
      await s.putObject('graph/incremental/20260102_000000/edges/hasEmail.csv', BATCH_EDGES);
    });
    afterAll(async () => {
      await f?.close();
    });

    it('loads vertices then edges and reports LOAD_COMPLETED with the counts', async () => {
      const status = await f.loader.load({ prefix: 'graph/initial/', failOnError: true });
      expect(status.overallStatus).toMatchObject({
        status: 'LOAD_COMPLETED',
        totalRecords: 6,
        parsingErrors: 0,
        datatypeMismatchErrors: 0,
        insertErrors: 0,
      });
      expect(status.errors.errorLogs).toEqual([]);
      expect(await f.countElements()).toEqual({ vertices: 4, edges: 2 });
      expect(await f.vertexValues('u1')).toEqual({ name: ['Doe, Ann'], age: [41], tags: ['a', 'b'] });
    });

    it('re-running the load duplicates nothing', async () => {
      const status = await f.loader.load({ prefix: 'graph/initial/', failOnError: true });
      expect(status.overallStatus).toMatchObject({ status: 'LOAD_COMPLETED', totalRecords: 6, totalDuplicates: 6 });
      expect(await f.countElements()).toEqual({ vertices: 4, edges: 2 });
    });

    it('an incremental batch adds and updates, never duplicates', async () => {
      const status = await f.loader.load({ prefix: 'graph/incremental/20260102_000000/', failOnError: true });
      expect(status.overallStatus).toMatchObject({ status: 'LOAD_COMPLETED', totalRecords: 3, totalDuplicates: 1 });
      expect(await f.countElements()).toEqual({ vertices: 5, edges: 3 });
      expect((await f.vertexValues('u1')).tags).toEqual(['a', 'b', 'c']);
    });

    it('reports a dangling edge in the error log, with its file and record number', async () => {
      const status = await f.loader.load({ prefix: 'graph/bad/', failOnError: false });
      expect(status.overallStatus.insertErrors).toBe(1);
      expect(status.overallStatus.status).not.toBe('LOAD_COMPLETED');
      expect(status.errors.errorLogs).toEqual([
        {
          errorCode: 'FROM_OR_TO_VERTEX_ARE_MISSING',
          errorMessage: "Either from vertex, 'u1', or to vertex, 'e9', is not present.",
          fileName: `s3://${f.store.bucket}/graph/bad/edges/hasEmail.csv`,
          recordNum: 1,
        },
      ]);
      expect(await f.countElements()).toEqual({ vertices: 5, edges: 3 });
    });
  });
}
