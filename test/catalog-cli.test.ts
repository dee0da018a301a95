import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../src/cli/cli-command.js';
import { crawlCommand } from '../src/cli/commands/crawl.js';
import { fixSchemaCommand } from '../src/cli/commands/fix-schema.js';
import { tablesCommand } from '../src/cli/commands/tables.js';
import { uploadCommand } from '../src/cli/commands/upload.js';
import { runCli } from '../src/cli/run-cli.js';
import { generateDatasets } from '../src/datagen/index.js';

const COMMANDS = [uploadCommand, crawlCommand, fixSchemaCommand, tablesCommand];

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTty: false };
  const code = await runCli(argv, io, COMMANDS);
  return { code, stdout, stderr };
}

describe('idgraph upload / crawl / fix-schema / tables (local mode)', () => {
  let dataDir: string;
  const saved = { ...process.env };

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'idgraph-cli-'));
    process.env.IDGRAPH_DATA_DIR = dataDir;
    process.env.GRAPH_NOTEBOOK_CONFIG = join(dataDir, 'no-graph-notebook-config.json');
    delete process.env.IDGRAPH_MODE;
  });
  afterAll(() => {
    process.env = saved;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('upload before generate exits 2 and names the missing files', async () => {
    const result = await run('upload');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('first_party_data_full.csv');
    expect(result.stderr).toContain('idgraph generate');
  });

  it('rejects a malformed --batch and --timeout with exit 2', async () => {
    expect((await run('upload', '--incremental', '--batch', '2024-01-01')).code).toBe(2);
    const batchAlone = await run('upload', '--batch', '20240101_000000');
    expect(batchAlone.code).toBe(2);
    expect(batchAlone.stderr).toContain('--incremental');
    const crawl = await run('crawl', '--timeout', 'soon');
    expect(crawl.code).toBe(2);
    expect(crawl.stderr).toContain('--timeout');
  });

  it('uploads, crawls, fixes and prints the tables', async () => {
    await generateDatasets({ records: 200, uniqueness: 30, incremental: false, seed: 1, outDir: join(dataDir, 'generated') });

    const upload = await run('upload');
    expect(upload.code).toBe(0);
    expect(upload.stdout).toContain('s3://identity-graph-kit/datasets/sources/initial/cookie/cookie_data_full.csv');
    expect(upload.stdout).toMatch(/uploaded 4 datasets, \d+ bytes \(local-s3\)/);

    const crawl = await run('crawl');
    expect(crawl.code).toBe(0);
    expect(crawl.stderr).toBe('crawl: RUNNING\ncrawl: STOPPING\ncrawl: READY\n');
    expect(crawl.stdout).toMatch(/poc_identity_graph_first_party\s+11\s+detected\s+s3:\/\/identity-graph-kit\/datasets\/sources\/initial\/first_party\//);
    expect(crawl.stdout).toContain('crawl SUCCEEDED: 4 tables in database identity_graph_poc (local-glue)');

    const fix = await run('fix-schema');
    expect(fix.code).toBe(0);
    expect(fix.stdout).toContain('verified: every table read back matches the expected schema');

    const tables = await run('tables');
    expect(tables.code).toBe(0);
    expect(tables.stdout).toMatch(/poc_identity_graph_cookie\s+\(s3:\/\/identity-graph-kit\/datasets\/sources\/initial\/cookie\/, skip\.header\.line\.count=1\)/);
    expect(tables.stdout).toMatch(/5\s+session_duration_sec\s+bigint/);
    expect(tables.stdout).toMatch(/14\s+user-agent\s+string/);
  });

  it('fix-schema --incremental without incremental tables exits 1 naming the table', async () => {
    const result = await run('fix-schema', '--incremental');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('poc_identity_graph_incremental_first_party');
  });
});
