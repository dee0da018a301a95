import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { OperationFailedError, kitMessage } from '../errors.js';

const NAME = 'local-s3';

/** s3rver accepts signed requests made with these fixed credentials (its README). */
export const LOCAL_S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/** The part of s3rver's programmatic API (https://github.com/jamhall/s3rver#programmatically-running-s3rver) we use. */
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
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
  const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;
  const server = new S3rver({ address, port: options.port ?? 0, silent: true, directory: options.directory });
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
