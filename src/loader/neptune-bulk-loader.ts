/**
 * The `aws` bulk loader: Neptune's loader API through `@aws-sdk/client-neptunedata`
 * (https://docs.aws.amazon.com/neptune/latest/userguide/load-api-reference-load.html).
 * Vertices first, then edges with `dependencies` on the vertex load, both queued; each job is
 * polled with `pollUntil` until a final status, then every page of its error log is fetched
 * (https://docs.aws.amazon.com/neptune/latest/userguide/load-api-reference-status-requests.html).
 *
 * The client must be built with `maxAttempts: 1` (see `createNeptunedataClient`): an SDK retry
 * of a StartLoaderJob whose response was lost would start a second load.
 */
import { GetLoaderJobStatusCommand, StartLoaderJobCommand, type NeptunedataClient } from '@aws-sdk/client-neptunedata';
import { OperationFailedError, kitMessage } from '../errors.js';
import { pollUntil, type PollOptions } from '../poll.js';
import {
  PENDING_LOAD_STATUSES,
  createFeedStatus,
  type BulkLoader,
  type FeedStatus,
  type LoadErrorLog,
  type LoadOptions,
  type LoadStatus,
} from './load-status.js';

export const NEPTUNE_LOADER_NAME = 'neptune';

export interface NeptuneBulkLoaderOptions {
  /** A neptunedata client for `https://<cluster endpoint>:8182`, with `maxAttempts: 1`. */
  client: NeptunedataClient;
  /** The bucket holding the Gremlin CSV files. */
  bucket: string;
  /** The IAM role Neptune assumes to read the bucket (stack output). */
  loaderRoleArn: string;
  /** The bucket's region (`s3BucketRegion`). */
  region: string;
  /** Poll timing; tests inject `sleep` and `now`. */
  poll?: Pick<PollOptions, 'minDelay' | 'maxDelay' | 'timeout' | 'sleep' | 'now'>;
  /** Error-log page size for Get-Status (Neptune allows up to 500). */
  errorsPerPage?: number;
}

/** The payload of a Get-Status response, as far as the kit reads it. */
interface StatusPayload {
  feedCount?: Record<string, number>[];
  overallStatus?: Partial<FeedStatus>;
  failedFeeds?: FeedStatus[];
  errors?: { startIndex?: number; endIndex?: number; loadId?: string; errorLogs?: LoadErrorLog[] };
}

const COUNTERS = ['totalRecords', 'totalDuplicates', 'parsingErrors', 'datatypeMismatchErrors', 'insertErrors'] as const;

function sumErrors(feed: Partial<FeedStatus> | undefined): number {
  return (feed?.parsingErrors ?? 0) + (feed?.datatypeMismatchErrors ?? 0) + (feed?.insertErrors ?? 0);
}

export function createNeptuneBulkLoader(options: NeptuneBulkLoaderOptions): BulkLoader {
  const { client, bucket, loaderRoleArn, region } = options;
  const errorsPerPage = options.errorsPerPage ?? 500;

  async function startJob(source: string, load: LoadOptions, dependencies?: string[]): Promise<string> {
    let response;
    try {
      response = await client.send(
        new StartLoaderJobCommand({
          source,
          format: 'csv',
          s3BucketRegion: region,
          iamRoleArn: loaderRoleArn,
          failOnError: load.failOnError ?? true,
          parallelism: load.parallelism ?? 'HIGH',
          updateSingleCardinalityProperties: load.updateSingleCardinalityProperties ?? false,
          queueRequest: true,
          ...(dependencies ? { dependencies } : {}),
        }),
      );
    } catch (cause) {
      throw new OperationFailedError(kitMessage(NEPTUNE_LOADER_NAME, `StartLoaderJob for ${source} failed: ${(cause as Error).message}`), {
        cause,
      });
    }
    const loadId = response.payload?.loadId;
    if (!loadId) throw new OperationFailedError(kitMessage(NEPTUNE_LOADER_NAME, `StartLoaderJob for ${source} returned no loadId`));
    return loadId;
  }

  async function getStatus(loadId: string, page?: number): Promise<StatusPayload> {
    const response = await client.send(
      new GetLoaderJobStatusCommand({
        loadId,
        details: true,
        ...(page !== undefined ? { errors: true, page, errorsPerPage } : {}),
      }),
    );
    return (response.payload ?? {}) as StatusPayload;
  }

  async function waitForJob(loadId: string, source: string, load: LoadOptions): Promise<StatusPayload> {
    return pollUntil(
      async () => {
        const payload = await getStatus(loadId);
        const status = payload.overallStatus?.status ?? 'LOAD_NOT_STARTED';
        load.onProgress?.({ fileName: source, recordsDone: payload.overallStatus?.totalRecords ?? 0, status });
        return { done: !PENDING_LOAD_STATUSES.includes(status), value: payload };
      },
      { minDelay: 2000, maxDelay: 30_000, timeout: 6 * 3600_000, ...options.poll, what: `Neptune load ${loadId}` },
    );
  }

  /** Every page of a finished job's error log. */
  async function fetchErrorLogs(loadId: string, expected: number): Promise<LoadErrorLog[]> {
    const logs: LoadErrorLog[] = [];
    if (expected === 0) return logs;
    for (let page = 1; ; page++) {
      const payload = await getStatus(loadId, page);
      const pageLogs = payload.errors?.errorLogs ?? [];
      logs.push(...pageLogs);
      if (pageLogs.length < errorsPerPage || logs.length >= expected) return logs;
    }
  }

  return {
    name: NEPTUNE_LOADER_NAME,
    async load(load: LoadOptions): Promise<LoadStatus> {
      const folder = load.prefix.endsWith('/') ? load.prefix : `${load.prefix}/`;
      const vertexSource = `s3://${bucket}/${folder}vertices/`;
      const edgeSource = `s3://${bucket}/${folder}edges/`;
      const vertexLoadId = await startJob(vertexSource, load);
      const edgeLoadId = await startJob(edgeSource, load, [vertexLoadId]);

      const overall = createFeedStatus(`s3://${bucket}/${folder}`, 0);
      delete overall.startTime;
      const failedFeeds: FeedStatus[] = [];
      const feedCount = new Map<string, number>();
      const errorLogs: LoadErrorLog[] = [];
      const statuses: string[] = [];
      let errorLoadId = '';
      for (const [loadId, source] of [
        [vertexLoadId, vertexSource],
        [edgeLoadId, edgeSource],
      ] as const) {
        const payload = await waitForJob(loadId, source, load);
        const o = payload.overallStatus ?? {};
        statuses.push(o.status ?? 'LOAD_UNEXPECTED_ERROR');
        for (const key of COUNTERS) overall[key] += o[key] ?? 0;
        overall.totalTimeSpent += o.totalTimeSpent ?? 0;
        if (o.startTime !== undefined && (overall.startTime === undefined || o.startTime < overall.startTime)) overall.startTime = o.startTime;
        failedFeeds.push(...(payload.failedFeeds ?? []));
        for (const entry of payload.feedCount ?? []) {
          for (const [status, n] of Object.entries(entry)) feedCount.set(status, (feedCount.get(status) ?? 0) + n);
        }
        const logs = await fetchErrorLogs(loadId, sumErrors(o));
        if (logs.length > 0) errorLoadId ||= loadId;
        errorLogs.push(...logs);
      }
      // The edge load's status says the most: it ran after the vertex load, or could not run
      // because of it (LOAD_FAILED_BECAUSE_DEPENDENCY_NOT_SATISFIED) — report the first failure.
      overall.status = statuses.find((s) => s !== 'LOAD_COMPLETED') ?? 'LOAD_COMPLETED';
      return {
        feedCount: [...feedCount].map(([status, n]) => ({ [status]: n })),
        overallStatus: overall,
        failedFeeds,
        errors: { startIndex: errorLogs.length > 0 ? 1 : 0, endIndex: errorLogs.length, loadId: errorLoadId || edgeLoadId, errorLogs },
        loadIds: [vertexLoadId, edgeLoadId],
      };
    },
  };
}
