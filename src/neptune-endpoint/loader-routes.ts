/**
 * Neptune's loader API (`/loader`) over the job queue: Load (POST), Get-Status (GET /loader/{id}
 * or GET /loader?loadId=, which graph-notebook uses), list (GET /loader) and Cancel (DELETE).
 * Shapes: https://docs.aws.amazon.com/neptune/latest/userguide/load-api-reference-load.html and
 * .../load-api-reference-status-requests.html, .../load-api-reference-status-response.html.
 */
import type { LoaderJob, LoaderJobQueue, LoaderJobRequest } from './loader-jobs.js';
import { NeptuneRequestError, invalidParameter } from './neptune-error.js';
import { readBoolean, readChoice, readInteger, readString, readStringList } from './neptune-parameters.js';

export interface LoaderAnswer {
  httpStatus: number;
  body: unknown;
}

/** A bucket the server can read, or an error saying why not. */
export type BucketCheck = (bucket: string) => Promise<void>;

/** Neptune's `BulkLoadIdNotFoundException` (404). */
function loadNotFound(loadId: string): NeptuneRequestError {
  return new NeptuneRequestError(404, 'BulkLoadIdNotFoundException', `Load with id = ${loadId} not found`);
}

/** Validates a Load request; the bucket must exist at the S3 endpoint. */
export async function startLoad(queue: LoaderJobQueue, parameters: Record<string, unknown>, checkBucket: BucketCheck): Promise<LoaderAnswer> {
  const source = readString(parameters, 'source', true);
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(source);
  if (!match) throw invalidParameter(`source: expected s3://bucket/prefix, got ${JSON.stringify(source)}`);
  const format = readString(parameters, 'format', true);
  if (format.toLowerCase() !== 'csv') throw invalidParameter(`format: this endpoint loads Gremlin CSV (csv), not ${JSON.stringify(format)}`);
  const iamRoleArn = readString(parameters, 'iamRoleArn', true);
  if (!iamRoleArn.startsWith('arn:aws')) throw invalidParameter(`iamRoleArn: expected an IAM role ARN (arn:aws...), got ${JSON.stringify(iamRoleArn)}`);
  readString(parameters, 'region', true);
  readChoice(parameters, 'mode', ['AUTO', 'NEW', 'RESUME'], 'AUTO');
  readChoice(parameters, 'parallelism', ['LOW', 'MEDIUM', 'HIGH', 'OVERSUBSCRIBE'], 'HIGH');
  const request: LoaderJobRequest = {
    source,
    bucket: match[1]!,
    prefix: match[2] ?? '',
    failOnError: readBoolean(parameters, 'failOnError', true),
    updateSingleCardinalityProperties: readBoolean(parameters, 'updateSingleCardinalityProperties', false),
    queueRequest: readBoolean(parameters, 'queueRequest', false),
    dependencies: readStringList(parameters, 'dependencies'),
  };
  await checkBucket(request.bucket);
  const loadId = queue.submit(request);
  return { httpStatus: 200, body: { status: '200 OK', payload: { loadId } } };
}

/** Get-Status of one job: overall status and feed counts; failed feeds with `details`; a page of the error log with `errors`. */
export function getLoadStatus(queue: LoaderJobQueue, loadId: string, parameters: Record<string, unknown>): LoaderAnswer {
  const job = queue.get(loadId);
  if (!job) throw loadNotFound(loadId);
  const details = readBoolean(parameters, 'details', false);
  const errors = readBoolean(parameters, 'errors', false);
  const page = readInteger(parameters, 'page', 1, 1, 1_000_000);
  const errorsPerPage = readInteger(parameters, 'errorsPerPage', 10, 1, 500);
  return { httpStatus: 200, body: { status: '200 OK', payload: statusPayload(job, details, errors ? { page, errorsPerPage } : undefined) } };
}

function statusPayload(job: LoaderJob, details: boolean, errors: { page: number; errorsPerPage: number } | undefined): Record<string, unknown> {
  const status = job.status;
  const payload: Record<string, unknown> = { feedCount: status.feedCount ?? [], overallStatus: status.overallStatus };
  if (details) payload.failedFeeds = status.failedFeeds;
  if (errors) {
    const logs = status.errors.errorLogs;
    const start = (errors.page - 1) * errors.errorsPerPage;
    const pageLogs = logs.slice(start, start + errors.errorsPerPage);
    payload.errors = {
      startIndex: pageLogs.length > 0 ? start + 1 : 0,
      endIndex: pageLogs.length > 0 ? start + pageLogs.length : 0,
      loadId: job.loadId,
      errorLogs: pageLogs,
    };
  }
  return payload;
}

/** The load ids, newest first (`limit` 1..100, default 100; `includeQueuedLoads` default true). */
export function listLoads(queue: LoaderJobQueue, parameters: Record<string, unknown>): LoaderAnswer {
  const limit = readInteger(parameters, 'limit', 100, 1, 100);
  const includeQueued = readBoolean(parameters, 'includeQueuedLoads', true);
  return { httpStatus: 200, body: { status: '200 OK', payload: { loadIds: queue.list(limit, includeQueued) } } };
}

export function cancelLoad(queue: LoaderJobQueue, loadId: string): LoaderAnswer {
  const job = queue.get(loadId);
  if (!job) throw loadNotFound(loadId);
  if (!queue.cancel(loadId)) {
    throw new NeptuneRequestError(400, 'BadRequestException', `Load ${loadId} has already finished (${job.status.overallStatus.status}): nothing to cancel`);
  }
  return { httpStatus: 200, body: { status: '200 OK' } };
}
