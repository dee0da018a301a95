/**
 * A plain clone: the repository's files and nothing beside them (no ../shared with TinkerPop's
 * features). The quick start's `npm test` must pass there; the conformance suite says it skipped
 * and why, and under CI=true it fails instead of skipping.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PROJECT_ROOT = resolve(import.meta.dirname, '..');

/** Copies the files git knows of (tracked, or new and not ignored) as they are in the work tree. */
function copyRepositoryFiles(into: string): void {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
  });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    const source = join(PROJECT_ROOT, file);
    if (!existsSync(source)) continue; // deleted in the work tree, not yet in the index
    mkdirSync(dirname(join(into, file)), { recursive: true });
    cpSync(source, join(into, file));
  }
}

function runConformanceTest(cwd: string, ci: boolean): { status: number | null; output: string } {
  const env = { ...process.env };
  delete env.CI;
  delete env.VITEST;
  delete env.VITEST_WORKER_ID;
  delete env.VITEST_POOL_ID;
  delete env.NODE_OPTIONS;
  delete env.FORCE_COLOR;
  env.NO_COLOR = '1';
  if (ci) env.CI = 'true';
  const result = spawnSync(process.execPath, [join('node_modules', 'vitest', 'vitest.mjs'), 'run', 'test/conformance.test.ts'], {
    cwd,
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

describe('a plain clone, without ../shared beside it', () => {
  let parent = '';
  let clone = '';
  beforeAll(() => {
    parent = mkdtempSync(join(tmpdir(), 'idgraph-plain-clone-'));
    clone = join(parent, 'idgraph-kit');
    copyRepositoryFiles(clone);
    // The clone's own `npm ci` would install the same packages: share them instead.
    symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(clone, 'node_modules'), 'dir');
  });
  afterAll(() => {
    if (parent) rmSync(parent, { recursive: true, force: true });
  });

  it('has no TinkerPop features beside it', () => {
    expect(existsSync(join(parent, 'shared'))).toBe(false);
  });

  it('skips the TinkerPop suite with a notice and passes', { timeout: 150_000 }, () => {
    const run = runConformanceTest(clone, false);
    expect(run.output).toMatch(/\[conformance\.test\] SKIPPED the TinkerPop suite: .*shared.*not found/);
    expect(run.output, run.output).toMatch(/Tests\s+\d+ passed \| \d+ skipped/);
    expect(run.status, run.output).toBe(0);
  });

  it('fails under CI=true, naming the missing folder', { timeout: 150_000 }, () => {
    const run = runConformanceTest(clone, true);
    expect(run.status).not.toBe(0);
    expect(run.output).not.toMatch(/SKIPPED the TinkerPop suite/);
    expect(run.output).toMatch(/tinkerpop[/\\]features not found/);
  });
});
