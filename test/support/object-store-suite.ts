import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObjectStore, TransferProgress } from '../../src/lake/object-store.js';

export interface ObjectStoreFactoryOptions {
  /** Use a bucket that does not exist (the factory must not create it). */
  missingBucket?: boolean;
}

/** Makes a store over an empty bucket; closing it is the suite's job. */
export type ObjectStoreFactory = (options?: ObjectStoreFactoryOptions) => Promise<ObjectStore>;

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/**
 * The ObjectStore contract, backend-neutral (after graphology's `specs(Graph, implementation)`):
 * every backend — the embedded S3 server for real, S3 behind aws-sdk-client-mock — must pass it.
 */
export function testObjectStore(backend: string, factory: ObjectStoreFactory): void {
  describe(`ObjectStore contract: ${backend}`, () => {
    let store: ObjectStore;
    let work: string;

    beforeAll(async () => {
      store = await factory();
      work = mkdtempSync(join(tmpdir(), 'idgraph-store-'));
    });
    afterAll(async () => {
      await store?.close();
      rmSync(work, { recursive: true, force: true });
    });

    it('round-trips strings and bytes, and reports their size', async () => {
      await store.putObject('contract/a.txt', 'héllo, world\n');
      const bytes = new Uint8Array([0, 1, 2, 253, 254, 255]);
      await store.putObject('contract/b.bin', bytes);
      expect((await store.getObject('contract/a.txt')).toString('utf8')).toBe('héllo, world\n');
      expect(new Uint8Array(await store.getObject('contract/b.bin'))).toEqual(bytes);
      expect((await store.headObject('contract/a.txt'))?.size).toBe(Buffer.byteLength('héllo, world\n'));
      expect(await collect(await store.getObjectStream('contract/b.bin'))).toEqual(Buffer.from(bytes));
    });

    it('stores a streamed upload byte-identical (no chunk framing inside)', async () => {
      const parts = [randomBytes(1000), randomBytes(70_000), Buffer.from('tail,\r\n"quoted"')];
      await store.putObject('contract/streamed.bin', Readable.from(parts));
      const back = await store.getObject('contract/streamed.bin');
      expect(back.length).toBe(71_000 + parts[2]!.length);
      expect(back.equals(Buffer.concat(parts))).toBe(true);
    });

    it('uploads a file over 5 MiB as multipart, byte-identical, reporting progress', async () => {
      const path = join(work, 'big.bin');
      const content = randomBytes(6 * 1024 * 1024 + 123);
      writeFileSync(path, content);
      const progress: TransferProgress[] = [];
      await store.putFile('contract/big.bin', path, { onProgress: (p) => progress.push(p) });
      expect((await store.getObject('contract/big.bin')).equals(content)).toBe(true);
      expect(progress.length).toBeGreaterThanOrEqual(2);
      expect(progress.at(-1)!.loadedBytes).toBe(content.length);
      expect(progress.every((p) => p.key === 'contract/big.bin')).toBe(true);
    });

    it('lists every object under a prefix, sorted, and only those', async () => {
      for (const key of ['list/c.csv', 'list/a.csv', 'list/sub/b.csv', 'listing/other.csv', 'list/d.csv']) {
        await store.putObject(key, key);
      }
      const listed = await store.listObjects('list/');
      expect(listed.map((o) => o.key)).toEqual(['list/a.csv', 'list/c.csv', 'list/d.csv', 'list/sub/b.csv']);
      expect(listed[0]!.size).toBe('list/a.csv'.length);
      expect(await store.listObjects('nothing-here/')).toEqual([]);
    });

    it('answers a missing key: headObject undefined, getObject NotFoundError naming the key', async () => {
      expect(await store.headObject('contract/missing.csv')).toBeUndefined();
      const error = await store.getObject('contract/missing.csv').catch((e: Error) => e);
      expect((error as Error).name).toBe('NotFoundError');
      expect((error as Error).message).toContain('contract/missing.csv');
      const streamError = await store.getObjectStream('contract/missing.csv').catch((e: Error) => e);
      expect((streamError as Error).name).toBe('NotFoundError');
    });

    it('downloads atomically; a failed download leaves the existing file untouched', async () => {
      const target = join(work, 'download.txt');
      await store.putObject('contract/download.txt', 'downloaded');
      await store.downloadFile('contract/download.txt', target);
      expect(readFileSync(target, 'utf8')).toBe('downloaded');
      const error = await store.downloadFile('contract/missing.txt', target).catch((e: Error) => e);
      expect((error as Error).name).toBe('NotFoundError');
      expect(readFileSync(target, 'utf8')).toBe('downloaded');
      expect(readdirSync(work).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    });

    it('deletes everything under a prefix and nothing else', async () => {
      for (const key of ['del/1', 'del/2', 'del/x/3', 'delta/keep']) await store.putObject(key, 'x');
      expect(await store.deleteObjects('del/')).toBe(3);
      expect(await store.listObjects('del/')).toEqual([]);
      expect((await store.listObjects('delta/')).map((o) => o.key)).toEqual(['delta/keep']);
    });

    it('a missing bucket is a NotFoundError naming the bucket, for reads and writes', async () => {
      const missing = await factory({ missingBucket: true });
      try {
        const put = await missing.putObject('x.csv', 'a,b\n').catch((e: Error) => e);
        expect((put as Error).name).toBe('NotFoundError');
        expect((put as Error).message).toContain(`bucket "${missing.bucket}"`);
        const get = await missing.getObject('x.csv').catch((e: Error) => e);
        expect((get as Error).name).toBe('NotFoundError');
        const list = await missing.listObjects('').catch((e: Error) => e);
        expect((list as Error).name).toBe('NotFoundError');
        const head = await missing.headObject('x.csv').catch((e: Error) => e);
        expect((head as Error).name).toBe('NotFoundError');
        const file = join(work, 'small.csv');
        writeFileSync(file, 'a,b\n1,2\n');
        const upload = await missing.putFile('x.csv', file).catch((e: Error) => e);
        expect((upload as Error).name).toBe('NotFoundError');
      } finally {
        await missing.close();
      }
    });

    it('uploading a local file that does not exist is a NotFoundError and stores nothing', async () => {
      const error = await store.putFile('contract/nofile.csv', join(work, 'no-such-file.csv')).catch((e: Error) => e);
      expect((error as Error).name).toBe('NotFoundError');
      expect(await store.headObject('contract/nofile.csv')).toBeUndefined();
      expect(existsSync(join(work, 'no-such-file.csv'))).toBe(false);
    });
  });
}
