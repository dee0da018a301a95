/**
 * The identity APIs under load: `idgraph api` (its own process, as a user runs it) over the
 * pipeline-built graph, driven by autocannon on loopback — p50/p99 latency and requests/s for
 * GET /map-user (anonymous sessions, each resolved through the stitching rules) and
 * GET /customer-view (known users), and writes/s for POST /store-visit (new visits that share
 * devices, IPs and users with each other and with the loaded graph).
 * Target: /map-user p99 < 10 ms at >= 2,000 requests/s.
 *
 * By default 60,000 people are generated (≈ 1,000,000 graph records, as the loader bench);
 * `--people N` changes it; `--duration S` is each run's length (default 10), `--connections C`
 * autocannon's concurrent connections (default 10).
 * Usage: `npm run bench api [-- --people 60000 --duration 10 --connections 10]`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCatalog } from '../src/catalog/create-catalog.js';
import { fixTableSchemas } from '../src/catalog/fix-table-schemas.js';
import { loadConfig } from '../src/config/kit-config.js';
import { generateDatasets } from '../src/datagen/generate-datasets.js';
import { runLocalTransform } from '../src/etl/run-local-transform.js';
import { connectGraph } from '../src/graph/connect-graph.js';
import { createObjectStore } from '../src/lake/create-object-store.js';
import { uploadDatasets } from '../src/lake/upload-datasets.js';
import { createBulkLoader } from '../src/loader/create-bulk-loader.js';
import { anonymousSessions } from '../src/queries/session-stitching.js';
import { DEFAULT_RULE_PRECISION } from '../src/identity-api/rule-precision.js';
import { routeRequest } from '../src/identity-api/route-request.js';
import gremlin from 'gremlin';

/** What the bench reads of autocannon's result (autocannon ships no types). */
interface AutocannonResult {
  latency: { p50: number; p99: number; average: number; max: number };
  requests: { average: number; total: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (request: AutocannonRequest) => AutocannonRequest;
}
type Autocannon = (options: { url: string; connections: number; duration: number; requests: AutocannonRequest[] }) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const option = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const PEOPLE = option('--people', 60_000);
const DURATION = option('--duration', 10);
const CONNECTIONS = option('--connections', 10);
const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

function machine(): string {
  return `${cpus()[0]?.model.trim()} x ${cpus().length}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`;
}

/** Runs the api in its own process and resolves with its URL once it listens. */
function startApi(dataDir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [CLI, 'api', '--port', '0', '--log', 'errors'], { env: { ...process.env, IDGRAPH_DATA_DIR: dataDir, IDGRAPH_MODE: 'local' }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`idgraph api exited with ${code}`)));
    child.stdout.once('data', (chunk: Buffer) =>
      resolve({
        url: chunk.toString().trim(),
        stop: () =>
          new Promise<void>((done) => {
            child.removeAllListeners('exit');
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      }),
    );
  });
}

function cycle<T>(items: T[]): () => T {
  let i = 0;
  return () => items[i++ % items.length]!;
}

function report(name: string, result: AutocannonResult, unit = 'requests/s'): void {
  console.log(
    `${name.padEnd(34)} p50 ${result.latency.p50.toFixed(2)} ms, p99 ${result.latency.p99.toFixed(2)} ms, ` +
      `${Math.round(result.requests.average).toLocaleString('en')} ${unit} (${result.requests.total.toLocaleString('en')} in ${DURATION} s, ` +
      `non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts})`,
  );
}

const root = mkdtempSync(join(tmpdir(), 'idgraph-api-bench-'));
try {
  const config = loadConfig({ dataDir: join(root, 'data'), mode: 'local', bucket: 'api-bench' }, {});
  const store = await createObjectStore(config);
  const started = performance.now();
  await generateDatasets({ records: PEOPLE, uniqueness: 30, incremental: false, seed: 1, outDir: config.generatedDir });
  await uploadDatasets(store, { dir: config.generatedDir });
  const catalog = createCatalog(config, store);
  await catalog.crawl();
  await fixTableSchemas(catalog);
  const transformed = await runLocalTransform({ store, catalog });
  const load = await createBulkLoader(config, { store }).load({ prefix: transformed.prefix, failOnError: true });
  await store.close();
  console.log(`graph: ${PEOPLE.toLocaleString('en')} people, ${load.overallStatus.totalRecords.toLocaleString('en')} records loaded in ${((performance.now() - started) / 1000).toFixed(1)} s (generate → load)`);

  // Identifiers to ask about, read once from the saved graph.
  const conn = await connectGraph(config);
  const { statics: __ } = gremlin.process;
  const sessions = ((await anonymousSessions(conn.g).where(__.out('usedDevice', 'lastSeenAtIP')).limit(5000).id().toList()) as string[]).map((id) => id.slice('session:'.length));
  const users = ((await conn.g.V().hasLabel('User').where(__.in_('loggedAs')).limit(5000).id().toList()) as string[]).map((id) => id.slice('user:'.length));
  const ips = ((await conn.g.V().hasLabel('ClientIP').limit(2000).id().toList()) as string[]).map((id) => id.slice('clientip:'.length));
  const devices = ((await conn.g.V().hasLabel('DeviceID').limit(2000).id().toList()) as string[]).map((id) => id.slice('device:'.length));
  // The handler's own cost, without HTTP: routeRequest in this process, by the wall clock and in CPU time.
  const context = { writer: conn.g, reader: conn.g, precision: DEFAULT_RULE_PRECISION };
  for (const [name, path, key, values] of [
    ['map-user', '/map-user', 'session', sessions],
    ['customer-view', '/customer-view', 'user', users],
  ] as const) {
    const runs = name === 'map-user' ? 3000 : 500;
    for (let i = 0; i < 200; i++) await routeRequest({ method: 'GET', path, query: { [key]: values[i % values.length]! }, headers: {} }, context);
    const cpu = process.cpuUsage();
    const wall = performance.now();
    for (let i = 0; i < runs; i++) await routeRequest({ method: 'GET', path, query: { [key]: values[i % values.length]! }, headers: {} }, context);
    const used = process.cpuUsage(cpu);
    console.log(`in process, ${name}: ${((performance.now() - wall) / runs).toFixed(3)} ms/request by the wall clock, ${((used.user + used.system) / 1000 / runs).toFixed(3)} CPU ms/request (${runs} requests)`);
  }
  await conn.close();

  const apiStart = performance.now();
  const api = await startApi(config.dataDir);
  console.log(`idgraph api up in ${((performance.now() - apiStart) / 1000).toFixed(1)} s at ${api.url} (opens the graph, measures the rules' precision)`);
  try {
    console.log(`machine: ${machine()} (shared: other engineers' test runs use the same cores)`);
    console.log(`autocannon: ${CONNECTIONS} connections, ${DURATION} s per run, keep-alive, loopback`);
    const nextSession = cycle(sessions);
    // Warm-up: the JIT and the graph's property caches.
    await autocannon({ url: api.url, connections: CONNECTIONS, duration: 2, requests: [{ method: 'GET', setupRequest: (r) => ({ ...r, path: `/map-user?session=${encodeURIComponent(nextSession())}` }) }] });
    const mapUser = await autocannon({ url: api.url, connections: CONNECTIONS, duration: DURATION, requests: [{ method: 'GET', setupRequest: (r) => ({ ...r, path: `/map-user?session=${encodeURIComponent(nextSession())}` }) }] });
    report('GET /map-user (anonymous sessions)', mapUser);
    const met = mapUser.latency.p99 < 10 && mapUser.requests.average >= 2000;
    console.log(`  target p99 < 10 ms at >= 2,000 requests/s: ${met ? 'met' : 'not met'}; load average now ${loadavg()[0]!.toFixed(2)}`);
    const nextUser = cycle(users);
    const view = await autocannon({ url: api.url, connections: CONNECTIONS, duration: DURATION, requests: [{ method: 'GET', setupRequest: (r) => ({ ...r, path: `/customer-view?user=${encodeURIComponent(nextUser())}` }) }] });
    report('GET /customer-view (known users)', view);
    let visit = 0;
    const nextIp = cycle(ips);
    const nextDevice = cycle(devices);
    const writes = await autocannon({
      url: api.url,
      connections: CONNECTIONS,
      duration: DURATION,
      requests: [
        {
          method: 'POST',
          path: '/store-visit',
          headers: { 'content-type': 'application/json' },
          setupRequest: (r) => {
            visit++;
            const body = {
              session_id: `bench-${visit}`,
              client_ip: nextIp(),
              device_id: nextDevice(),
              client_platform: 'ios',
              events: visit % 40,
              start_timestamp: new Date(Date.UTC(2026, 0, 1) + visit * 1000).toISOString(),
              ...(visit % 3 === 0 ? { user_name: nextUser() } : {}),
            };
            return { ...r, body: JSON.stringify(body) };
          },
        },
      ],
    });
    report('POST /store-visit (new visits)', writes, 'writes/s');
  } finally {
    await api.stop();
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
