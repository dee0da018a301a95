import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/run-cli.js';
import { loadConfig } from '../src/config/kit-config.js';
import { createObjectStore } from '../src/lake/create-object-store.js';
import { createKit } from '../src/kit.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t), isTty: false }, out, err };
}

let dir: string;
const saved = { ...process.env };
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'idgraph-infra-cli-'));
  // Each test file runs in its own worker: the environment is ours to set.
  process.env.IDGRAPH_DATA_DIR = dir;
  process.env.IDGRAPH_MODE = 'local';
  process.env.IDGRAPH_BUCKET = 'cli-bucket';
  process.env.GRAPH_NOTEBOOK_CONFIG = join(dir, 'no-graph-notebook-config.json');
});
afterAll(() => {
  process.env = saved;
  rmSync(dir, { recursive: true, force: true });
});

describe('idgraph provision / destroy (local mode)', () => {
  it('provision validates the templates and prints and saves the local outputs', async () => {
    const { io, out, err } = capture();
    expect(await runCli(['provision', '--neptune-port', '8183', '--json'], io)).toBe(0);
    const printed = JSON.parse(out.join(''));
    expect(printed.mode).toBe('local');
    expect(printed.outputs).toMatchObject({ BucketName: 'cli-bucket', NeptuneClusterEndpoint: '127.0.0.1', NeptuneClusterPort: '8183' });
    expect(err.join('')).toContain('templates valid');
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).stackOutputs.BucketName).toBe('cli-bucket');
  });

  it('provision rejects a bad port with exit code 2', async () => {
    const { io, err } = capture();
    expect(await runCli(['provision', '--neptune-port', '70000'], io)).toBe(2);
    expect(err.join('')).toContain('--neptune-port');
  });

  it('destroy empties the kit prefixes of the embedded bucket and clears the outputs', async () => {
    const store = await createObjectStore(loadConfig());
    await store.putObject('lifecycle/on-start.sh', 'x');
    await store.putObject('datasets/graph/initial/vertices.csv', 'x');
    await store.putObject('other/keep.txt', 'x');
    await store.close();

    const { io, out } = capture();
    expect(await runCli(['destroy', '--keep-data'], io)).toBe(0);
    expect(out.join('')).toContain('emptied s3://cli-bucket/lifecycle/ (1 objects)');

    const after = await createObjectStore(loadConfig());
    try {
      expect(await after.headObject('lifecycle/on-start.sh')).toBeUndefined();
      expect(await after.headObject('datasets/graph/initial/vertices.csv')).toBeDefined();
      expect(await after.headObject('other/keep.txt')).toBeDefined();
    } finally {
      await after.close();
    }
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).stackOutputs).toEqual({});
  });

  it('destroy removes what notebook 99 removes — objects, catalog, graph, generated files — and says each thing once', { timeout: 120_000 }, async () => {
    // The test before kept datasets/ (--keep-data): start from an empty bucket.
    const leftover = await createObjectStore(loadConfig());
    await leftover.deleteObjects('');
    await leftover.close();
    const kit = await createKit({ records: 200 }, { show: { write: () => {} } });
    try {
      await kit.generate();
      await kit.upload();
      await kit.crawl();
      await kit.fixSchemas();
      await kit.transform();
      const loaded = await kit.load();
      const count = await (await kit.graph()).query('g.V().count()');
      expect(count, JSON.stringify(loaded.overallStatus)).toEqual([expect.any(Number)]);
      expect(count[0]).toBeGreaterThan(0);
    } finally {
      await kit.close();
    }
    for (const folder of ['catalog', 'graph', 'generated']) expect(existsSync(join(dir, folder)), folder).toBe(true);

    const { io, out, err } = capture();
    expect(await runCli(['destroy'], io)).toBe(0);
    const lines = [...out.join('').split('\n'), ...err.join('').split('\n')].filter(Boolean).map((line) => line.replace(/^destroy: /, ''));
    expect(lines.filter((line, i) => lines.indexOf(line) !== i)).toEqual([]);
    expect(out.join('')).toMatch(/emptied s3:\/\/cli-bucket\/datasets\/ \(\d+ objects\)/);
    expect(out.join('')).toContain(`removed ${join(dir, 'graph')}`);
    for (const folder of ['s3', 'catalog', 'graph', 'generated']) expect(existsSync(join(dir, folder)), folder).toBe(false);

    const query = capture();
    // No graph is left to answer: query says so instead of printing 0.
    expect(await runCli(['query', 'g.V().count()'], query.io)).not.toBe(0);
    expect(query.err.join('')).toMatch(/no graph was saved yet/);
    const tables = capture();
    await runCli(['tables'], tables.io);
    expect(tables.out.join('')).not.toContain('poc_identity_graph_');
  });
});

