import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { DiskFullError, KitError, NotFoundError, OperationFailedError, isDiskFull, kitMessage } from '../errors.js';
import type { ObjectInfo, ObjectStore, TransferProgress } from './object-store.js';

const NAME = 's3';

/** S3's smallest multipart part (https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html). */
export const MIN_PART_SIZE = 5 * 1024 * 1024;
/** DeleteObjects takes at most 1000 keys per request (https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html). */
const DELETE_BATCH = 1000;
/** PutObject's largest body (https://docs.aws.amazon.com/AmazonS3/latest/userguide/upload-objects.html). */
export const MAX_SINGLE_PUT = 5 * 1024 ** 3;

export interface S3ObjectStoreOptions {
  /** A configured S3 client; the store never creates one (AWS SDK style: clients are passed in). */
  client: S3Client;
  /** The bucket every key lives in. */
  bucket: string;
  /** Name used in messages: "s3" (default) or "local-s3". */
  name?: string;
  /** Multipart part size in bytes (at least 5 MiB, S3's minimum). Default 8 MiB. */
  partSize?: number;
  /** Parts uploaded in parallel. Default 4. */
  queueSize?: number;
  /**
   * putFile sends files up to this size as one streamed PutObject (no multipart, the file is
   * never held in memory). Default `partSize` (what lib-storage does on its own). At most
   * 5 GiB, S3's PutObject limit (https://docs.aws.amazon.com/AmazonS3/latest/userguide/upload-objects.html).
   */
  singlePutMaxBytes?: number;
  /**
   * Whether the server supports AbortMultipartUpload (default true). s3rver 3.7.1 answers it with
   * MethodNotAllowed, which lib-storage would throw in place of the error that failed the
   * upload; without it a failed upload's parts are left to the server (the embedded one removes
   * an upload's parts itself when one of them does not fit on its disk).
   */
  abortsMultipartUploads?: boolean;
  /** Run on close() after the client is destroyed (e.g. stop an embedded server). */
  onClose?: () => Promise<void>;
}

interface AwsLikeError {
  name?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

function errorCode(error: unknown): string | undefined {
  const e = error as AwsLikeError;
  return e?.Code ?? e?.name;
}

function statusCode(error: unknown): number | undefined {
  return (error as AwsLikeError)?.$metadata?.httpStatusCode;
}

/**
 * Translates an S3 SDK error into the kit's family: a missing bucket or key becomes
 * NotFoundError naming it; anything else OperationFailedError. The SDK error stays as `cause`.
 */
export function toS3KitError(error: unknown, name: string, bucket: string, action: string, key?: string): KitError {
  if (error instanceof KitError) return error;
  const code = errorCode(error);
  const where = key === undefined ? `bucket "${bucket}"` : `s3://${bucket}/${key}`;
  if (code === 'NoSuchBucket') {
    return new NotFoundError(kitMessage(name, `${action}: bucket "${bucket}" does not exist`), { cause: error });
  }
  if (code === 'NoSuchKey' || code === 'NotFound' || statusCode(error) === 404) {
    return new NotFoundError(kitMessage(name, `${action}: ${where} does not exist`), { cause: error });
  }
  const message = (error as Error)?.message ?? String(error);
  // 507 Insufficient Storage: the embedded server's disk is full (its message names the file).
  if (statusCode(error) === 507 || code === 'InsufficientStorage') {
    return new DiskFullError(kitMessage(name, `${action} ${where} failed: ${message}`), { cause: error });
  }
  return new OperationFailedError(kitMessage(name, `${action} ${where} failed: ${code ?? ''} ${message}`.trim()), {
    cause: error,
  });
}

/**
 * The `aws` object store: the AWS SDK v3 S3 client. The `local` backend is this same store with
 * a client pointed at the embedded server, so both modes run exactly this code.
 */
export function createS3ObjectStore(options: S3ObjectStoreOptions): ObjectStore {
  const { client, bucket } = options;
  const name = options.name ?? NAME;
  const partSize = Math.max(options.partSize ?? 8 * 1024 * 1024, MIN_PART_SIZE);
  const queueSize = options.queueSize ?? 4;
  const singlePutMaxBytes = Math.min(options.singlePutMaxBytes ?? partSize, MAX_SINGLE_PUT);
  let closed = false;

  const fail = (error: unknown, action: string, key?: string): never => {
    throw toS3KitError(error, name, bucket, action, key);
  };

  async function upload(
    key: string,
    body: Readable | Uint8Array | string,
    totalBytes: number | undefined,
    onProgress?: (p: TransferProgress) => void,
    action = 'upload',
  ): Promise<void> {
    // lib-storage sends one PutObject for small bodies and a multipart upload (parts of
    // `partSize`, `queueSize` in parallel) for larger ones or streams of unknown length.
    const transfer = new Upload({
      client,
      params: { Bucket: bucket, Key: key, Body: body },
      partSize,
      queueSize,
      leavePartsOnError: options.abortsMultipartUploads === false,
    });
    if (onProgress) {
      transfer.on('httpUploadProgress', (p) => onProgress({ key, loadedBytes: p.loaded ?? 0, totalBytes: p.total ?? totalBytes }));
    }
    try {
      await transfer.done();
    } catch (error) {
      fail(error, action, key);
    }
  }

  async function getObjectStream(key: string): Promise<Readable> {
    try {
      const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return response.Body as Readable;
    } catch (error) {
      return fail(error, 'get', key);
    }
  }

  async function listObjects(prefix: string): Promise<ObjectInfo[]> {
    const objects: ObjectInfo[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const item of page.Contents ?? []) {
          if (item.Key === undefined) continue;
          objects.push({ key: item.Key, size: item.Size ?? 0, lastModified: item.LastModified });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    } catch (error) {
      fail(error, `list "${prefix}" in`);
    }
    return objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  const checkBucket = () => checkBucketExists(client, bucket, name);

  return {
    name,
    bucket,

    async putFile(key, path, putOptions) {
      let size: number;
      try {
        size = (await stat(path)).size;
      } catch (cause) {
        throw new NotFoundError(kitMessage(name, `upload: local file ${path} does not exist`), { cause });
      }
      const action = `upload ${path} to`;
      if (size > singlePutMaxBytes) return upload(key, createReadStream(path), size, putOptions?.onProgress, action);
      // A stream of known length goes out as one request with an unsigned payload: no
      // multipart parts for the server to store and concatenate, no SHA-256 over the body.
      try {
        await client.send(
          new PutObjectCommand({ Bucket: bucket, Key: key, Body: createReadStream(path, { highWaterMark: 1024 * 1024 }), ContentLength: size }),
        );
      } catch (error) {
        fail(error, action, key);
      }
      putOptions?.onProgress?.({ key, loadedBytes: size, totalBytes: size });
    },

    async putObject(key, body) {
      if (body instanceof Readable) return upload(key, body, undefined);
      try {
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
      } catch (error) {
        fail(error, 'put', key);
      }
    },

    async getObject(key) {
      try {
        const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return Buffer.from(await response.Body!.transformToByteArray());
      } catch (error) {
        return fail(error, 'get', key);
      }
    },

    getObjectStream,

    async downloadFile(key, path) {
      // Write beside the target, then rename: a reader never sees half a file.
      const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      try {
        const body = await getObjectStream(key);
        await pipeline(body, createWriteStream(temp));
        await rename(temp, path);
      } catch (error) {
        await rm(temp, { force: true });
        if (isDiskFull(error)) {
          throw new DiskFullError(kitMessage(name, `download s3://${bucket}/${key} to ${path} failed: no space left on device (${temp})`), { cause: error });
        }
        fail(error, 'download', key);
      }
    },

    listObjects,

    async headObject(key) {
      try {
        const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return { key, size: head.ContentLength ?? 0, lastModified: head.LastModified };
      } catch (error) {
        const code = errorCode(error);
        if (code === 'NotFound' || code === 'NoSuchKey' || statusCode(error) === 404) {
          // HEAD responses carry no body, so S3 cannot say whether the bucket or the key is
          // missing: one HeadBucket tells them apart (only on a miss).
          await checkBucket();
          return undefined;
        }
        return fail(error, 'head', key);
      }
    },

    async deleteObjects(prefix) {
      const keys = (await listObjects(prefix)).map((o) => o.key);
      for (let i = 0; i < keys.length; i += DELETE_BATCH) {
        const batch = keys.slice(i, i + DELETE_BATCH);
        try {
          const result = await client.send(
            new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
          );
          const first = result.Errors?.[0];
          if (first) {
            throw new OperationFailedError(
              kitMessage(name, `delete s3://${bucket}/${first.Key}: ${first.Code} ${first.Message ?? ''}`.trim()),
            );
          }
        } catch (error) {
          fail(error, `delete under "${prefix}" in`);
        }
      }
      return keys.length;
    },

    async close() {
      if (closed) return;
      closed = true;
      client.destroy();
      await options.onClose?.();
    },

  };
}

/** NotFoundError naming the bucket unless it exists (HeadBucket). */
export async function checkBucketExists(client: S3Client, bucket: string, name = NAME): Promise<void> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if (statusCode(error) === 404 || errorCode(error) === 'NotFound' || errorCode(error) === 'NoSuchBucket') {
      throw new NotFoundError(kitMessage(name, `bucket "${bucket}" does not exist`), { cause: error });
    }
    throw toS3KitError(error, name, bucket, 'check');
  }
}
