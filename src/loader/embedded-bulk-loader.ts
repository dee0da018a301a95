/**
 * The `local` bulk loader: reads the Gremlin CSV objects under a prefix of the object store —
 * the same objects the Neptune path points Neptune at (`s3://bucket/prefix`) — applies
 * Neptune's format rules into the persisted local graph and saves it.
 */
import { createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { InvalidInputError, NotFoundError, OperationFailedError, kitMessage } from '../errors.js';
import type { ObjectStore } from '../lake/object-store.js';
import { markLoadRunning, type LocalGraphStore } from '../graph/local-graph-store.js';
import { loadGremlinCsvFiles, type CsvFileSource } from './gremlin-csv-load.js';
import type { BulkLoader, LoadOptions, LoadStatus } from './load-status.js';

export const EMBEDDED_LOADER_NAME = 'embedded';

export interface EmbeddedBulkLoaderOptions {
  /** Where the CSV objects are read (the kit's bucket in the embedded S3 server, or real S3). */
  store: ObjectStore;
  /** The persisted graph the records go into; saved after every load that changed it. */
  graphStore: LocalGraphStore;
  /** Injectable clock (milliseconds). */
  now?: () => number;
}

/**
 * Neptune loads single files compressed with gzip (`.gz`) or bzip2 (`.bz2`)
 * (https://docs.aws.amazon.com/neptune/latest/userguide/bulk-load-tutorial-format.html): gunzip
 * `.gz` on the fly; Node has no bzip2, so `.bz2` is refused with a clear message.
 */
function decompressFor(name: string, stream: Readable): Readable {
  if (name.endsWith('.gz')) return stream.pipe(createGunzip());
  if (name.endsWith('.bz2')) {
    stream.destroy();
    throw new InvalidInputError(kitMessage(EMBEDDED_LOADER_NAME, `${name}: bzip2 files are not supported by the embedded loader (use gzip)`));
  }
  return stream;
}

/** True for the compressed files decompressFor reads (their size is not the CSV's). */
function isCompressed(name: string): boolean {
  return name.endsWith('.gz') || name.endsWith('.bz2');
}

/** Object-store keys under a prefix that can hold CSV data (not folder markers, not empty). */
export async function listObjectSources(store: ObjectStore, prefix: string): Promise<CsvFileSource[]> {
  const objects = await store.listObjects(prefix);
  return objects
    .filter((o) => !o.key.endsWith('/') && o.size > 0)
    .map((o) => ({
      uri: `s3://${store.bucket}/${o.key}`,
      open: async () => decompressFor(o.key, await store.getObjectStream(o.key)),
      ...(isCompressed(o.key) ? {} : { size: o.size }),
    }));
}

/** Every file under a local folder (recursively, sorted), as load sources — `idgraph load --from-dir`. */
export async function listDirectorySources(dir: string): Promise<CsvFileSource[]> {
  const root = resolve(dir);
  let entries;
  try {
    entries = await readdir(root, { recursive: true, withFileTypes: true });
  } catch (cause) {
    throw new NotFoundError(kitMessage(EMBEDDED_LOADER_NAME, `cannot read folder ${root}`), { cause });
  }
  return entries
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))
    .sort()
    .map((path) => ({
      uri: path,
      open: async () => decompressFor(path, createReadStream(path, { highWaterMark: 1 << 20 })),
      ...(isCompressed(path) ? {} : { size: statSync(path).size }),
    }));
}

/** Loads a list of sources into the store's graph and saves it. */
export async function loadSourcesIntoGraph(
  graphStore: LocalGraphStore,
  sources: CsvFileSource[],
  uri: string,
  options: Omit<LoadOptions, 'prefix'> & { now?: () => number } = {},
): Promise<LoadStatus> {
  if (graphStore.isStale()) {
    // Checked before loading, not only at save: a long load into an outdated copy would be lost.
    throw new OperationFailedError(
      kitMessage(EMBEDDED_LOADER_NAME, `${graphStore.path} was replaced by another process since it was opened: reopen it (openLocalGraph) and load again`),
    );
  }
  const versionBefore = graphStore.graph.version;
  // Until the save below, the records exist only in this process: a kill leaves the marker.
  const loadEnded = markLoadRunning(graphStore, uri);
  try {
    const status = await loadGremlinCsvFiles(graphStore.graph, sources, {
      uri,
      loadId: randomUUID(),
      failOnError: options.failOnError,
      updateSingleCardinalityProperties: options.updateSingleCardinalityProperties,
      onProgress: options.onProgress,
      now: options.now,
    });
    // Records loaded before a failure stay, as in Neptune (a load is not one transaction): save
    // whatever changed. A load of nothing but duplicates changes nothing and writes nothing.
    if (graphStore.graph.version !== versionBefore) await graphStore.save();
    return status;
  } finally {
    loadEnded();
  }
}

export function createEmbeddedBulkLoader(options: EmbeddedBulkLoaderOptions): BulkLoader {
  const { store, graphStore } = options;
  return {
    name: EMBEDDED_LOADER_NAME,
    async load(load: LoadOptions): Promise<LoadStatus> {
      const sources = await listObjectSources(store, load.prefix);
      if (sources.length === 0) {
        // Neptune fails such a request as LOAD_FAILED_INVALID_REQUEST ("the specified source may not exist").
        throw new NotFoundError(kitMessage(EMBEDDED_LOADER_NAME, `no objects under s3://${store.bucket}/${load.prefix}`));
      }
      return loadSourcesIntoGraph(graphStore, sources, `s3://${store.bucket}/${load.prefix}`, { ...load, now: options.now });
    },
  };
}
