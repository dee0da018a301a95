import type { Readable } from 'node:stream';

/** Progress of a long transfer, reported as parts complete. */
export interface TransferProgress {
  key: string;
  loadedBytes: number;
  totalBytes?: number;
}

export interface ObjectInfo {
  key: string;
  size: number;
  lastModified?: Date;
}

/**
 * The kit's one object-store contract (S3 API semantics), implemented by the `aws` backend
 * (real S3) and the `local` backend (the same S3 client against an embedded S3-compatible
 * server). Keys never start with `/`.
 */
export interface ObjectStore {
  /** Backend name for messages: "s3" or "local-s3". */
  readonly name: string;
  readonly bucket: string;
  /** Uploads a local file (multipart for large files), reporting progress. */
  putFile(key: string, path: string, options?: { onProgress?: (p: TransferProgress) => void }): Promise<void>;
  /** Uploads bytes or a stream (streamed uploads are multipart). */
  putObject(key: string, body: string | Uint8Array | Readable): Promise<void>;
  /** Whole object. NotFoundError if missing. */
  getObject(key: string): Promise<Buffer>;
  /** Object as a stream. NotFoundError if missing. */
  getObjectStream(key: string): Promise<Readable>;
  /** Downloads an object to a local file (atomically: temp file, then rename). */
  downloadFile(key: string, path: string): Promise<void>;
  /** Every object under a prefix, all pages, sorted by key. */
  listObjects(prefix: string): Promise<ObjectInfo[]>;
  /** undefined when absent. */
  headObject(key: string): Promise<ObjectInfo | undefined>;
  /** Deletes every object under a prefix; returns how many. */
  deleteObjects(prefix: string): Promise<number>;
  /** Releases the client (and stops an embedded server this store started). */
  close(): Promise<void>;
}
