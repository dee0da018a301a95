import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalog } from '../src/catalog/create-catalog.js';
import { fixTableSchemas } from '../src/catalog/fix-table-schemas.js';
import { loadCommand } from '../src/cli/commands/load.js';
import { transformCommand } from '../src/cli/commands/transform.js';
import { runCli } from '../src/cli/run-cli.js';
import { loadConfig } from '../src/config/kit-config.js';
import { createObjectStore } from '../src/lake/create-object-store.js';
import { FIXTURES, uploadSourceFolder } from './fixtures/etl/etl-test-kit.js';

function captureIo() {
  const out = { stdout: '', stderr: '' };
  return { out, io: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t), isTty: false } };
}

describe('idgraph transform (local mode)', () => {
  let dir: string;
  const saved = { ...process.env };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'idgraph-etl-cli-'));
    process.env.IDGRAPH_DATA_DIR = dir;
    process.env.IDGRAPH_MODE = 'local';
    process.env.GRAPH_NOTEBOOK_CONFIG = join(dir, 'none.json');
    // Steps 2, 4 and 5 of the pipeline, as the earlier commands leave them.
    const config = loadConfig();
    const store = await createObjectStore(config);
    try {
      await uploadSourceFolder(store, join(FIXTURES, 'sources'));
      const catalog = createCatalog(config, store);
      await catalog.crawl();
      await fixTableSchemas(catalog);
    } finally {
      await store.close();
    }
  });
  afterAll(async () => {
    process.env = saved;
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('prints the rows written per label', async () => {
    const { out, io } = captureIo();
    expect(await runCli(['transform'], io, [transformCommand])).toBe(0);
    expect(out.stdout).toMatch(/^kind\s+label\s+rows\s+file$/m);
    expect(out.stdout).toMatch(/^vertex\s+User\s+4\s+datasets\/graph\/initial\/vertices\/User\.csv$/m);
    expect(out.stdout).toMatch(/^edge\s+hasPurchased\s+4\s+datasets\/graph\/initial\/edges\/hasPurchased\.csv$/m);
    expect(out.stdout).toMatch(/39 vertices and 39 edges in 31 files under datasets\/graph\/initial\//);
    expect(out.stderr).toMatch(/transform: upload 31\/31/);
  });

  it('refuses a batch that was never uploaded, naming the folders it looked in, and writes nothing', async () => {
    const { out, io } = captureIo();
    expect(await runCli(['transform', '--incremental', '20990101_000000'], io, [transformCommand])).toBe(1);
    expect(out.stderr).toMatch(/batch 20990101_000000 has no source files: nothing under s3:\/\/[^/]+\/datasets\/sources\/incremental\/first_party\/20990101_000000\//);
    expect(out.stderr).toContain('datasets/sources/incremental/clickstream/20990101_000000/');
    const store = await createObjectStore(loadConfig());
    try {
      expect(await store.listObjects('datasets/graph/incremental/')).toEqual([]);
    } finally {
      await store.close();
    }
    const load = captureIo();
    expect(await runCli(['load', '--incremental', '20990101_000000'], load.io, [loadCommand])).toBe(1);
    expect(load.out.stderr).toMatch(/no objects under s3:\/\/[^/]+\/datasets\/graph\/incremental\/20990101_000000\//);
  });

  it('refuses a malformed batch id with exit code 2', async () => {
    const { out, io } = captureIo();
    expect(await runCli(['transform', '--incremental', 'yesterday'], io, [transformCommand])).toBe(2);
    expect(out.stderr).toMatch(/batch id "yesterday" must look like YYYYMMDD_HHmmss/);
  });
});
