import { createReadStream, type ReadStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { OperationFailedError, kitMessage } from '../errors.js';
import { writeObjectsAtomically } from './local-s3-disk-writes.js';

const NAME = 'local-s3';

/** s3rver accepts signed requests made with these fixed credentials (its README). */
export const LOCAL_S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/** The part of s3rver's programmatic API (https://github.com/jamhall/s3rver#programmatically-running-s3rver) we use. */
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  /** Its FilesystemStore (s3rver 3.x), see readObjectsInLargeChunks. */
  store?: S3rverStore;
}

/** The part of s3rver's FilesystemStore that getObject uses. */
interface S3rverStore {
  getObject(bucket: string, key: string, options?: { start?: number; end?: number }): Promise<unknown>;
  getMetadata(bucket: string, key: string): Promise<Record<string, string>>;
  getResourcePath(bucket: string, key: string, resource: string): string;
}

type S3ObjectConstructor = new (bucket: string, key: string, content: ReadStream | null, metadata: Record<string, string>) => { range?: { start: number; end: number } };

/** Bytes read from an object's file at a time when serving it. */
const READ_CHUNK_BYTES = 1 << 18;

/**
 * s3rver 3.7.1 serves an object from its file in fs.createReadStream's default 64 KiB reads:
 * each a round trip through libuv's thread pool and a callback on this thread, which is also
 * the thread that parses what it serves when the embedded loader reads the graph files. Reading
 * 256 KiB at a time made the loader ~5 % faster (bench/loader.bench.ts; 1 MiB was no faster, and
 * each open stream reads that much ahead: the loader keeps up to 32 open). This is s3rver's own
 * FilesystemStore.getObject (lib/stores/filesystem.js) with that one change; a store that does
 * not look like it is left alone.
 */
function readObjectsInLargeChunks(server: S3rverInstance, requireFromKit: NodeRequire): void {
  const store = server.store;
  if (!store || typeof store.getObject !== 'function' || typeof store.getMetadata !== 'function' || typeof store.getResourcePath !== 'function') return;
  const S3Object = requireFromKit('s3rver/lib/models/object') as S3ObjectConstructor;
  store.getObject = async function getObject(bucket, key, options) {
    try {
      const metadata = await store.getMetadata(bucket, key);
      const lastByte = Math.max(0, Number(metadata['content-length']) - 1);
      const range = { start: options?.start || 0, end: Math.min(options?.end || Infinity, lastByte) };
      const ranged = options !== undefined && (options.start !== undefined || Boolean(options.end));
      // A range that cannot be satisfied has no content.
      const satisfiable = range.start >= 0 && Math.min(range.end, lastByte) >= range.start;
      const content = satisfiable
        ? await new Promise<ReadStream>((resolve, reject) => {
            const stream: ReadStream = createReadStream(store.getResourcePath(bucket, key, 'object'), { ...range, highWaterMark: READ_CHUNK_BYTES })
              .on('error', reject)
              .on('open', () => resolve(stream));
          })
        : null;
      const object = new S3Object(bucket, key, content, metadata);
      if (ranged) object.range = range;
      return object;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  };
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;

export interface LocalS3ServerOptions {
  /**
   * Where objects live on disk (`<bucket>/<key>` files). Several servers — one per notebook
   * kernel or CLI process — may share a directory and then see the same objects.
   */
  directory: string;
  /** Interface to listen on. Default 127.0.0.1: never reachable from other machines. */
  address?: string;
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
}

export interface LocalS3Server {
  /** `http://127.0.0.1:<port>`, for the S3 client's `endpoint`. */
  endpoint: string;
  port: number;
  directory: string;
  close(): Promise<void>;
}

/**
 * Starts s3rver in-process: an S3-compatible HTTP server storing objects as files, so the
 * `local` mode talks to it with the very same `@aws-sdk/client-s3` calls as `aws` mode.
 */
export async function startLocalS3Server(options: LocalS3ServerOptions): Promise<LocalS3Server> {
  const address = options.address ?? '127.0.0.1';
  await mkdir(options.directory, { recursive: true });
  // s3rver is CommonJS without type declarations; load it through require and type the
  // small surface above rather than declaring an ambient module for the whole kit.
  const requireFromKit = createRequire(import.meta.url);
  const S3rver = requireFromKit('s3rver') as S3rverConstructor;
  const server = new S3rver({ address, port: options.port ?? 0, silent: true, directory: options.directory });
  readObjectsInLargeChunks(server, requireFromKit);
  writeObjectsAtomically(server.store, requireFromKit);
  let info: AddressInfo;
  try {
    info = await server.run();
  } catch (cause) {
    throw new OperationFailedError(
      kitMessage(NAME, `could not start the embedded S3 server on ${address}:${options.port ?? 0}: ${(cause as Error).message}`),
      { cause },
    );
  }
  let stopped = false;
  return {
    endpoint: `http://${address}:${info.port}`,
    port: info.port,
    directory: options.directory,
    async close() {
      if (stopped) return;
      stopped = true;
      await server.close();
    },
  };
}
