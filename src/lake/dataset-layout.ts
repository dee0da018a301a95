import { InvalidInputError, kitMessage } from '../errors.js';

/** Root of every source dataset: the crawler's targets live below it. */
export const SOURCES_PREFIX = 'datasets/sources/';
/** Ground truth sits outside `sources/`, so the crawler never makes a table of it. */
export const GROUND_TRUTH_PREFIX = 'datasets/ground-truth/';
/** Root of the Gremlin CSV files the ETL writes. */
export const GRAPH_PREFIX = 'datasets/graph/';

/** `YYYYMMDD_HHmmss`, as the original PoC names its incremental batch folders. */
const BATCH_ID = /^\d{8}_\d{6}$/;

/** A batch id for an incremental upload: the UTC time as `YYYYMMDD_HHmmss`. */
export function newBatchId(date: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${date.getUTCFullYear()}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}_` +
    `${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}`
  );
}

/** Throws InvalidInputError unless `batch` looks like `YYYYMMDD_HHmmss`. */
export function checkBatchId(batch: string): string {
  if (!BATCH_ID.test(batch)) {
    throw new InvalidInputError(kitMessage('lake', `batch id "${batch}" must look like YYYYMMDD_HHmmss (UTC)`));
  }
  return batch;
}

function checkSegment(what: string, value: string): string {
  if (value === '' || value.includes('/') || value === '.' || value === '..') {
    throw new InvalidInputError(kitMessage('lake', `${what} "${value}" must be one non-empty path segment`));
  }
  return value;
}

/** Folder of one dataset: `datasets/sources/initial/<dataset>/` or `.../incremental/<dataset>/<batch>/`. */
export function sourcePrefix(dataset: string, batch?: string): string {
  checkSegment('dataset', dataset);
  if (batch === undefined) return `${SOURCES_PREFIX}initial/${dataset}/`;
  return `${SOURCES_PREFIX}incremental/${dataset}/${checkBatchId(batch)}/`;
}

/** Key of one source file (layout of the original PoC). */
export function sourceKey(dataset: string, fileName: string, batch?: string): string {
  return sourcePrefix(dataset, batch) + checkSegment('file name', fileName);
}

/** Key of the ground-truth file of the initial load or of one incremental batch. */
export function groundTruthKey(fileName: string, batch?: string): string {
  checkSegment('file name', fileName);
  if (batch === undefined) return `${GROUND_TRUTH_PREFIX}initial/${fileName}`;
  return `${GROUND_TRUTH_PREFIX}incremental/${checkBatchId(batch)}/${fileName}`;
}

/** Where the ETL writes vertex and edge files: `datasets/graph/initial/` or `datasets/graph/incremental/<batch>/`. */
export function graphPrefix(batch?: string): string {
  if (batch === undefined) return `${GRAPH_PREFIX}initial/`;
  return `${GRAPH_PREFIX}incremental/${checkBatchId(batch)}/`;
}

/** `s3://bucket/key`, the form Glue's `Location` and Neptune's loader `source` take. */
export function s3Uri(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

/** Splits `s3://bucket/key` into its parts; InvalidInputError for anything else. */
export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) throw new InvalidInputError(kitMessage('lake', `"${uri}" is not an s3://bucket/key URI`));
  return { bucket: match[1]!, key: match[2]! };
}
