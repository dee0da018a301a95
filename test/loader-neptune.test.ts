import {
  GetLoaderJobStatusCommand as GetStatus,
  NeptunedataClient,
  StartLoaderJobCommand as StartJob,
  type GetLoaderJobStatusCommandInput,
  type StartLoaderJobCommandInput,
} from '@aws-sdk/client-neptunedata';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/kit-config.js';
import { createNeptunedataClient } from '../src/graph/neptune-endpoint.js';
import { createBulkLoader } from '../src/loader/create-bulk-loader.js';
import { formatLoadStatus } from '../src/loader/load-status.js';
import { createNeptuneBulkLoader } from '../src/loader/neptune-bulk-loader.js';

// client-neptunedata 3.403 carries its own, older copy of @smithy/types, which aws-sdk-client-mock's
// typings reject: the runtime seam is the same, so the test casts at the boundary.
/* eslint-disable @typescript-eslint/no-explicit-any */
const neptune = mockClient(NeptunedataClient as any);
const StartLoaderJobCommand = StartJob as any;
const GetLoaderJobStatusCommand = GetStatus as any;
afterEach(() => neptune.reset());

const started = (loadId: string) => ({ $metadata: {}, status: '200 OK', payload: { loadId } });

function feed(status: string, extra: Record<string, number> = {}) {
  return {
    fullUri: 's3://kit-bucket/datasets/graph/initial/vertices/',
    runNumber: 1,
    retryNumber: 0,
    status,
    totalTimeSpent: 2,
    startTime: 1_700_000_000,
    totalRecords: 0,
    totalDuplicates: 0,
    parsingErrors: 0,
    datatypeMismatchErrors: 0,
    insertErrors: 0,
    ...extra,
  };
}

/** Scripts Get-Status answers per load id: a list of statuses, then the last one repeats. */
function scriptStatuses(script: Record<string, { statuses: ReturnType<typeof feed>[]; errorPages?: object[][]; failedFeeds?: object[] }>) {
  const calls: GetLoaderJobStatusCommandInput[] = [];
  const seen = new Map<string, number>();
  neptune.on(GetLoaderJobStatusCommand).callsFake((input: GetLoaderJobStatusCommandInput) => {
    calls.push(input);
    const job = script[input.loadId!]!;
    if (input.errors) {
      const logs = job.errorPages?.[input.page! - 1] ?? [];
      const last = job.statuses[job.statuses.length - 1]!;
      return { status: '200 OK', payload: { overallStatus: last, failedFeeds: job.failedFeeds ?? [], errors: { loadId: input.loadId, errorLogs: logs } } };
    }
    const n = seen.get(input.loadId!) ?? 0;
    seen.set(input.loadId!, n + 1);
    const overallStatus = job.statuses[Math.min(n, job.statuses.length - 1)]!;
    return { status: '200 OK', payload: { feedCount: [{ [overallStatus.status]: 1 }], overallStatus, failedFeeds: job.failedFeeds ?? [] } };
  });
  return calls;
}

function makeLoader(errorsPerPage = 2) {
  const sleeps: number[] = [];
  let clock = 0;
  const loader = createNeptuneBulkLoader({
    client: new NeptunedataClient({ region: 'eu-west-1', endpoint: 'https://db.cluster-x.eu-west-1.neptune.amazonaws.com:8182' }),
    bucket: 'kit-bucket',
    loaderRoleArn: 'arn:aws:iam::123456789012:role/identity-graph-NeptuneLoaderRole',
    region: 'eu-west-1',
    errorsPerPage,
    poll: {
      minDelay: 1000,
      maxDelay: 4000,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
      },
      now: () => clock,
    },
  });
  return { loader, sleeps };
}

describe('Neptune bulk loader (aws-sdk-client-mock)', () => {
  it('starts vertices then edges with the exact inputs, polls LOAD_IN_QUEUE → LOAD_IN_PROGRESS → LOAD_COMPLETED', async () => {
    neptune
      .on(StartLoaderJobCommand)
      .resolvesOnce(started('vertex-load'))
      .resolvesOnce(started('edge-load'));
    const calls = scriptStatuses({
      'vertex-load': { statuses: [feed('LOAD_IN_QUEUE'), feed('LOAD_IN_PROGRESS'), feed('LOAD_COMPLETED', { totalRecords: 10 })] },
      'edge-load': { statuses: [feed('LOAD_IN_QUEUE'), feed('LOAD_COMPLETED', { totalRecords: 5, totalDuplicates: 1 })] },
    });
    const { loader, sleeps } = makeLoader();
    const progress: string[] = [];
    const status = await loader.load({
      prefix: 'datasets/graph/initial/',
      failOnError: false,
      parallelism: 'MEDIUM',
      updateSingleCardinalityProperties: true,
      onProgress: (p) => progress.push(`${p.fileName.split('/').at(-2)}:${p.status}`),
    });

    const starts = neptune.commandCalls(StartLoaderJobCommand).map((c) => c.args[0].input as StartLoaderJobCommandInput);
    expect(starts).toEqual([
      {
        source: 's3://kit-bucket/datasets/graph/initial/vertices/',
        format: 'csv',
        s3BucketRegion: 'eu-west-1',
        iamRoleArn: 'arn:aws:iam::123456789012:role/identity-graph-NeptuneLoaderRole',
        failOnError: false,
        parallelism: 'MEDIUM',
        updateSingleCardinalityProperties: true,
        queueRequest: true,
      },
      {
        source: 's3://kit-bucket/datasets/graph/initial/edges/',
        format: 'csv',
        s3BucketRegion: 'eu-west-1',
        iamRoleArn: 'arn:aws:iam::123456789012:role/identity-graph-NeptuneLoaderRole',
        failOnError: false,
        parallelism: 'MEDIUM',
        updateSingleCardinalityProperties: true,
        queueRequest: true,
        dependencies: ['vertex-load'],
      },
    ]);
    expect(calls.map((c) => `${c.loadId}:${c.details}:${c.errors ?? false}`)).toEqual([
      'vertex-load:true:false',
      'vertex-load:true:false',
      'vertex-load:true:false',
      'edge-load:true:false',
      'edge-load:true:false',
    ]);
    expect(progress).toEqual([
      'vertices:LOAD_IN_QUEUE',
      'vertices:LOAD_IN_PROGRESS',
      'vertices:LOAD_COMPLETED',
      'edges:LOAD_IN_QUEUE',
      'edges:LOAD_COMPLETED',
    ]);
    expect(sleeps).toEqual([1000, 2000, 1000]); // back-off per job, no fixed sleeps
    expect(status.overallStatus).toMatchObject({ status: 'LOAD_COMPLETED', totalRecords: 15, totalDuplicates: 1, insertErrors: 0 });
    expect(status.loadIds).toEqual(['vertex-load', 'edge-load']);
    expect(status.errors.errorLogs).toEqual([]);
  });

  it('ends in LOAD_FAILED and fetches every page of the error log', async () => {
    neptune
      .on(StartLoaderJobCommand)
      .resolvesOnce(started('v'))
      .resolvesOnce(started('e'));
    const log = (n: number) => ({
      errorCode: 'PARSING_ERROR',
      errorMessage: `bad record ${n}`,
      fileName: 's3://kit-bucket/datasets/graph/initial/vertices/User.csv',
      recordNum: n,
    });
    const failed = feed('LOAD_FAILED', { totalRecords: 7, parsingErrors: 5 });
    const calls = scriptStatuses({
      v: {
        statuses: [feed('LOAD_IN_PROGRESS'), failed],
        errorPages: [[log(1), log(2)], [log(3), log(4)], [log(5)]],
        failedFeeds: [failed],
      },
      e: { statuses: [feed('LOAD_FAILED_BECAUSE_DEPENDENCY_NOT_SATISFIED')] },
    });
    const { loader } = makeLoader(2);
    const status = await loader.load({ prefix: 'datasets/graph/initial/' });

    expect(neptune.commandCalls(StartLoaderJobCommand)[0]!.args[0].input as StartLoaderJobCommandInput).toMatchObject({ failOnError: true, parallelism: 'HIGH', updateSingleCardinalityProperties: false });
    expect(calls.filter((c) => c.errors).map((c) => [c.loadId, c.page, c.errorsPerPage])).toEqual([
      ['v', 1, 2],
      ['v', 2, 2],
      ['v', 3, 2],
    ]);
    expect(status.overallStatus).toMatchObject({ status: 'LOAD_FAILED', parsingErrors: 5, totalRecords: 7 });
    expect(status.errors.errorLogs.map((e) => e.recordNum)).toEqual([1, 2, 3, 4, 5]);
    expect(status.errors.loadId).toBe('v');
    expect(status.failedFeeds).toHaveLength(1);
    const text = formatLoadStatus(status);
    expect(text).toContain('LOAD_FAILED');
    expect(text).toMatch(/vertices\/User\.csv\s+5\s+PARSING_ERROR\s+bad record 5/);
  });

  it('reports a StartLoaderJob failure as OperationFailedError, and the client never retries it', async () => {
    neptune.on(StartLoaderJobCommand).rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    const { loader } = makeLoader();
    const error = await loader.load({ prefix: 'datasets/graph/initial/' }).catch((e: Error) => e);
    expect((error as Error).name).toBe('OperationFailedError');
    expect((error as Error).message).toMatch(/^\[kit\] \[neptune\] StartLoaderJob .* throttled/);
    expect(neptune.commandCalls(StartLoaderJobCommand)).toHaveLength(1);

    const config = loadConfig({ mode: 'aws', region: 'eu-west-1', neptune: { host: 'db.example', port: 8182, iamAuth: true } }, {});
    const client = createNeptunedataClient(config);
    expect(await client.config.maxAttempts()).toBe(1);
    const endpoint = await client.config.endpoint!();
    expect([endpoint.protocol, endpoint.hostname, endpoint.port]).toEqual(['https:', 'db.example', 8182]);
  });

  it('createBulkLoader picks the Neptune loader in aws mode, with the role from the stack outputs', async () => {
    neptune.on(StartLoaderJobCommand).resolves(started('x'));
    scriptStatuses({ x: { statuses: [feed('LOAD_COMPLETED')] } });
    const config = loadConfig(
      { mode: 'aws', bucket: 'b', region: 'us-east-1', stackOutputs: { NeptuneLoaderRoleArn: 'arn:role/loader', NeptuneClusterEndpoint: 'h' } },
      {},
    );
    const loader = createBulkLoader(config, { neptuneClient: new NeptunedataClient({ region: 'us-east-1' }), poll: { sleep: async () => {} } });
    expect(loader.name).toBe('neptune');
    await loader.load({ prefix: 'datasets/graph/incremental/20260101_000000/' });
    expect(neptune.commandCalls(StartLoaderJobCommand).map((c) => c.args[0].input as StartLoaderJobCommandInput).map((i) => [i.source, i.iamRoleArn])).toEqual([
      ['s3://b/datasets/graph/incremental/20260101_000000/vertices/', 'arn:role/loader'],
      ['s3://b/datasets/graph/incremental/20260101_000000/edges/', 'arn:role/loader'],
    ]);
  });
});
