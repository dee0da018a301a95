import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config/kit-config.js';
import {
  createLocalS3Client,
  createObjectStore,
  createS3ObjectStore,
  startLocalS3Server,
  type LocalS3Server,
} from '../src/lake/index.js';
import { testObjectStore } from './support/object-store-suite.js';

let server: LocalS3Server;
let serverDir: string;
let bucketCount = 0;

const clientFor = (endpoint: string) => createLocalS3Client({ endpoint });

beforeAll(async () => {
  serverDir = mkdtempSync(join(tmpdir(), 'idgraph-s3rver-'));
  server = await startLocalS3Server({ directory: serverDir });
});
afterAll(async () => {
  await server?.close();
  rmSync(serverDir, { recursive: true, force: true });
});

// The contract, for real, against the embedded s3rver (each factory call: a fresh bucket).
testObjectStore('local s3rver', async (options) => {
  const client = clientFor(server.endpoint);
  const bucket = `contract-${++bucketCount}`;
  if (!options?.missingBucket) {
    const { CreateBucketCommand } = await import('@aws-sdk/client-s3');
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  }
  return createS3ObjectStore({ client, bucket, name: 'local-s3', partSize: 5 * 1024 * 1024 });
});

/** Runs `use` with a client of the embedded server and a new bucket of that name. */
async function withBucket(bucket: string, use: (client: ReturnType<typeof clientFor>) => Promise<void>): Promise<void> {
  const client = clientFor(server.endpoint);
  try {
    const { CreateBucketCommand } = await import('@aws-sdk/client-s3');
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    await use(client);
  } finally {
    client.destroy();
  }
}

describe('the embedded server client', () => {
  it('stores a raw PutObject with a stream body byte-identical (no aws-chunked framing)', () =>
    withBucket('raw-put', async (client) => {
      const body = Buffer.from('hello world, streamed\n"a",b\r\n');
      await client.send(new PutObjectCommand({ Bucket: 'raw-put', Key: 'k', Body: Readable.from([body]), ContentLength: body.length }));
      const stored = await (await client.send(new GetObjectCommand({ Bucket: 'raw-put', Key: 'k' }))).Body!.transformToByteArray();
      expect(Buffer.from(stored).equals(body)).toBe(true);
    }));
});

describe('the embedded server serving objects (its reads are 256 KiB, see local-s3-server.ts)', () => {
  it('gives back a multi-MiB object whole and by byte range, and NoSuchKey for a missing key', () =>
    withBucket('large-get', async (client) => {
      const body = Buffer.alloc(3 * 1024 * 1024 + 17);
      for (let i = 0; i < body.length; i++) body[i] = (i * 7 + (i >> 11)) & 0xff;
      await client.send(new PutObjectCommand({ Bucket: 'large-get', Key: 'big', Body: body }));
      const get = async (range?: string) =>
        Buffer.from(await (await client.send(new GetObjectCommand({ Bucket: 'large-get', Key: 'big', Range: range }))).Body!.transformToByteArray());
      expect((await get()).equals(body)).toBe(true);
      // Across a read boundary (256 KiB x 4), and the tail.
      expect((await get('bytes=1048570-1048585')).equals(body.subarray(1048570, 1048586))).toBe(true);
      expect((await get(`bytes=${body.length - 5}-`)).equals(body.subarray(body.length - 5))).toBe(true);
      await expect(client.send(new GetObjectCommand({ Bucket: 'large-get', Key: 'absent' }))).rejects.toMatchObject({ name: 'NoSuchKey' });
    }));
});

describe('createObjectStore in local mode', () => {
  it('starts its own server on 127.0.0.1, creates the bucket, and stops on close()', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'idgraph-data-'));
    try {
      const store = await createObjectStore({ ...defaultConfig(dataDir), bucket: 'kit-bucket' });
      expect(store.name).toBe('local-s3');
      expect(store.bucket).toBe('kit-bucket');
      await store.putObject('datasets/x.csv', 'a,b\n');
      await store.close();
      await store.close(); // idempotent
      const error = await store.getObject('datasets/x.csv').catch((e: Error) => e);
      expect(error).toBeInstanceOf(Error);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('lets two stores (as two notebook kernels would) share one data directory', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'idgraph-data-'));
    const config = { ...defaultConfig(dataDir), bucket: 'shared' };
    const first = await createObjectStore(config);
    const second = await createObjectStore(config);
    try {
      await first.putObject('datasets/sources/initial/cookie/cookie_data_full.csv', 'a,b\n1,2\n');
      expect((await second.getObject('datasets/sources/initial/cookie/cookie_data_full.csv')).toString()).toBe('a,b\n1,2\n');
      await second.putObject('from-second.txt', 'hi');
      expect((await first.listObjects('')).map((o) => o.key)).toEqual([
        'datasets/sources/initial/cookie/cookie_data_full.csv',
        'from-second.txt',
      ]);
    } finally {
      await first.close();
      await second.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('sees objects another process (its own embedded server) wrote, and vice versa', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'idgraph-data-'));
    const config = defaultConfig(dataDir);
    const store = await createObjectStore(config);
    try {
      await store.putObject('from-parent.txt', 'parent');
      // The child is a second "notebook kernel": its own process, its own s3rver, same data dir.
      const script = join(dataDir, 'child.mts');
      const lake = join(process.cwd(), 'src/lake/index.ts');
      const kitConfig = join(process.cwd(), 'src/config/kit-config.ts');
      writeFileSync(
        script,
        `import { createObjectStore } from ${JSON.stringify(lake)};\n` +
          `import { defaultConfig } from ${JSON.stringify(kitConfig)};\n` +
          `const store = await createObjectStore(defaultConfig(${JSON.stringify(dataDir)}));\n` +
          `await store.putObject('from-child.txt', 'child saw: ' + (await store.getObject('from-parent.txt')).toString());\n` +
          `await store.close();\n`,
      );
      const child = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: process.cwd(), encoding: 'utf8', timeout: 60_000 });
      expect(child.status, child.stderr).toBe(0);
      expect((await store.getObject('from-child.txt')).toString()).toBe('child saw: parent');
    } finally {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('keeps objects across restarts (they live under <dataDir>/s3/)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'idgraph-data-'));
    try {
      const config = defaultConfig(dataDir);
      const first = await createObjectStore(config);
      await first.putObject('keep/me.txt', 'persisted');
      await first.close();
      const again = await createObjectStore(config);
      expect((await again.getObject('keep/me.txt')).toString()).toBe('persisted');
      await again.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
