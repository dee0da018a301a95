/**
 * The Lambda bundle as Lambda runs it: built by esbuild from the compiled kit, unzipped by an
 * independent reader (Python's zipfile), imported in a fresh Node process with nothing but the
 * bundle, and invoked with the API Gateway event fixtures against the embedded Gremlin server on
 * loopback (standing in for Neptune's WebSocket endpoint).
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PropertyGraph } from '../src/engine/index.js';
import { startGremlinServer, type GremlinServerHandle } from '../src/engine/server/index.js';
import { buildLambdaBundle, type LambdaBundle } from '../src/identity-api/lambda-bundle.js';

const ENTRY = new URL('../dist/identity-api/lambda-entry.js', import.meta.url).pathname;

describe('Lambda bundle', () => {
  let dir: string;
  let bundle: LambdaBundle;
  let server: GremlinServerHandle;
  let graph: PropertyGraph;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'idgraph-bundle-'));
    bundle = await buildLambdaBundle({ outDir: dir, entry: ENTRY });
    graph = new PropertyGraph();
    server = await startGremlinServer({ graph, host: '127.0.0.1', port: 0 });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is a valid zip of index.mjs under a content-addressed key; the same build gives the same bytes', async () => {
    expect(bundle.key).toMatch(/^kit\/identity-api-[0-9a-f]{16}\.zip$/);
    const listing = execFileSync('python3', ['-c', 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(z.namelist()); z.extract("index.mjs", sys.argv[2])', bundle.path, join(dir, 'fn')], { encoding: 'utf8' });
    expect(listing.trim()).toBe("['index.mjs']");
    expect(readFileSync(join(dir, 'fn', 'index.mjs')).length).toBe(bundle.scriptBytes);
    const again = await buildLambdaBundle({ outDir: join(dir, 'again'), entry: ENTRY });
    expect(again.key).toBe(bundle.key);
  }, 60_000);

  it('handles the fixture events against a Gremlin endpoint, alone in a fresh process', async () => {
    const fixtures = ['post-store-visit.json', 'get-map-user.json', 'get-customer-view-repeated.json'].map((name) => readFileSync(new URL(`./fixtures/identity-api/${name}`, import.meta.url), 'utf8'));
    const runner = join(dir, 'fn', 'invoke.mjs');
    writeFileSync(
      runner,
      `import { handler } from './index.mjs';
const events = ${JSON.stringify(fixtures)}.map((text) => JSON.parse(text));
const out = [];
for (const event of events) out.push(await handler(event));
process.stdout.write('RESULT ' + JSON.stringify(out) + '\\n');
process.exit(0);
`,
    );
    // Asynchronously: the Gremlin server it talks to runs in this process.
    const run = await promisify(execFile)(process.execPath, [runner], {
      cwd: join(dir, 'fn'),
      encoding: 'utf8',
      timeout: 30_000,
      env: { PATH: process.env.PATH, NEPTUNE_ENDPOINT: '127.0.0.1', NEPTUNE_PORT: String(server.port), NEPTUNE_IAM_AUTH: 'false', NEPTUNE_URL: server.url, AWS_REGION: 'us-east-1' },
    });
    expect(run.stderr).toBe('');
    const line = run.stdout.split('\n').find((l) => l.startsWith('RESULT '));
    const [posted, mapped, repeated] = JSON.parse(line!.slice('RESULT '.length)) as { statusCode: number; body: string }[];
    expect(posted!.statusCode).toBe(200);
    expect(JSON.parse(mapped!.body)).toMatchObject({ requestId: 'Ef1aDhNJoAMEbzA=', users: [{ user: 'dana', rule: 'shared-device', confidence: 1 }] });
    expect(repeated!.statusCode).toBe(400);
    // One JSON log line per request, for CloudWatch Logs Insights.
    const logs = run.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    expect(logs.map((l) => [l.requestId, l.status])).toEqual([['Ef1aBjRSoAMEbxw=', 200], ['Ef1aDhNJoAMEbzA=', 200], ['Ef1aFhQmoAMEb1w=', 400]]);
    expect(graph.vertexCount).toBe(4); // session, device, IP, user
  }, 60_000);
});
