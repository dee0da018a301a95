import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateMultipartUploadCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/kit-config.js';
import { createObjectStore, createS3ObjectStore } from '../src/lake/index.js';

/** Bytes that differ from part to part, so a reordered or dropped part shows. */
function patterned(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i + 4 <= size; i += 4) bytes.writeUInt32LE(i >>> 2, i);
  return bytes;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'idgraph-single-put-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('putFile: one streamed PutObject up to singlePutMaxBytes', () => {
  it('sends a file up to the limit as one PutObject with its length, a larger one as multipart', async () => {
    const client = new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
    const mock = mockClient(client);
    try {
      const stored = new Map<string, Buffer>();
      mock.on(PutObjectCommand).callsFake(async (input) => {
        const chunks: Buffer[] = [];
        for await (const chunk of input.Body as AsyncIterable<Buffer>) chunks.push(Buffer.from(chunk));
        stored.set(input.Key, Buffer.concat(chunks));
        return {};
      });
      mock.on(CreateMultipartUploadCommand).rejects(new Error('multipart (mocked: not expected)'));
      const store = createS3ObjectStore({ client, bucket: 'kit-bucket', partSize: 5 * 2 ** 20, singlePutMaxBytes: 8 * 2 ** 20 });
      const path = join(dir, 'seven.bin');
      const content = patterned(7 * 2 ** 20);
      await writeFile(path, content);
      const progress: number[] = [];
      await store.putFile('seven.bin', path, { onProgress: (p) => progress.push(p.loadedBytes) });
      const input = mock.commandCalls(PutObjectCommand)[0]!.args[0].input;
      expect(input).toMatchObject({ Bucket: 'kit-bucket', Key: 'seven.bin', ContentLength: content.length });
      expect(stored.get('seven.bin')!.equals(content)).toBe(true);
      expect(progress.at(-1)).toBe(content.length);

      const big = join(dir, 'nine.bin');
      await writeFile(big, patterned(9 * 2 ** 20));
      const error = await store.putFile('nine.bin', big).catch((e: Error) => e);
      expect((error as Error).name).toBe('OperationFailedError');
      expect(mock.commandCalls(CreateMultipartUploadCommand)).toHaveLength(1);
    } finally {
      mock.restore();
    }
  });

  it('the local store keeps a streamed single-PUT file larger than a part intact (plain body, no aws-chunked framing)', async () => {
    const store = await createObjectStore(loadConfig({ dataDir: join(dir, 'local'), mode: 'local', bucket: 'single-put' }, {}), { partSize: 5 * 2 ** 20 });
    try {
      const path = join(dir, 'twelve.bin');
      const content = patterned(12 * 2 ** 20 + 3);
      await writeFile(path, content);
      await store.putFile('graph/twelve.bin', path);
      expect((await store.getObject('graph/twelve.bin')).equals(content)).toBe(true);
      expect(await store.headObject('graph/twelve.bin')).toMatchObject({ size: content.length });
    } finally {
      await store.close();
    }
  });
});
