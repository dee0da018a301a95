/**
 * A first `idgraph load` killed midway leaves no saved graph; `idgraph query` then used to print
 * 0 for every count. It must say that no graph was saved yet, and that a load was interrupted.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryCommand } from '../src/cli/commands/query.js';
import { runCli } from '../src/cli/run-cli.js';
import { LOAD_MARKER_FILE_NAME, SNAPSHOT_FILE_NAME } from '../src/graph/local-graph-store.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');

describe('idgraph query after no load, or an interrupted one (local mode)', () => {
  let dir: string;
  const saved = { ...process.env };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'idgraph-interrupted-'));
    process.env.IDGRAPH_DATA_DIR = dir;
    process.env.IDGRAPH_MODE = 'local';
    process.env.GRAPH_NOTEBOOK_CONFIG = join(dir, 'none.json');
  });
  afterAll(async () => {
    process.env = saved;
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function query(text: string) {
    const out = { stdout: '', stderr: '' };
    const code = await runCli(['query', text], { stdout: (t) => void (out.stdout += t), stderr: (t) => void (out.stderr += t), isTty: false }, [queryCommand]);
    return { code, ...out };
  }

  it('says no graph was saved yet instead of printing 0', async () => {
    const result = await query('g.V().count()');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/no graph was saved yet in .*graph\.snapshot: load one first \(idgraph load\)/);
  });

  it('says a first load was interrupted when its process was killed before it saved', async () => {
    // Enough records that the load is still running when the test kills it.
    const files = join(dir, 'files');
    await mkdir(files);
    const lines = ['~id,~label,n:Int'];
    for (let i = 0; i < 400_000; i++) lines.push(`thing:${i},Thing,${i}`);
    await writeFile(join(files, 'things.csv'), `${lines.join('\n')}\n`);
    const marker = join(dir, 'graph', LOAD_MARKER_FILE_NAME);
    const child = spawn(process.execPath, [CLI, 'load', '--from-dir', files], { env: process.env, stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const deadline = Date.now() + 30_000;
    while (!existsSync(marker) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(existsSync(marker)).toBe(true);
    child.kill('SIGKILL');
    await exited;
    expect(existsSync(join(dir, 'graph', SNAPSHOT_FILE_NAME))).toBe(false);

    const result = await query("g.V().hasLabel('Thing').count()");
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(`no graph was saved yet in .*: a load of .*files \\(process ${child.pid}, started [^)]+\\) was interrupted before it saved; run idgraph load again`),
    );
  }, 60_000);

  it('answers once a load has saved, and drops the marker', async () => {
    const files = join(dir, 'small');
    await mkdir(files);
    await writeFile(join(files, 'things.csv'), '~id,~label\nthing:a,Thing\n');
    const code = await new Promise<number | null>((resolve) => {
      spawn(process.execPath, [CLI, 'load', '--from-dir', files], { env: process.env, stdio: 'ignore' }).on('exit', resolve);
    });
    expect(code).toBe(0);
    expect(existsSync(join(dir, 'graph', LOAD_MARKER_FILE_NAME))).toBe(false);
    const result = await query("g.V().hasLabel('Thing').count()");
    expect([result.code, result.stdout, result.stderr]).toEqual([0, '1\n', '']);
  }, 60_000);
});
