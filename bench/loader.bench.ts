/**
 * Embedded bulk loader: CSV records per second end to end (read files, parse RFC 4180, convert
 * types, insert into the PropertyGraph) on 1,000,000 Gremlin CSV records, then the time to save
 * the persisted graph and to reopen it in a fresh store (what another notebook kernel does).
 *
 * The files are synthesised here in the shape the kit's ETL writes (DESIGN §4: prefixed ids,
 * typed columns, one file per label) rather than generated + transformed, so the figure
 * measures the loader alone. Usage: `npm run bench loader [-- --records N]`.
 */
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { openLocalGraph } from '../src/graph/local-graph-store.js';
import { listDirectorySources, loadSourcesIntoGraph } from '../src/loader/embedded-bulk-loader.js';

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

const root = mkdtempSync(join(tmpdir(), 'idgraph-loader-bench-'));
try {
  const csvDir = join(root, 'csv');
  await synthesise(csvDir, TOTAL);
  const sources = await listDirectorySources(csvDir);
  const config = { dataDir: join(root, 'data') };
  const store = await openLocalGraph(config);

  globalThis.gc?.();
  const loadStart = performance.now();
  const cpuStart = process.cpuUsage();
  const status = await loadSourcesIntoGraph(store, sources, csvDir, { failOnError: true });
  const loadAndSaveMs = performance.now() - loadStart;
  const records = status.overallStatus.totalRecords;
  if (status.overallStatus.status !== 'LOAD_COMPLETED') throw new Error(`bench load ended ${status.overallStatus.status}`);

  const loadCpu = process.cpuUsage(cpuStart);
  const saveStart = performance.now();
  const saveCpuStart = process.cpuUsage();
  const bytes = await store.save();
  const saveMs = performance.now() - saveStart;
  const saveCpu = process.cpuUsage(saveCpuStart);
  // CPU seconds of the load alone (its own save taken out): on a shared machine the wall clock
  // also counts time spent waiting for a core.
  const loadCpuSeconds = (loadCpu.user + loadCpu.system - saveCpu.user - saveCpu.system) / 1e6;
  const loadMs = loadAndSaveMs - saveMs; // loadSourcesIntoGraph saved once too; take that save out
  const rssAfterLoad = process.memoryUsage().rss;

  globalThis.gc?.();
  const reopenStart = performance.now();
  const reopenCpuStart = process.cpuUsage();
  const reopened = await openLocalGraph(config);
  const reopenMs = performance.now() - reopenStart;
  const reopenCpu = process.cpuUsage(reopenCpuStart);

  console.log(`synthetic Gremlin CSV (ETL shape), ${sources.length} files, ${records.toLocaleString('en')} records`);
  console.log(
    `embedded loader: ${Math.round(records / (loadMs / 1000)).toLocaleString('en')} CSV records/s end to end by the wall clock, ` +
      `${Math.round(records / loadCpuSeconds).toLocaleString('en')} per CPU second (target >= 500,000); load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`,
  );
  console.log(`graph: ${store.graph.vertexCount.toLocaleString('en')} vertices, ${store.graph.edgeCount.toLocaleString('en')} edges, RSS ${(rssAfterLoad / 2 ** 20).toFixed(0)} MiB`);
  console.log(`snapshot save: ${(saveMs / 1000).toFixed(2)} s, ${(bytes / 2 ** 20).toFixed(1)} MiB (${(bytes / records).toFixed(1)} bytes/record)`);
  console.log(
    `snapshot reopen: ${(reopenMs / 1000).toFixed(2)} s for ${records.toLocaleString('en')} records ` +
      `(${Math.round(records / (reopenMs / 1000)).toLocaleString('en')} records/s; ${((reopenCpu.user + reopenCpu.system) / 1e6).toFixed(2)} CPU s), ` +
      `${(reopened.graph.vertexCount + reopened.graph.edgeCount).toLocaleString('en')} elements`,
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
