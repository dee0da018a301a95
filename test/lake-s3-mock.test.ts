import { Readable } from 'node:stream';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  AbortMultipartUploadCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config/kit-config.js';
import { createObjectStore, createS3ObjectStore } from '../src/lake/index.js';
import { testObjectStore } from './support/object-store-suite.js';

/** An S3 service error as the SDK raises it. */
function s3Error(name: string, status: number): Error {
  return Object.assign(new Error(`${name} (mocked)`), { name, Code: name, $metadata: { httpStatusCode: status } });
}

async function bodyBytes(body: unknown): Promise<Buffer> {
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof Uint8Array) return Buffer.from(body);
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/**
 * aws-sdk-client-mock with a small in-memory S3 behind it, so the same contract suite runs
 * against the aws backend's exact SDK calls. Listing pages hold 2 keys to exercise pagination.
 */
function mockS3(options: { bucketExists?: boolean } = {}) {
  const bucketExists = options.bucketExists ?? true;
  const objects = new Map<string, Buffer>();
  const uploads = new Map<string, Map<number, Buffer>>();
  const client = new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  const mock = mockClient(client);
  const guard = () => {
    if (!bucketExists) throw s3Error('NoSuchBucket', 404);
  };
  mock.on(HeadBucketCommand).callsFake(async () => {
    if (!bucketExists) throw s3Error('NotFound', 404);
    return {};
  });
  mock.on(PutObjectCommand).callsFake(async (input) => {
    guard();
    objects.set(input.Key, await bodyBytes(input.Body));
    return { ETag: '"e"' };
  });
  mock.on(CreateMultipartUploadCommand).callsFake(async () => {
    guard();
    const id = `upload-${uploads.size + 1}`;
    uploads.set(id, new Map());
    return { UploadId: id, Bucket: 'b', Key: 'k' };
  });
  mock.on(UploadPartCommand).callsFake(async (input) => {
    uploads.get(input.UploadId)!.set(input.PartNumber, await bodyBytes(input.Body));
    return { ETag: `"p${input.PartNumber}"` };
  });
  mock.on(CompleteMultipartUploadCommand).callsFake(async (input) => {
    const parts = uploads.get(input.UploadId)!;
    const ordered = [...parts.keys()].sort((a, b) => a - b).map((n) => parts.get(n)!);
    objects.set(input.Key, Buffer.concat(ordered));
    return { ETag: '"m"' };
  });
  mock.on(AbortMultipartUploadCommand).resolves({});
  mock.on(GetObjectCommand).callsFake(async (input) => {
    guard();
    const data = objects.get(input.Key);
    if (!data) throw s3Error('NoSuchKey', 404);
    const body = Object.assign(Readable.from([data]), { transformToByteArray: async () => new Uint8Array(data) });
    return { Body: body, ContentLength: data.length };
  });
  mock.on(HeadObjectCommand).callsFake(async (input) => {
    if (!bucketExists) throw s3Error('NotFound', 404);
    const data = objects.get(input.Key);
    if (!data) throw s3Error('NotFound', 404);
    return { ContentLength: data.length };
  });
  mock.on(ListObjectsV2Command).callsFake(async (input) => {
    guard();
    const keys = [...objects.keys()].filter((k) => k.startsWith(input.Prefix ?? '')).sort();
    const start = input.ContinuationToken ? Number(input.ContinuationToken) : 0;
    const page = keys.slice(start, start + 2);
    const more = start + 2 < keys.length;
    return {
      Contents: page.map((Key) => ({ Key, Size: objects.get(Key)!.length })),
      IsTruncated: more,
      NextContinuationToken: more ? String(start + 2) : undefined,
    };
  });
  mock.on(DeleteObjectsCommand).callsFake(async (input) => {
    guard();
    for (const { Key } of input.Delete.Objects) objects.delete(Key);
    return { Deleted: input.Delete.Objects };
  });
  return { client, mock, objects };
}

const mocks: ReturnType<typeof mockClient>[] = [];
afterEach(() => {
  while (mocks.length > 0) mocks.pop()!.restore();
});

testObjectStore('aws S3 (aws-sdk-client-mock)', async (options) => {
  const { client } = mockS3({ bucketExists: !options?.missingBucket });
  return createS3ObjectStore({ client, bucket: 'kit-bucket', partSize: 5 * 1024 * 1024 });
});

describe('aws S3 backend: the exact calls', () => {
  it('sends PutObject with bucket, key and body for bytes', async () => {
    const { client, mock } = mockS3();
    mocks.push(mock);
    const store = createS3ObjectStore({ client, bucket: 'kit-bucket' });
    await store.putObject('datasets/a.csv', 'a,b\n');
    expect(mock.commandCalls(PutObjectCommand)[0]!.args[0].input).toEqual({ Bucket: 'kit-bucket', Key: 'datasets/a.csv', Body: 'a,b\n' });
  });

  it('uploads a large stream as a multipart upload: Create, UploadPart ×n, Complete with every part', async () => {
    const { client, mock, objects } = mockS3();
    mocks.push(mock);
    const store = createS3ObjectStore({ client, bucket: 'kit-bucket', partSize: 5 * 1024 * 1024 });
    const content = Buffer.alloc(11 * 1024 * 1024, 7);
    await store.putObject('big.bin', Readable.from([content.subarray(0, 3_000_000), content.subarray(3_000_000)]));
    expect(mock.commandCalls(CreateMultipartUploadCommand)[0]!.args[0].input).toMatchObject({ Bucket: 'kit-bucket', Key: 'big.bin' });
    const parts = mock.commandCalls(UploadPartCommand).map((c) => c.args[0].input.PartNumber).sort();
    expect(parts).toEqual([1, 2, 3]);
    const complete = mock.commandCalls(CompleteMultipartUploadCommand)[0]!.args[0].input;
    expect(complete.MultipartUpload?.Parts?.map((p) => p.PartNumber)).toEqual([1, 2, 3]);
    expect(objects.get('big.bin')!.equals(content)).toBe(true);
  });

  it('follows ListObjectsV2 continuation tokens through every page', async () => {
    const { client, mock } = mockS3();
    mocks.push(mock);
    const store = createS3ObjectStore({ client, bucket: 'kit-bucket' });
    for (const k of ['p/1', 'p/2', 'p/3', 'p/4', 'p/5']) await store.putObject(k, k);
    expect((await store.listObjects('p/')).map((o) => o.key)).toEqual(['p/1', 'p/2', 'p/3', 'p/4', 'p/5']);
    const tokens = mock.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input.ContinuationToken);
    expect(tokens).toEqual([undefined, '2', '4']);
  });

  it('a NoSuchBucket from HeadBucket surfaces as NotFoundError from createObjectStore', async () => {
    const mock = mockClient(S3Client); // every S3Client instance, including the one createObjectStore makes
    mocks.push(mock);
    mock.on(HeadBucketCommand).rejects(s3Error('NotFound', 404));
    const error = await createObjectStore({ ...defaultConfig('/tmp/unused'), mode: 'aws', bucket: 'gone-bucket' }).catch((e: Error) => e);
    expect((error as Error).name).toBe('NotFoundError');
    expect((error as Error).message).toBe('[kit] [s3] bucket "gone-bucket" does not exist');
    expect(mock.commandCalls(HeadBucketCommand)[0]!.args[0].input).toEqual({ Bucket: 'gone-bucket' });
  });
});
