import { ExecuteGremlinQueryCommand as ExecuteQuery, NeptunedataClient, type ExecuteGremlinQueryCommandInput } from '@aws-sdk/client-neptunedata';
import { mockClient } from 'aws-sdk-client-mock';
import gremlin from 'gremlin';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/run-cli.js';
import { loadCommand } from '../src/cli/commands/load.js';
import { queryCommand } from '../src/cli/commands/query.js';
import { loadConfig } from '../src/config/kit-config.js';
import { connectGraph } from '../src/graph/connect-graph.js';
import { createObjectStore } from '../src/lake/create-object-store.js';
import { toJsonValue } from '../src/graph/to-json-value.js';
import { requireNeptuneEndpoint } from '../src/graph/neptune-endpoint.js';

const corpus = join(import.meta.dirname, 'fixtures', 'loader');
const { t } = gremlin.process;

let dataDir: string;
const savedEnv = { ...process.env };
beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'idgraph-connect-'));
  process.env.IDGRAPH_DATA_DIR = dataDir;
  process.env.IDGRAPH_MODE = 'local';
  process.env.GRAPH_NOTEBOOK_CONFIG = join(dataDir, 'no-workbench-config.json');
  delete process.env.NEPTUNE_HOST;
});
afterAll(() => {
  process.env = savedEnv;
  rmSync(dataDir, { recursive: true, force: true });
});

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), isTty: false }, [loadCommand, queryCommand]);
  return { code, stdout, stderr };
}

describe('connectGraph (local) and the load/query commands', () => {
  it('idgraph load --from-dir loads a folder of Gremlin CSV into the persisted local graph', async () => {
    const result = await cli('load', '--from-dir', join(corpus, 'valid'));
    expect(result.stderr).toContain('LOAD_COMPLETED');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/LOAD_COMPLETED — 9 records, 1 duplicates/);

    const bad = await cli('load', '--from-dir', join(corpus, 'dangling-edge'));
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('FROM_OR_TO_VERTEX_ARE_MISSING');

    const missing = await cli('load', '--from-dir', join(corpus, 'no-such-folder'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read folder/);
  });

  it('runs driver traversals and Gremlin text against the persisted graph', async () => {
    const conn = await connectGraph(loadConfig());
    expect(conn.mode).toBe('local');
    // 3 from valid/ plus d1, d2 from dangling-edge/ (its good records were loaded too).
    expect(await conn.g.V().hasLabel('Person').count().next()).toEqual({ value: 5, done: false });
    const names = await conn.g.V('p1').out('livesIn').values('name').toList();
    expect(names).toEqual(['Georgia']);
    expect(await conn.query("g.V('p1').out('livesIn').values('name')")).toEqual(['Georgia']);
    const paths = (await conn.query("g.V('p2').outE('livesIn').inV().path()")).map(toJsonValue);
    expect(paths).toEqual([[{ id: 'p2', label: 'Person' }, { id: 'e2', label: 'livesIn' }, { id: 'c2', label: 'City' }]]);
    // As Neptune's string API: terminal methods apply, and a script answers with its last query.
    expect(await conn.query("g.V().hasLabel('Person').values('name').order().next(2)")).toHaveLength(2);
    expect(await conn.query("g.V().hasLabel('Person').count().iterate()")).toEqual([]);
    expect(await conn.query("g.V('p1').count()\ng.V('p1').out('livesIn').values('name')")).toEqual(['Georgia']);
    await conn.close();
  });

  it('a write through g is saved on close and seen by the next connection (another kernel)', async () => {
    const writer = await connectGraph(loadConfig());
    await writer.g.addV('Note').property(t.id, 'note:1').property('text', 'hello').iterate();
    await writer.close();
    const reader = await connectGraph(loadConfig());
    expect(await reader.query("g.V('note:1').values('text')")).toEqual(['hello']);
    await reader.close();
  });

  it('a connection opened before another process loaded sees the new data on its next traversal', async () => {
    const reader = await connectGraph(loadConfig());
    expect(await reader.query("g.V('z1').count()")).toEqual([0]);
    const other = await cli('load', '--from-dir', join(corpus, 'gzip'));
    expect(other.code).toBe(0);
    expect(await reader.query("g.V('z1').values('name')")).toEqual(['zipped']);
    expect(await reader.g.V('z1').out('knows').id().toList()).toEqual(['z2']);
    await reader.close();
  });

  it('idgraph load --incremental reads the batch folder of the kit bucket (embedded S3)', async () => {
    const store = await createObjectStore(loadConfig());
    const batch = 'datasets/graph/incremental/20260101_000000/';
    await store.putObject(`${batch}vertices/Thing.csv`, '~id,~label,size:Int\nthing:1,Thing,3\nthing:2,Thing,4\n');
    await store.putObject(`${batch}edges/near.csv`, '~id,~from,~to,~label\nnear:1,thing:1,thing:2,near\n');
    await store.close();
    const result = await cli('load', '--incremental', '20260101_000000', '--json');
    expect(result.code).toBe(0);
    const status = JSON.parse(result.stdout);
    expect(status.overallStatus).toMatchObject({ status: 'LOAD_COMPLETED', totalRecords: 3, fullUri: `s3://identity-graph-kit/${batch}` });
    const conn = await connectGraph(loadConfig());
    expect(await conn.query("g.V('thing:1').out('near').values('size')")).toEqual([4]);
    await conn.close();
    const bad = await cli('load', '--incremental', 'not-a-batch');
    expect(bad.code).toBe(2);
  });

  it('idgraph query prints JSON: elements as {id,label}, maps as objects, numbers as numbers', async () => {
    const count = await cli('query', "g.V().hasLabel('City').count()", '--json');
    expect(count.code).toBe(0);
    expect(JSON.parse(count.stdout)).toEqual([2]);
    const vertices = await cli('query', "g.V().hasLabel('City').order().by(id)");
    expect(vertices.stdout).toBe('{"id":"c1","label":"City"}\n{"id":"c2","label":"City"}\n');
    const map = await cli('query', "g.V('c1').valueMap('name','population')", '--json');
    expect(JSON.parse(map.stdout)).toEqual([{ name: ['Georgia'], population: [1000000] }]);
    const empty = await cli('query');
    expect(empty.code).toBe(2);
    const bad = await cli('query', 'g.V(.count()');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^idgraph query: /);
  });
});

describe('connectGraph (aws): query through ExecuteGremlinQuery', () => {
  // client-neptunedata 3.403 carries its own, older @smithy/types, which aws-sdk-client-mock's typings reject.
  /* eslint-disable @typescript-eslint/no-explicit-any */
  const neptune = mockClient(NeptunedataClient as any);
  const ExecuteGremlinQueryCommand = ExecuteQuery as any;
  afterEach(() => neptune.reset());

  it('sends the text with the GraphSON 3 serializer and reads typed results', async () => {
    neptune.on(ExecuteGremlinQueryCommand).resolves({
      $metadata: {},
      requestId: 'r1',
      result: {
        data: {
          '@type': 'g:List',
          '@value': [
            { '@type': 'g:Int64', '@value': 42 },
            { '@type': 'g:Vertex', '@value': { id: 'user:ann', label: 'User' } },
          ],
        },
        meta: {},
      },
    } as any);
    const config = loadConfig({ mode: 'aws', region: 'us-east-1', neptune: { host: 'db.example', port: 8182, iamAuth: true } }, {});
    const conn = await connectGraph(config, {
      neptuneClient: new NeptunedataClient({ region: 'us-east-1' }),
      credentials: { accessKeyId: 'AKID', secretAccessKey: 'SECRET' },
    });
    expect(conn.mode).toBe('aws');
    const results = await conn.query("g.V().hasLabel('User').count()");
    expect(results.map(toJsonValue)).toEqual([42, { id: 'user:ann', label: 'User' }]);
    expect(neptune.commandCalls(ExecuteGremlinQueryCommand).map((c) => c.args[0].input as ExecuteGremlinQueryCommandInput)).toEqual([
      { gremlinQuery: "g.V().hasLabel('User').count()", serializer: 'application/vnd.gremlin-v3.0+json' },
    ]);
    await conn.close();
  });
});

describe('Neptune endpoint: Workbench file, then stack outputs', () => {
  it("reads host, port and IAM auth from Neptune Workbench's graph_notebook_config.json", () => {
    const file = join(dataDir, 'graph_notebook_config.json');
    writeFileSync(file, JSON.stringify({ host: 'db.cluster-x.eu-west-1.neptune.amazonaws.com', port: '8182', auth_mode: 'IAM', aws_region: 'eu-west-1' }));
    const config = loadConfig({ mode: 'aws', region: 'us-east-1', dataDir }, { GRAPH_NOTEBOOK_CONFIG: file });
    expect(requireNeptuneEndpoint(config)).toEqual({ host: 'db.cluster-x.eu-west-1.neptune.amazonaws.com', port: 8182, iamAuth: true, region: 'eu-west-1' });
  });

  it('falls back to the neptune-core stack outputs, and fails clearly when nothing names a cluster', () => {
    const none = join(dataDir, 'absent.json');
    const config = loadConfig(
      { mode: 'aws', region: 'us-east-1', dataDir, stackOutputs: { NeptuneClusterEndpoint: 'db.stack', NeptuneClusterPort: '8182', NeptuneIamAuthEnabled: 'true' } },
      { GRAPH_NOTEBOOK_CONFIG: none },
    );
    expect(requireNeptuneEndpoint(config)).toEqual({ host: 'db.stack', port: 8182, iamAuth: true, region: 'us-east-1' });
    const error = (() => {
      try {
        return requireNeptuneEndpoint(loadConfig({ mode: 'aws', dataDir, stackOutputs: {} }, { GRAPH_NOTEBOOK_CONFIG: none }));
      } catch (e) {
        return e as Error;
      }
    })();
    expect((error as Error).name).toBe('InvalidInputError');
  });
});
