/**
 * Embedded bulk loader: CSV records per second end to end (read the objects from the embedded
 * S3 server, parse RFC 4180, convert types, insert into the PropertyGraph) on about 1,000,000
 * Gremlin CSV records, then the time to save the persisted graph and to reopen it in a fresh
 * store (what another notebook kernel does).
 *
 * By default the files are the kit's own: 60,000 people generated, uploaded, crawled and
 * transformed (≈ 17 graph records per person). `--synthetic [--records N]` loads synthesised
 * files of the same shape from local disk instead (the loader alone, no S3, no pipeline).
 * Usage: `npm run bench loader [-- --people P | --synthetic --records N]`.
 */
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { createCatalog } from '../src/catalog/create-catalog.js';
import { fixTableSchemas } from '../src/catalog/fix-table-schemas.js';
import { loadConfig } from '../src/config/kit-config.js';
import { generateDatasets } from '../src/datagen/generate-datasets.js';
import { runLocalTransform } from '../src/etl/run-local-transform.js';
import { openLocalGraph } from '../src/graph/local-graph-store.js';
import { createObjectStore } from '../src/lake/create-object-store.js';
import type { ObjectStore } from '../src/lake/object-store.js';
import { uploadDatasets } from '../src/lake/upload-datasets.js';
import { createEmbeddedBulkLoader, listDirectorySources, loadSourcesIntoGraph } from '../src/loader/embedded-bulk-loader.js';
import type { LoadStatus } from '../src/loader/load-status.js';
import { printMachine } from './machine.js';

const argIndex = process.argv.indexOf('--records');
const TOTAL = argIndex > 0 ? Number(process.argv[argIndex + 1]) : 1_000_000;

async function writeFile(path: string, header: string, rows: number, row: (i: number) => string): Promise<void> {
  const out = createWriteStream(path);
  out.write(header + '\n');
  let buffer = '';
  for (let i = 0; i < rows; i++) {
    buffer += row(i) + '\n';
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.end(buffer);
  await once(out, 'finish');
}

async function synthesise(dir: string, total: number): Promise<void> {
  mkdirSync(join(dir, 'vertices'), { recursive: true });
  mkdirSync(join(dir, 'edges'), { recursive: true });
  const n = Math.floor(total / 10); // 5 vertex files + 5 edge files of n records each
  const day = (i: number) => `19${50 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}`;
  await writeFile(join(dir, 'vertices', 'User.csv'), '~id,~label,address,birthday:Date', n, (i) => `user:u${i},User,"${i} Main Street, Springfield",${day(i)}`);
  await writeFile(join(dir, 'vertices', 'Email.csv'), '~id,~label', n, (i) => `email:u${i}@example.com,Email`);
  await writeFile(join(dir, 'vertices', 'Cookie.csv'), '~id,~label,last_action,conversion_id,session_duration_sec:Long', n, (i) => `cookie:c${i},Cookie,${i % 3 === 0 ? 'purchase' : 'view'},conv${i % 1000},${i % 3600}`);
  await writeFile(
    join(dir, 'vertices', 'SessionID.csv'),
    '~id,~label,client_platform,canonical_url,events:Long,start_timestamp:Date,session_duration_sec:Long',
    n,
    (i) => `session:s${i},SessionID,${i % 2 ? 'web' : 'mobile'},https://shop.example.com/p/${i % 5000},${i % 40},2026-01-0${1 + (i % 9)}T10:${String(i % 60).padStart(2, '0')}:00Z,${i % 7200}`,
  );
  await writeFile(join(dir, 'vertices', 'DeviceID.csv'), '~id,~label', n, (i) => `device:d${i},DeviceID`);
  await writeFile(join(dir, 'edges', 'hasEmail.csv'), '~id,~from,~to,~label', n, (i) => `hasEmail:u${i},user:u${i},email:u${i}@example.com,hasEmail`);
  await writeFile(join(dir, 'edges', 'loggedAs.csv'), '~id,~from,~to,~label', n, (i) => `loggedAs:c${i},cookie:c${i},user:u${(i * 7) % n},loggedAs`);
  await writeFile(join(dir, 'edges', 'hasCookie.csv'), '~id,~from,~to,~label', n, (i) => `hasCookie:s${i},session:s${i},cookie:c${i},hasCookie`);
  await writeFile(join(dir, 'edges', 'usedDevice.csv'), '~id,~from,~to,~label', n, (i) => `usedDevice:s${i},session:s${i},device:d${(i * 13) % n},usedDevice`);
  await writeFile(
    join(dir, 'edges', 'hasPurchased.csv'),
    '~id,~from,~to,~label,purchase_id,purchased_date:Date,reward_points:Long',
    n,
    (i) => `purchase:p${i},email:u${i}@example.com,device:d${i},hasPurchased,p${i},2025-12-${10 + (i % 18)},${i % 500}`,
  );
}

/**
 * The kit's own pipeline: generate P people, upload, crawl, fix the schemas, transform (DuckDB)
 * — then the files are in the embedded S3 server, where the embedded loader reads them.
 */
async function runPipeline(root: string, people: number) {
  const config = loadConfig({ dataDir: join(root, 'data'), mode: 'local', bucket: 'loader-bench' }, {});
  const store = await createObjectStore(config);
  const started = performance.now();
  await generateDatasets({ records: people, uniqueness: 30, incremental: false, seed: 1, outDir: join(root, 'generated') });
  await uploadDatasets(store, { dir: join(root, 'generated') });
  const catalog = createCatalog(config, store);
  await catalog.crawl();
  await fixTableSchemas(catalog);
  const report = await runLocalTransform({ store, catalog });
  const rows = report.files.reduce((n, f) => n + f.rows, 0);
  console.log(
    `pipeline: ${people.toLocaleString('en')} people → ${report.files.length} Gremlin CSV files, ${rows.toLocaleString('en')} records ` +
      `(generate → upload → crawl → fix → transform in ${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
  return { config, store, prefix: report.prefix };
}

const synthetic = process.argv.includes('--synthetic');
const peopleIndex = process.argv.indexOf('--people');
const PEOPLE = peopleIndex > 0 ? Number(process.argv[peopleIndex + 1]) : 60_000;

const root = mkdtempSync(join(tmpdir(), 'idgraph-loader-bench-'));
let objectStore: ObjectStore | undefined;
try {
  const dataDir = join(root, 'data');
  const graphConfig = { dataDir };
  const store = await openLocalGraph(graphConfig);
  let load: () => Promise<LoadStatus>;
  // The load ends when its last file is done; the save that follows is timed on its own below.
  let loadedAt = 0;
  let loadedCpu: NodeJS.CpuUsage | undefined;
  const onProgress = (p: { status: string }) => {
    if (p.status === 'LOAD_IN_PROGRESS') return;
    loadedAt = performance.now();
    loadedCpu = process.cpuUsage(cpuStart);
  };
  let cpuStart = process.cpuUsage();
  let what: string;
  if (synthetic) {
    const csvDir = join(root, 'csv');
    await synthesise(csvDir, TOTAL);
    const sources = await listDirectorySources(csvDir);
    what = `synthetic Gremlin CSV in the ETL's shape, ${sources.length} files on local disk`;
    load = () => loadSourcesIntoGraph(store, sources, csvDir, { failOnError: true, onProgress });
  } else {
    const pipeline = await runPipeline(root, PEOPLE);
    objectStore = pipeline.store;
    what = `the kit's ETL output, read from the embedded S3 server`;
    const loader = createEmbeddedBulkLoader({ store: pipeline.store, graphStore: store });
    load = () => loader.load({ prefix: pipeline.prefix, failOnError: true, onProgress });
  }

  globalThis.gc?.();
  const loadStart = performance.now();
  cpuStart = process.cpuUsage();
  const status = await load();
  const records = status.overallStatus.totalRecords;
  if (status.overallStatus.status !== 'LOAD_COMPLETED') throw new Error(`bench load ended ${status.overallStatus.status}`);
  // Up to the last file done: reading, parsing and inserting, not the save the loader ends with.
  const loadMs = loadedAt - loadStart;
  // CPU seconds of the load: on a shared machine the wall clock also counts time spent waiting for a core.
  const loadCpuSeconds = (loadedCpu!.user + loadedCpu!.system) / 1e6;

  const saveStart = performance.now();
  const bytes = await store.save();
  const saveMs = performance.now() - saveStart;
  const rssAfterLoad = process.memoryUsage().rss;
  globalThis.gc?.();
  // What the loaded graph keeps (and what it keeps alive, such as read chunks its strings point
  // into), typed arrays included: the store keeps its element data outside the JS heap.
  const heapAfterLoad = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;

  globalThis.gc?.();
  const reopenStart = performance.now();
  const reopenCpuStart = process.cpuUsage();
  const reopened = await openLocalGraph(graphConfig);
  const reopenMs = performance.now() - reopenStart;
  const reopenCpu = process.cpuUsage(reopenCpuStart);

  console.log(`input: ${what}, ${records.toLocaleString('en')} records`);
  console.log(
    `embedded loader: ${Math.round(records / (loadMs / 1000)).toLocaleString('en')} CSV records/s end to end by the wall clock, ` +
      `${Math.round(records / loadCpuSeconds).toLocaleString('en')} per CPU second (target >= 500,000); load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`,
  );
  console.log(`graph: ${store.graph.vertexCount.toLocaleString('en')} vertices, ${store.graph.edgeCount.toLocaleString('en')} edges, RSS ${(rssAfterLoad / 2 ** 20).toFixed(0)} MiB, ` +
      `heap + array buffers after GC ${(heapAfterLoad / 2 ** 20).toFixed(0)} MiB (${(heapAfterLoad / records).toFixed(0)} bytes/record)`);
  console.log(`snapshot save: ${(saveMs / 1000).toFixed(2)} s, ${(bytes / 2 ** 20).toFixed(1)} MiB (${(bytes / records).toFixed(1)} bytes/record)`);
  console.log(
    `snapshot reopen: ${(reopenMs / 1000).toFixed(2)} s for ${records.toLocaleString('en')} records ` +
      `(${Math.round(records / (reopenMs / 1000)).toLocaleString('en')} records/s; ${((reopenCpu.user + reopenCpu.system) / 1e6).toFixed(2)} CPU s), ` +
      `${(reopened.graph.vertexCount + reopened.graph.edgeCount).toLocaleString('en')} elements`,
  );
  printMachine();
} finally {
  await objectStore?.close();
  rmSync(root, { recursive: true, force: true });
}
