/**
 * The identity API over a graph the kit's own pipeline built (generate → upload → crawl → fix
 * schemas → transform → load, local mode): a visit that repeats a loaded clickstream row names
 * the ETL's vertex and edge ids, so it changes nothing; `idgraph api` measures the rules'
 * precision against the ground truth once, writes it, and serves the graph, saving the visits.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import gremlin from 'gremlin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalog } from '../src/catalog/create-catalog.js';
import { fixTableSchemas } from '../src/catalog/fix-table-schemas.js';
import { serveIdentityApi } from '../src/cli/commands/api.js';
import { loadConfig, type KitConfig } from '../src/config/kit-config.js';
import { parseCsv } from '../src/csv/csv-parser.js';
import { generateDatasets } from '../src/datagen/generate-datasets.js';
import { runLocalTransform } from '../src/etl/index.js';
import { connectGraph } from '../src/graph/connect-graph.js';
import { RULE_PRECISION_FILE, upsertStoreVisit, type StoreVisit } from '../src/identity-api/index.js';
import { createObjectStore } from '../src/lake/create-object-store.js';
import type { ObjectStore } from '../src/lake/object-store.js';
import { uploadDatasets } from '../src/lake/upload-datasets.js';
import { createBulkLoader } from '../src/loader/create-bulk-loader.js';
import { countDuplicates } from '../src/queries/index.js';

const { t: T, statics: __ } = gremlin.process;

async function readRows(path: string): Promise<Record<string, string>[]> {
  const [header, ...rows] = parseCsv(await readFile(path, 'utf8')).map((r) => r.fields);
  return rows.map((fields) => Object.fromEntries(header!.map((name, i) => [name, fields[i] ?? ''])));
}

/** A clickstream row (and its session's cookie row, if any) as the visit an app would post. */
function toVisit(row: Record<string, string>, cookie: Record<string, string> | undefined): StoreVisit {
  const visit: Record<string, unknown> = {};
  const copy = (from: string, to = from, convert: (v: string) => unknown = (v) => v) => {
    if (row[from]) visit[to] = convert(row[from]!);
  };
  copy('session_id');
  copy('client_ip');
  copy('client_platform');
  copy('canonical_url');
  copy('domain_name');
  copy('app_id');
  copy('device_id');
  copy('user_name');
  copy('events', 'events', Number);
  copy('start_timestamp');
  copy('start_event');
  copy('end_timestamp');
  copy('end_event');
  copy('session_duration_sec', 'session_duration_sec', Number);
  copy('user-agent', 'user_agent');
  if (cookie) visit.cookie_id = cookie.cookie_id;
  return visit as unknown as StoreVisit;
}

async function edgeSignature(g: gremlin.process.GraphTraversalSource): Promise<string[]> {
  const rows = await g.E().project('id', 'label', 'out', 'in').by(T.id).by(T.label).by(__.outV().id()).by(__.inV().id()).toList();
  return rows.map((r) => JSON.stringify([...(r as Map<string, unknown>).values()])).sort();
}

describe('identity API over the pipeline-built graph', () => {
  let dir: string;
  let config: KitConfig;
  let store: ObjectStore;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'idgraph-api-'));
    config = loadConfig({ dataDir: dir, mode: 'local', bucket: 'api' }, {});
    store = await createObjectStore(config);
    await generateDatasets({ records: 300, uniqueness: 30, incremental: false, seed: 11, outDir: config.generatedDir });
    await uploadDatasets(store, { dir: config.generatedDir });
    const catalog = createCatalog(config, store);
    await catalog.crawl();
    await fixTableSchemas(catalog);
    const report = await runLocalTransform({ store, catalog });
    await createBulkLoader(config, { store }).load({ prefix: report.prefix, failOnError: true });
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('re-posting loaded sessions as visits changes nothing: the ids are the ETL ids', async () => {
    const clicks = await readRows(join(config.generatedDir, 'clickstream_data_full.csv'));
    const cookies = new Map((await readRows(join(config.generatedDir, 'cookie_data_full.csv'))).map((c) => [c.session_id, c]));
    // Every kind of session: logged in or not, web (with its cookie, logged in on the cookie or not) and app.
    const visits = clicks.slice(0, 60).map((row) => toVisit(row, cookies.get(row.session_id!)));
    expect(visits.some((v) => v.cookie_id) && visits.some((v) => v.device_id) && visits.some((v) => v.user_name)).toBe(true);
    const conn = await connectGraph(config);
    try {
      const before = await edgeSignature(conn.g);
      const vertices = Number((await conn.g.V().count().next()).value);
      // Values per key, keys sorted: an onMatch that sets a property to its own value may move it to the end of the vertex's list.
      const sessionProps = async () =>
        JSON.stringify((await conn.g.V(...visits.map((v) => `session:${v.session_id}`)).valueMap().toList()).map((m) => [...(m as Map<string, unknown>)].sort((a, b) => a[0].localeCompare(b[0]))));
      const propsBefore = await sessionProps();
      for (const visit of visits) {
        // A cookie's own login (cookie_data.user_name) is not part of a clickstream visit: post it only when the session has it too.
        await upsertStoreVisit(conn.g, visit);
      }
      expect(Number((await conn.g.V().count().next()).value)).toBe(vertices);
      const after = await edgeSignature(conn.g);
      // Web visits logged in on the session add Cookie-loggedAs->User when the cookie row had no login: the only edges that may be new.
      const added = after.filter((e) => !before.includes(e));
      for (const e of added) expect(JSON.parse(e).slice(1, 2)).toEqual(['loggedAs']);
      expect(after.length - before.length).toBe(added.length);
      expect(await sessionProps()).toBe(propsBefore);
      expect(await countDuplicates(conn.g)).toEqual({ vertices: 0, edges: 0, singleValued: { hasPhone: 0, hasLoyaltyLevel: 0, hasPostCodeAddress: 0, hasCityAddress: 0 } });
    } finally {
      await conn.close();
    }
  });

  it('idgraph api measures the precision once, serves the graph, and saves the visits on exit', async () => {
    let stop!: () => void;
    const shutdown = new Promise<void>((resolve) => (stop = resolve));
    const out: string[] = [];
    const err: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), isTty: false };
    const running = serveIdentityApi(config, { host: '127.0.0.1', port: 0, log: 'all' }, io, shutdown);
    while (out.length === 0) await new Promise((r) => setTimeout(r, 20));
    const url = out[0]!.trim();
    const precision = JSON.parse(await readFile(join(dir, RULE_PRECISION_FILE), 'utf8'));
    expect(precision).toMatchObject({ source: 'measured', precision: { 'shared-device': expect.any(Number) } });
    expect(precision.sampledSessions).toBeGreaterThan(10);
    const conn = await connectGraph(config);
    const [anonymous] = (await conn.g.V().hasLabel('SessionID').not(__.out('loggedAs')).not(__.out('hasCookie').out('loggedAs')).where(__.out('usedDevice').in_('usedDevice').out('loggedAs')).id().limit(1).toList()) as string[];
    await conn.close();
    const mapped = (await (await fetch(`${url}/map-user?session=${encodeURIComponent(anonymous!.slice('session:'.length))}`)).json()) as { users: { rule: string; confidence: number }[] };
    expect(mapped.users[0]).toMatchObject({ rule: 'shared-device', confidence: precision.precision['shared-device'] });
    const posted = await fetch(`${url}/store-visit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ session_id: 'api-test-1', device_id: 'api-device', user_name: 'api_user' }) });
    expect(posted.status).toBe(200);
    expect(err.join('')).toMatch(/"path":"\/store-visit","status":200/);
    stop();
    expect(await running).toBe(0);
    const reopened = await connectGraph(config);
    expect(await reopened.g.V('session:api-test-1').out('loggedAs').id().toList()).toEqual(['user:api_user']);
    await reopened.close();
    // Next start reads the file instead of measuring again.
    err.length = 0;
    out.length = 0;
    let stop2!: () => void;
    const second = serveIdentityApi(config, { host: '127.0.0.1', port: 0, log: 'errors' }, io, new Promise<void>((r) => (stop2 = r)));
    while (out.length === 0) await new Promise((r) => setTimeout(r, 20));
    stop2();
    await second;
    expect(err.join('')).toContain(`rule precision from ${join(dir, RULE_PRECISION_FILE)} (measured)`);
  }, 60_000);

  it('a broken precision file is refused, naming the file and the field', async () => {
    const path = join(dir, RULE_PRECISION_FILE);
    expect(existsSync(path)).toBe(true);
    await writeFile(path, JSON.stringify({ source: 'measured', precision: { 'shared-device': 1.5, 'shared-ip': 0.3, 'shared-user-agent': 0.1 } }));
    const io = { stdout: () => {}, stderr: () => {}, isTty: false };
    await expect(serveIdentityApi(config, { host: '127.0.0.1', port: 0, log: 'all' }, io, Promise.resolve())).rejects.toMatchObject({
      name: 'InvalidInputError',
      message: expect.stringContaining(`${path}: field "precision.shared-device" must be a number from 0 to 1`),
    });
  });
});
