/**
 * Clients the kit did not write, against the Neptune-compatible endpoint, over the kit's own
 * transformed files: graph-notebook's magics in a headless notebook (notebooks/extras/, auth
 * DEFAULT and IAM, signed by botocore), gremlinpython's DriverRemoteConnection running the
 * query catalogue's traversals (GraphBinary and GraphSON 3, answers equal to the TypeScript
 * kit's), and the kit itself in aws mode (StartLoaderJob/GetLoaderJobStatus, SigV4 WebSocket).
 *
 * The Python clients live in .venv/neptune-clients (bash .ci/python-env.sh neptune-clients);
 * without it those tests are skipped with a notice, unless CI=true.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NeptunedataClient } from '@aws-sdk/client-neptunedata';
import gremlin from 'gremlin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/kit-config.js';
import { LocalConnection } from '../src/engine/local-connection.js';
import type { TransformReport } from '../src/etl/index.js';
import { connectGraph } from '../src/graph/connect-graph.js';
import { openLocalGraph } from '../src/graph/local-graph-store.js';
import { startLocalS3Server, type LocalS3Server } from '../src/lake/local-s3-server.js';
import { createBulkLoader } from '../src/loader/create-bulk-loader.js';
import { startNeptuneEndpoint, type NeptuneEndpointHandle } from '../src/neptune-endpoint/index.js';
import { createQueryCatalogue } from '../src/queries/query-catalogue.js';
import { writeTransformedFiles } from './support/identity-graph-files.js';
import { TEST_BUCKET, TEST_CREDENTIALS, TEST_REGION, TEST_ROLE_ARN } from './support/neptune-endpoint-fixture.js';

const ROOT = resolve(import.meta.dirname, '..');
const PYTHON = join(ROOT, '.venv', 'neptune-clients', 'bin', 'python');
const pythonMissing = existsSync(PYTHON) ? undefined : `${PYTHON} not found (bash .ci/python-env.sh neptune-clients)`;
if (pythonMissing && process.env.CI !== 'true') console.warn(`[neptune-endpoint-clients] skipping the Python clients: ${pythonMissing}`);
const describePython = pythonMissing && process.env.CI !== 'true' ? describe.skip : describe;

let dataDir: string;
let report: TransformReport;
let s3: LocalS3Server;

beforeAll(async () => {
  if (pythonMissing && process.env.CI === 'true') throw new Error(`CI=true needs the Python clients: ${pythonMissing}`);
  dataDir = mkdtempSync(join(tmpdir(), 'idgraph-neptune-clients-'));
  report = await writeTransformedFiles(dataDir, TEST_BUCKET);
  s3 = await startLocalS3Server({ directory: join(dataDir, 's3') });
}, 120_000);
afterAll(async () => {
  await s3?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** An endpoint over a fresh, empty graph folder, reading the transformed files from the embedded S3. */
async function startEndpoint(iamAuth: boolean): Promise<{ endpoint: NeptuneEndpointHandle; graphDir: string }> {
  const graphDir = mkdtempSync(join(tmpdir(), 'idgraph-neptune-graph-'));
  const endpoint = await startNeptuneEndpoint({
    graphStore: await openLocalGraph({ dataDir: graphDir }),
    s3: { endpoint: s3.endpoint },
    region: TEST_REGION,
    ...(iamAuth ? { iamAuth: { credentials: [TEST_CREDENTIALS] } } : {}),
  });
  return { endpoint, graphDir };
}

function expectedVertexCounts(): Record<string, number> {
  return Object.fromEntries(report.files.filter((f) => f.kind === 'vertices').map((f) => [f.label, f.rows]));
}

function runPython(args: string[], env: Record<string, string | undefined>, timeoutMs = 240_000): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const merged = Object.fromEntries(Object.entries({ ...process.env, ...env }).filter(([, v]) => v !== undefined)) as Record<string, string>;
    const child = spawn(PYTHON, args, { cwd: ROOT, env: merged, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise(stdout);
      else reject(new Error(`python ${args.join(' ')} exited ${code}:\n${stderr.slice(-4000)}`));
    });
  });
}

const signingEnv = { AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey, AWS_REGION: TEST_REGION };

describePython('graph-notebook magics (notebooks/extras/graph-notebook-magics.ipynb)', () => {
  it.each([
    ['DEFAULT', false],
    ['IAM', true],
  ])('status, load, load status, gremlin and db reset with auth %s', async (_, iamAuth) => {
    const { endpoint, graphDir } = await startEndpoint(iamAuth);
    try {
      const out = await runPython(
        [
          'test/python/run-notebook.py',
          'notebooks/extras/graph-notebook-magics.ipynb',
          'engine_status',
          'load_report',
          'vertex_counts',
          'busiest_devices',
          'user_count',
          'reset_result',
          'after_reset',
        ],
        {
          CELL_TIMEOUT: '120',
          NEPTUNE_HOST: '127.0.0.1',
          NEPTUNE_PORT: String(endpoint.port),
          NEPTUNE_IAM_AUTH: iamAuth ? 'true' : 'false',
          IDGRAPH_BUCKET: TEST_BUCKET,
          // graph-notebook's boto3 session: test credentials, no shared files of this machine.
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          HOME: graphDir,
          ...(iamAuth ? signingEnv : { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_SESSION_TOKEN: undefined }),
          AWS_REGION: TEST_REGION,
        },
      );
      const result = JSON.parse(out.slice(out.indexOf('{"cells"'))) as {
        cells: Array<{ index: number; source: string; text: string; error: string | null }>;
        variables: Record<string, any>;
      };
      const failed = result.cells.find((c) => c.error);
      expect(failed, failed && `cell ${failed.index} failed: ${failed.error}\n${failed.source}\n${failed.text}`).toBeUndefined();
      const v = result.variables;
      expect(v.engine_status).toMatchObject({ status: 'healthy', role: 'writer', features: { IAMAuthentication: iamAuth ? 'enabled' : 'disabled' } });
      const rows = report.files.reduce((n, f) => n + f.rows, 0);
      expect(v.load_report.payload.overallStatus).toMatchObject({ status: 'LOAD_COMPLETED', totalRecords: rows, parsingErrors: 0, insertErrors: 0 });
      expect(v.load_report.payload.errors).toMatchObject({ errorLogs: [] });
      expect(v.vertex_counts[0]).toEqual(expectedVertexCounts());
      expect(v.user_count).toEqual([expectedVertexCounts().User]);
      expect(v.busiest_devices).toHaveLength(3);
      expect(v.reset_result).toEqual({ status: '200 OK' });
      expect(v.after_reset).toEqual([0]);
    } finally {
      await endpoint.close();
      rmSync(graphDir, { recursive: true, force: true });
    }
  }, 300_000);
});

/** The neutral JSON form run-traversals.py writes: elements by id and label, maps as ordered pairs. */
function neutral(input: unknown): unknown {
  const { Vertex, Edge, VertexProperty, Property, Path } = gremlin.structure;
  // The driver's type declarations leave out the elements' fields.
  const value = input as any;
  if (input instanceof Vertex) return { vertex: neutral(value.id), label: value.label };
  if (input instanceof Edge) return { edge: neutral(value.id), label: value.label, out: neutral(value.outV.id), in: neutral(value.inV.id) };
  if (input instanceof VertexProperty) return { vertexProperty: value.label, value: neutral(value.value) };
  if (input instanceof Property) return { property: value.key, value: neutral(value.value) };
  if (input instanceof Path) return { path: value.objects.map(neutral) };
  if (value instanceof Map) return { map: [...value.entries()].map(([k, v]) => [neutral(k), neutral(v)]) };
  if (value instanceof Set) return { set: [...value].map(neutral).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)) };
  if (Array.isArray(value)) return value.map(neutral);
  if (value instanceof Date) return { date: value.getTime() };
  if (input instanceof gremlin.process.EnumValue) return `${value.typeName}.${value.elementName}`;
  if (typeof value === 'bigint') return Number(value);
  return value;
}

/**
 * Runs the query catalogue on the local graph through a connection that records every traversal's
 * bytecode (as GraphSON 3) and its results in neutral form: what the TypeScript kit answers.
 */
async function recordCatalogue(graphDir: string): Promise<Array<{ bytecode: string; expected: unknown }>> {
  const store = await openLocalGraph({ dataDir: graphDir });
  const inner = new LocalConnection(store.graph);
  const writer = new gremlin.structure.io.GraphSONWriter();
  const recorded: Array<{ bytecode: string; expected: unknown }> = [];
  class RecordingConnection extends gremlin.driver.RemoteConnection {
    constructor() {
      super('recording:', {});
    }
    override async submit(bytecode: unknown) {
      const answer = await inner.submit(bytecode);
      const objects = (answer as any).traversers.flatMap((t: any) => Array.from({ length: Number(t.bulk ?? 1) }, () => t.object));
      recorded.push({ bytecode: writer.write(bytecode), expected: neutral(objects) });
      return answer;
    }
    override async open() {}
    override async close() {}
  }
  const g = gremlin.process.AnonymousTraversalSource.traversal().withRemote(new RecordingConnection());
  const catalogue = createQueryCatalogue(g);
  const someUser = (await g.V().hasLabel('User').id().order().limit(1).next()).value as string;
  const someDevice = (await g.V().hasLabel('DeviceID').id().order().limit(1).next()).value as string;
  await catalogue.countByLabel();
  await catalogue.countDuplicates();
  await catalogue.listUserIdentifiers(someUser);
  await catalogue.findUserBehind(someDevice);
  await catalogue.getCustomer360(someUser);
  for (const rule of catalogue.rules) await catalogue.stitchAnonymousSessions(rule);
  await catalogue.countAnonymousSessions();
  await catalogue.findHouseholds();
  await catalogue.listBusiestDevices();
  await catalogue.listBusiestIps();
  await catalogue.listMostActiveUsers(5);
  await catalogue.fetchNeighbourhood(someUser);
  return recorded;
}

describe('the kit in aws mode against the local endpoint (IAM on)', () => {
  let endpoint: NeptuneEndpointHandle;
  let graphDir: string;
  let client: NeptunedataClient;
  beforeAll(async () => {
    ({ endpoint, graphDir } = await startEndpoint(true));
    client = new NeptunedataClient({ endpoint: endpoint.endpoint, region: TEST_REGION, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  });
  afterAll(async () => {
    client?.destroy();
    await endpoint?.close();
    if (graphDir) rmSync(graphDir, { recursive: true, force: true });
  });

  const awsConfig = () =>
    loadConfig(
      { dataDir: graphDir, loaderRoleArn: TEST_ROLE_ARN },
      { IDGRAPH_MODE: 'aws', NEPTUNE_HOST: '127.0.0.1', NEPTUNE_PORT: String(endpoint.port), NEPTUNE_IAM_AUTH: 'true', IDGRAPH_BUCKET: TEST_BUCKET, AWS_REGION: TEST_REGION, GRAPH_NOTEBOOK_CONFIG: join(graphDir, 'none.json') },
    );

  it('loads with StartLoaderJob/GetLoaderJobStatus and answers the query catalogue over a signed WebSocket as local mode does', async () => {
    const config = awsConfig();
    expect(config.mode).toBe('aws');
    // The endpoint speaks plain HTTP and WebSocket (no TLS): the kit's aws clients are given its
    // http:// and ws:// addresses; everything else is the aws code path (SigV4 included).
    const loader = createBulkLoader(config, { neptuneClient: client, poll: { minDelay: 20, maxDelay: 200, timeout: 60_000 } });
    const status = await loader.load({ prefix: report.prefix });
    const rows = report.files.reduce((n, f) => n + f.rows, 0);
    expect(status.overallStatus).toMatchObject({ status: 'LOAD_COMPLETED', totalRecords: rows });
    expect(status.loadIds).toHaveLength(2);

    const aws = await connectGraph(config, { url: endpoint.url, credentials: TEST_CREDENTIALS, neptuneClient: client });
    const local = await connectGraph(loadConfig({ dataDir: graphDir, mode: 'local' }, {}));
    try {
      const awsCatalogue = createQueryCatalogue(aws.g);
      const localCatalogue = createQueryCatalogue(local.g);
      expect((await awsCatalogue.countByLabel()).vertices).toEqual(expectedVertexCounts());
      expect(await awsCatalogue.countByLabel()).toEqual(await localCatalogue.countByLabel());
      expect(await awsCatalogue.listBusiestDevices()).toEqual(await localCatalogue.listBusiestDevices());
      for (const rule of awsCatalogue.rules) expect(await awsCatalogue.stitchAnonymousSessions(rule)).toEqual(await localCatalogue.stitchAnonymousSessions(rule));
      expect(await aws.query("g.V().hasLabel('User').count()")).toEqual([expectedVertexCounts().User]);
    } finally {
      await aws.close();
      await local.close();
    }
  }, 120_000);

  describePython('gremlinpython DriverRemoteConnection (botocore-signed upgrade)', () => {
    it.each(['graphbinary', 'graphson'])('answers the query catalogue\'s traversals as the TypeScript kit does (%s)', async (serializer) => {
      await endpoint.loads.idle();
      const traversals = await recordCatalogue(graphDir);
      expect(traversals.length).toBeGreaterThan(15);
      const file = join(graphDir, `traversals-${serializer}.json`);
      writeFileSync(file, JSON.stringify(traversals));
      const out = await runPython(['test/python/run-traversals.py', endpoint.url, serializer, file], signingEnv);
      const answers = JSON.parse(out) as unknown[];
      expect(answers).toHaveLength(traversals.length);
      traversals.forEach((t, i) => expect(answers[i], t.bytecode).toEqual(t.expected));
    }, 120_000);
  });
});
