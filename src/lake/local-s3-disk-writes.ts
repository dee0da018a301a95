/**
 * s3rver 3.7.1's FilesystemStore writes an object straight into its final file and pipes the
 * request into a write stream without an 'error' listener: on a full disk the process dies with
 * Node's "Unhandled 'error' event ... ENOSPC", and the object's file is left half-written (later
 * read back as a complete, shorter object, its `.md5` computed from the stub). These replacements
 * of its write methods keep s3rver's file layout (lib/stores/filesystem.js) but write each object
 * into temporary files beside it, renamed into place only once every byte is on disk; and a write
 * that fails for want of space answers the request with HTTP 507 Insufficient Storage naming the
 * file, which the kit's S3 store turns into a DiskFullError.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { isDiskFull } from '../errors.js';

/** The S3 error code the embedded server answers a write to a full disk with (HTTP 507). */
export const DISK_FULL_CODE = 'InsufficientStorage';
/** HTTP 507 Insufficient Storage (RFC 4918, section 11.5). */
export const DISK_FULL_STATUS = 507;

interface StoredObject {
  bucket: string;
  key: string;
  content: Buffer | Readable;
  metadata: Record<string, string>;
}

interface WriteResult {
  size: number;
  md5: string;
}

/** The part of s3rver's FilesystemStore that writes (s3rver 3.x). */
export interface S3rverWritingStore {
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  putObject(object: StoredObject): Promise<WriteResult>;
  putPart(bucket: string, uploadId: string, partNumber: number | string, content: Readable): Promise<WriteResult>;
  putObjectMultipart(bucket: string, uploadId: string, parts: unknown[]): Promise<WriteResult>;
  initiateUpload(bucket: string, key: string, uploadId: string, metadata: unknown): Promise<void>;
  putMetadata(...args: unknown[]): Promise<void>;
  putSubresource(...args: unknown[]): Promise<void>;
  putBucket(...args: unknown[]): Promise<unknown>;
  copyObject(...args: unknown[]): Promise<unknown>;
}

type S3ErrorConstructor = new (code: string, message: string) => Error & { code: string; status: number; expose: boolean };

function looksLikeWritingStore(store: unknown): store is S3rverWritingStore {
  const s = store as Record<string, unknown> | undefined;
  return Boolean(s) && ['getResourcePath', 'putObject', 'putPart', 'putObjectMultipart', 'initiateUpload'].every((m) => typeof s![m] === 'function');
}

/**
 * Replaces the write methods of s3rver's store (see the file comment). A store that does not look
 * like s3rver 3.x's FilesystemStore is left alone.
 */
export function writeObjectsAtomically(store: unknown, requireFromKit: NodeRequire): void {
  if (!looksLikeWritingStore(store)) return;
  const S3Error = requireFromKit('s3rver/lib/models/error') as S3ErrorConstructor;
  const { ALLOWED_METADATA } = requireFromKit('s3rver/lib/models/object') as { ALLOWED_METADATA: string[] };

  /** A full disk becomes S3Error 507 naming the file; anything else passes through. */
  const translate = (error: unknown, path: string | undefined): unknown => {
    if (!isDiskFull(error)) return error;
    const where = path ?? (error as NodeJS.ErrnoException).path;
    const s3Error = new S3Error(DISK_FULL_CODE, `no space left on device writing ${where ?? 'a file'} (the embedded S3 server's disk is full)`);
    s3Error.status = DISK_FULL_STATUS;
    s3Error.expose = true;
    return Object.assign(s3Error, { cause: error });
  };
  const isTranslatedDiskFull = (error: unknown): boolean => (error as { code?: string })?.code === DISK_FULL_CODE;
  const uploadDirectory = (bucket: string, uploadId: string) => join(store.getResourcePath(bucket, undefined, 'uploads'), uploadId);

  // What s3rver keeps in <key>._S3rver_metadata.json (FilesystemStore.putMetadata).
  const storedMetadata = (metadata: Record<string, string>): Record<string, string> => {
    const kept: Record<string, string> = {};
    for (const [name, value] of Object.entries(metadata)) {
      if (ALLOWED_METADATA.includes(name) || name.startsWith('x-amz-meta-')) kept[name] = value;
    }
    return kept;
  };

  store.putObject = async function putObject(object) {
    const objectPath = store.getResourcePath(object.bucket, object.key, 'object');
    const metadataPath = store.getResourcePath(object.bucket, object.key, 'metadata.json');
    // Not ending in "._S3rver_object": listings never see the temporary files.
    const temp = `${objectPath}.${process.pid}-${randomBytes(4).toString('hex')}.partial`;
    try {
      await mkdir(dirname(objectPath), { recursive: true });
      const written = await writeContent(object.content, temp);
      await writeFile(`${temp}.md5`, written.md5);
      await writeFile(`${temp}.json`, JSON.stringify(storedMetadata(object.metadata), null, 2));
      // The object's own file last: a reader finds it only with its checksum and metadata beside it.
      await rename(`${temp}.json`, metadataPath);
      await rename(`${temp}.md5`, `${objectPath}.md5`);
      await rename(temp, objectPath);
      return written;
    } catch (error) {
      await Promise.all([temp, `${temp}.md5`, `${temp}.json`].map((path) => rm(path, { force: true })));
      throw translate(error, objectPath);
    }
  };

  store.putPart = async function putPart(bucket, uploadId, partNumber, content) {
    const directory = uploadDirectory(bucket, uploadId);
    const partPath = join(directory, String(partNumber));
    try {
      // No mkdir: the folder exists from InitiateMultipartUpload, or the upload was given up.
      const written = await writeContent(content, partPath);
      await writeFile(`${partPath}.md5`, written.md5);
      return written;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new S3Error('NoSuchUpload', `The specified upload ${uploadId} does not exist.`);
      }
      // s3rver cannot abort a multipart upload (no DELETE ?uploadId route): a part that did not
      // fit gives the whole upload up, so that its other parts do not keep the space.
      if (isDiskFull(error)) await rm(directory, { recursive: true, force: true });
      else await Promise.all([partPath, `${partPath}.md5`].map((path) => rm(path, { force: true })));
      throw translate(error, partPath);
    }
  };

  const completeUpload = store.putObjectMultipart.bind(store);
  store.putObjectMultipart = async function putObjectMultipart(bucket, uploadId, parts) {
    try {
      return await completeUpload(bucket, uploadId, parts);
    } catch (error) {
      if (isDiskFull(error) || isTranslatedDiskFull(error)) await rm(uploadDirectory(bucket, uploadId), { recursive: true, force: true });
      throw translate(error, undefined);
    }
  };

  const initiateUpload = store.initiateUpload.bind(store);
  store.initiateUpload = async function initiate(bucket, key, uploadId, metadata) {
    try {
      await initiateUpload(bucket, key, uploadId, metadata);
    } catch (error) {
      await rm(uploadDirectory(bucket, uploadId), { recursive: true, force: true });
      throw translate(error, undefined);
    }
  };

  // The remaining writes are small files (metadata, bucket folders, copies the kit does not make):
  // their errors are translated only.
  for (const method of ['putMetadata', 'putSubresource', 'putBucket', 'copyObject'] as const) {
    const original = store[method];
    if (typeof original !== 'function') continue;
    const bound = original.bind(store) as (...args: unknown[]) => Promise<never>;
    (store as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
      try {
        return await bound(...args);
      } catch (error) {
        throw translate(error, undefined);
      }
    };
  }
}

/**
 * Writes a body to a new file and returns its size and MD5. On failure the request is drained
 * (so the client reads the error response instead of a reset connection) and the file removed.
 */
function writeContent(content: Buffer | Readable, path: string): Promise<WriteResult> {
  return new Promise<WriteResult>((resolve, reject) => {
    const hash = createHash('md5');
    let size = 0;
    let failed = false;
    const file = createWriteStream(path, { flags: 'wx' });
    const fail = (error: unknown): void => {
      if (failed) return;
      failed = true;
      if (!Buffer.isBuffer(content)) {
        content.unpipe(file);
        content.resume();
      }
      file.destroy();
      rm(path, { force: true }).then(
        () => reject(error),
        () => reject(error),
      );
    };
    file.on('error', fail);
    file.on('close', () => {
      if (!failed) resolve({ size, md5: hash.digest('hex') });
    });
    if (Buffer.isBuffer(content)) {
      hash.update(content);
      size = content.length;
      file.end(content);
      return;
    }
    content.on('error', fail);
    content.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      size += chunk.length;
    });
    content.pipe(file);
  });
}
