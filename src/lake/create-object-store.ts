import { join } from 'node:path';
import { CreateBucketCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { KitConfig } from '../config/kit-config.js';
import { LOCAL_S3_CREDENTIALS, startLocalS3Server } from './local-s3-server.js';
import type { ObjectStore } from './object-store.js';
import { MAX_SINGLE_PUT, checkBucketExists, createS3ObjectStore, toS3KitError } from './s3-object-store.js';

export interface CreateObjectStoreOptions {
  /** Extra S3 client settings (aws mode), e.g. credentials or a custom endpoint. */
  clientConfig?: S3ClientConfig;
  /** Multipart part size in bytes (default 8 MiB, at least 5 MiB). */
  partSize?: number;
  /** aws mode: skip the HeadBucket check (default: check, so a missing bucket fails here). */
  skipBucketCheck?: boolean;
}

/** Where the embedded S3 server keeps its objects. */
export function localS3Directory(config: KitConfig): string {
  return join(config.dataDir, 's3');
}

/**
 * The object store of the configured mode. `aws`: the S3 client for `config.region`, after
 * checking the bucket exists. `local`: starts the embedded server over `<dataDir>/s3/`, creates
 * the bucket if missing, and returns the same S3-backed store pointed at it; `close()` stops
 * the server.
 */
export async function createObjectStore(config: KitConfig, options: CreateObjectStoreOptions = {}): Promise<ObjectStore> {
  if (config.mode === 'aws') {
    const client = new S3Client({ region: config.region, ...options.clientConfig });
    if (!options.skipBucketCheck) {
      try {
        await checkBucketExists(client, config.bucket);
      } catch (error) {
        client.destroy();
        throw error;
      }
    }
    return createS3ObjectStore({ client, bucket: config.bucket, partSize: options.partSize });
  }

  const server = await startLocalS3Server({ directory: localS3Directory(config) });
  const client = createLocalS3Client({ endpoint: server.endpoint, region: config.region });
  try {
    await ensureBucket(client, config.bucket);
  } catch (error) {
    client.destroy();
    await server.close();
    throw toS3KitError(error, 'local-s3', config.bucket, 'create bucket');
  }
  return createS3ObjectStore({
    client,
    bucket: config.bucket,
    name: 'local-s3',
    partSize: options.partSize,
    // The embedded server stores a multipart upload's parts and then concatenates them: one
    // streamed PutObject costs it less than half the CPU (bench/etl.bench.ts).
    singlePutMaxBytes: MAX_SINGLE_PUT,
    abortsMultipartUploads: false,
    onClose: () => server.close(),
  });
}

/**
 * The S3 client for the embedded server: path-style addressing, s3rver's fixed credentials, and
 * checksums only where S3 requires them. With the SDK's default (WHEN_SUPPORTED), a PutObject
 * with a stream body is sent aws-chunked with a trailing CRC32, which s3rver does not decode:
 * it stores "15\r\nhello world, streamed\r\n0\r\nx-amz-checksum-crc32:...\r\n\r\n" instead of
 * "hello world, streamed" (observed with @aws-sdk/client-s3 3.11xx and s3rver 3.7.1).
 */
export function createLocalS3Client(options: { endpoint: string; region?: string }): S3Client {
  return new S3Client({
    region: options.region ?? 'us-east-1',
    endpoint: options.endpoint,
    forcePathStyle: true,
    credentials: LOCAL_S3_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    logger: quietStreamingRetryLogger,
  });
}

/**
 * A client with a logger gets every failed command logged through `logger.error` (the SDK's
 * logger middleware), and without one the SDK warns "An error was encountered in a non-retryable
 * streaming request." on the console before it throws any error of a streamed upload. The kit
 * turns each of those errors into its own message (naming the file and the cause): the SDK's
 * copies are dropped; other warnings still reach the console.
 */
const quietStreamingRetryLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (...content: unknown[]) => {
    if (content[0] !== 'An error was encountered in a non-retryable streaming request.') console.warn(...content);
  },
  error: () => undefined,
};

/** Creates the bucket unless it exists; another process creating it at the same moment is fine. */
async function ensureBucket(client: S3Client, bucket: string): Promise<void> {
  try {
    await checkBucketExists(client, bucket, 'local-s3');
    return;
  } catch (error) {
    if ((error as Error).name !== 'NotFoundError') throw error;
  }
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    const code = (error as { name?: string }).name;
    if (code !== 'BucketAlreadyOwnedByYou' && code !== 'BucketAlreadyExists') throw error;
  }
}
