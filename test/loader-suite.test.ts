/**
 * The BulkLoader contract on both backends. The embedded loader runs for real on the embedded
 * S3 server and the persisted graph. The Neptune path runs against a stand-in for Neptune's data
 * API (aws-sdk-client-mock, since no local Neptune exists) that performs each StartLoaderJob
 * with the embedded loader on the job's `source` and answers Get-Status from its result — so
 * the Neptune client code (two jobs, dependencies, polling, error pages, merged status) is
 * checked against the same expectations.
 */
import {
  GetLoaderJobStatusCommand as GetStatus,
  NeptunedataClient,
  StartLoaderJobCommand as StartJob,
  type GetLoaderJobStatusCommandInput,
  type StartLoaderJobCommandInput,
} from '@aws-sdk/client-neptunedata';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/kit-config.js';
import { openLocalGraph } from '../src/graph/local-graph-store.js';
import { createObjectStore } from '../src/lake/create-object-store.js';
import { parseS3Uri } from '../src/lake/dataset-layout.js';
import { createEmbeddedBulkLoader } from '../src/loader/embedded-bulk-loader.js';
import type { LoadStatus } from '../src/loader/load-status.js';
import { createNeptuneBulkLoader } from '../src/loader/neptune-bulk-loader.js';
import { testBulkLoader } from './support/bulk-loader-suite.js';

async function openStore(bucket: string) {
  const dataDir = mkdtempSync(join(tmpdir(), 'idgraph-suite-'));
  const config = loadConfig({ dataDir, mode: 'local', bucket }, {});
  const store = await createObjectStore(config);
  return { config, store, dataDir };
}

function valuesOf(graph: Awaited<ReturnType<typeof openLocalGraph>>['graph'], id: string): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  const v = graph.getVertex(id);
  if (v) for (const p of graph.vertexProperties(v)) (out[p.key] ??= []).push(p.value);
  return out;
}

testBulkLoader('embedded loader (embedded S3, persisted graph)', async () => {
  const { config, store, dataDir } = await openStore('suite-embedded');
  const loader = createEmbeddedBulkLoader({ store, graphStore: await openLocalGraph(config) });
  return {
    loader,
    store,
    // Read back from disk: what another kernel would see.
    async countElements() {
      const { graph } = await openLocalGraph(config);
      return { vertices: graph.vertexCount, edges: graph.edgeCount };
    },
    async vertexValues(id) {
      return valuesOf((await openLocalGraph(config)).graph, id);
    },
    async close() {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
});

testBulkLoader('Neptune loader client (stand-in data API over the embedded loader)', async () => {
  const { config, store, dataDir } = await openStore('suite-neptune');
  const graphStore = await openLocalGraph(config);
  const engine = createEmbeddedBulkLoader({ store, graphStore });
  const jobs = new Map<string, { status: LoadStatus; polls: number }>();
  /* eslint-disable @typescript-eslint/no-explicit-any */
  const neptune = mockClient(NeptunedataClient as any);
  neptune.on(StartJob as any).callsFake(async (input: StartLoaderJobCommandInput) => {
    const loadId = `load-${jobs.size + 1}`;
    const dependencyFailed = (input.dependencies ?? []).some((d) => jobs.get(d)?.status.overallStatus.status === 'LOAD_FAILED');
    const { bucket, key } = parseS3Uri(input.source!);
    if (bucket !== store.bucket) throw new Error(`unexpected bucket ${bucket}`);
    const status = dependencyFailed
      ? ({ overallStatus: { status: 'LOAD_FAILED_BECAUSE_DEPENDENCY_NOT_SATISFIED' }, failedFeeds: [], errors: { errorLogs: [] } } as unknown as LoadStatus)
      : await engine.load({ prefix: key, failOnError: input.failOnError, updateSingleCardinalityProperties: input.updateSingleCardinalityProperties });
    jobs.set(loadId, { status, polls: 0 });
    return { status: '200 OK', payload: { loadId } };
  });
  neptune.on(GetStatus as any).callsFake(async (input: GetLoaderJobStatusCommandInput) => {
    const job = jobs.get(input.loadId!)!;
    const { overallStatus, failedFeeds, errors } = job.status;
    if (!input.errors && job.polls++ === 0) return { payload: { overallStatus: { ...overallStatus, status: 'LOAD_IN_PROGRESS' } } };
    const page = input.page ?? 1;
    const size = input.errorsPerPage ?? 10;
    const errorLogs = input.errors ? errors.errorLogs.slice((page - 1) * size, page * size) : undefined;
    return { payload: { overallStatus, failedFeeds, ...(errorLogs ? { errors: { loadId: input.loadId, errorLogs } } : {}) } };
  });
  const loader = createNeptuneBulkLoader({
    client: new NeptunedataClient({ region: 'us-east-1' }),
    bucket: store.bucket,
    loaderRoleArn: 'arn:aws:iam::123456789012:role/loader',
    region: 'us-east-1',
    errorsPerPage: 1,
    poll: { sleep: async () => {} },
  });
  return {
    loader,
    store,
    async countElements() {
      return { vertices: graphStore.graph.vertexCount, edges: graphStore.graph.edgeCount };
    },
    async vertexValues(id) {
      return valuesOf(graphStore.graph, id);
    },
    async close() {
      neptune.restore();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
});
