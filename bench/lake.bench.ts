/**
 * Data lake and catalog figures in local mode: upload throughput to the embedded S3 server
 * (multipart for files over the part size), download throughput, the crawl of the four
 * datasets (2 MB sample per object), the CSV classifier on one 2 MB sample, and peak RSS.
 *
 *   npm run bench lake
 *   npx tsx bench/lake.bench.ts [records]      # default 40000 records (about 20 MB of CSV)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CSV_SAMPLE_BYTES, classifyCsvSample, createCatalog, fixTableSchemas } from '../src/catalog/index.js';
import { defaultConfig } from '../src/config/kit-config.js';
import { generateDatasets } from '../src/datagen/index.js';
import { createObjectStore, uploadDatasets } from '../src/lake/index.js';
import { printMachine } from './machine.js';

const records = Number(process.argv[2] ?? 40_000);
const MiB = 1024 * 1024;
const dataDir = mkdtempSync(join(tmpdir(), 'lake-bench-'));
const rate = (bytes: number, ms: number) => `${(bytes / MiB / (ms / 1000)).toFixed(1)} MiB/s`;

try {
  const config = defaultConfig(dataDir);
  const generated = join(dataDir, 'generated');
  const report = await generateDatasets({ records, uniqueness: 30, incremental: false, seed: 5, outDir: generated });
  const largest = report.files.reduce((a, b) => (a.bytes > b.bytes ? a : b));

  const store = await createObjectStore(config);
  try {
    let t = performance.now();
    const upload = await uploadDatasets(store, { dir: generated });
    const uploadMs = performance.now() - t;
    console.log(`upload      ${upload.objects.length} files, ${(upload.totalBytes / MiB).toFixed(1)} MiB in ${(uploadMs / 1000).toFixed(2)} s: ${rate(upload.totalBytes, uploadMs)}`);

    t = performance.now();
    let downloaded = 0;
    for (const object of upload.objects) downloaded += (await store.getObject(object.key)).length;
    const downloadMs = performance.now() - t;
    console.log(`download    ${(downloaded / MiB).toFixed(1)} MiB in ${(downloadMs / 1000).toFixed(2)} s: ${rate(downloaded, downloadMs)}`);

    const catalog = createCatalog(config, store);
    t = performance.now();
    const crawl = await catalog.crawl();
    const crawlMs = performance.now() - t;
    const sampled = upload.objects.reduce((n, o) => n + Math.min(o.bytes, CSV_SAMPLE_BYTES), 0);
    console.log(`crawl       ${crawl.tables.length} tables, ${(sampled / MiB).toFixed(1)} MiB sampled in ${(crawlMs / 1000).toFixed(2)} s: ${rate(sampled, crawlMs)}`);

    t = performance.now();
    const fix = await fixTableSchemas(catalog);
    console.log(`fix-schema  ${fix.tables.length} tables read, fixed and verified in ${(performance.now() - t).toFixed(0)} ms`);

    const sample = (await readFile(largest.path)).subarray(0, CSV_SAMPLE_BYTES).toString('utf8');
    const rounds = 5;
    t = performance.now();
    for (let i = 0; i < rounds; i++) classifyCsvSample(sample, largest.path, true);
    const classifyMs = (performance.now() - t) / rounds;
    console.log(`classifier  one ${(Buffer.byteLength(sample) / MiB).toFixed(1)} MiB sample of ${largest.dataset} in ${classifyMs.toFixed(0)} ms: ${rate(Buffer.byteLength(sample), classifyMs)}`);
  } finally {
    await store.close();
  }
  console.log(`peak RSS    ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (records ${records}, largest file ${(largest.bytes / MiB).toFixed(1)} MiB)`);
  printMachine();
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
