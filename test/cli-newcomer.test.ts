/**
 * What a newcomer types first: `idgraph --version`, a mistyped option, and the README's command
 * that registers the tslab kernel for running a notebook by hand.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/run-cli.js';

const PROJECT_ROOT = resolve(import.meta.dirname, '..');
const CLI = join(PROJECT_ROOT, 'dist', 'cli', 'main.js');
const version = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

function capture() {
  const out = { stdout: '', stderr: '' };
  return { out, io: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t), isTty: false } };
}

describe('idgraph --version', () => {
  it.skipIf(!existsSync(CLI))('prints the package version from the installed binary', () => {
    const result = spawnSync(process.execPath, [CLI, '--version'], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe(`idgraph ${version}\n`);
  });

  it('is listed in --help', async () => {
    const { out, io } = capture();
    expect(await runCli(['--help'], io)).toBe(0);
    expect(out.stdout).toMatch(/--version/);
  });
});

describe('unknown options', () => {
  it('of a command point to that command\'s --help', async () => {
    const { out, io } = capture();
    expect(await runCli(['generate', '--recrods', '10'], io)).toBe(2);
    expect(out.stderr).toMatch(/^idgraph generate: Unknown option '--recrods'.*\(see idgraph generate --help\)\n$/);
  });

  it('before any command are called options and point to --help', async () => {
    const { out, io } = capture();
    expect(await runCli(['--verbose'], io)).toBe(2);
    expect(out.stderr).toBe('idgraph: unknown option "--verbose" (see idgraph --help)\n');
  });
});

describe("the README's kernel registration", () => {
  const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
  const command = readme.split('\n').find((line) => line.startsWith('npx tslab install '));

  it('is in the README', () => {
    expect(command).toBeDefined();
  });

  const tslab = join(PROJECT_ROOT, 'node_modules', '.bin', 'tslab');
  it.skipIf(!existsSync(tslab) || !command)('registers a kernel whose program exists, with the Jupyter python', () => {
    const prefix = mkdtempSync(join(tmpdir(), 'idgraph-kernel-'));
    try {
      // The README's command as written, into a private prefix instead of the user's Jupyter folder.
      const result = spawnSync('sh', ['-c', `${command} --prefix="${prefix}"`], { cwd: PROJECT_ROOT, encoding: 'utf8' });
      expect(result.status, result.stderr).toBe(0);
      const spec = JSON.parse(readFileSync(join(prefix, 'share', 'jupyter', 'kernels', 'tslab', 'kernel.json'), 'utf8')) as { argv: string[] };
      // Jupyter starts argv[0] as it is: a bare "tslab" fails unless node_modules/.bin is on PATH.
      expect(spec.argv[0]).toBe(tslab);
      expect(existsSync(spec.argv[0]!)).toBe(true);
      expect(command).toContain('--python=/usr/bin/python3');
    } finally {
      rmSync(prefix, { recursive: true, force: true });
    }
  });
});
