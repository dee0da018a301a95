import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../src/cli/cli-command.js';
import { createProgressPrinter } from '../src/cli/commands/generate.js';
import { runCli } from '../src/cli/run-cli.js';
import { generateDatasets, type GenerateProgress } from '../src/datagen/index.js';

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(args: string[], isTty = false): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), isTty };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'datagen-cli-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('idgraph generate', () => {
  it('is listed by idgraph --help and documents its flags', async () => {
    const help = await run(['--help']);
    expect(help.stdout).toMatch(/generate\s+generate the four source datasets/);
    const usage = await run(['generate', '--help']);
    for (const flag of ['--records', '--uniqueness', '--incremental', '--seed', '--out', '--debug']) expect(usage.stdout).toContain(flag);
  });

  it('writes the files and prints a table of files, rows and bytes and the elapsed time', async () => {
    const out = join(root, 'ok');
    const result = await run(['generate', '--records', '400', '--uniqueness', '50', '--seed', '9', '--out', out]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^file\s+rows\s+bytes$/);
    const table = lines.slice(1, 6).map((line) => line.trim().split(/\s+/));
    expect(table.map((cells) => cells[0]!.split('/').pop())).toEqual([
      'first_party_data_full.csv',
      'transactional_data_full.csv',
      'cookie_data_full.csv',
      'clickstream_data_full.csv',
      'ground_truth_data_full.csv',
    ]);
    expect(table.map((cells) => Number(cells[1])).slice(0, 4)).toEqual([400, 400, 100, 300]);
    for (const [path, , bytes] of table) expect(readFileSync(path!).length).toBe(Number(bytes));
    expect(lines[6]).toMatch(/^generated 400 records .* in \d+\.\d{3} s — seed 9, reference date 2026-01-01T00:00:00\.000Z$/);
  });

  it('writes _data_inc files with --incremental 1 and prints samples on stderr with --debug 1', async () => {
    const out = join(root, 'inc');
    const result = await run(['generate', '--records', '200', '--seed', '9', '--incremental', '1', '--debug', '1', '--out', out]);
    expect(result.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(
      ['clickstream', 'cookie', 'first_party', 'ground_truth', 'transactional'].map((d) => `${d}_data_inc.csv`),
    );
    expect(result.stderr).toContain('generate: population');
    expect(result.stderr).toContain('first rows of clickstream');
  });

  it('builds an incremental batch on the full batch in --out without repeating its flags', async () => {
    const out = join(root, 'pipeline');
    const initial = await run(['generate', '--records', '300', '--out', out]);
    expect(initial.code).toBe(0);
    const update = await run(['generate', '--incremental', '1', '--records', '100', '--out', out]);
    expect(update.code).toBe(0);
    const seedOf = (text: string) => /seed (\d+)/.exec(text)![1];
    expect(seedOf(update.stdout)).toBe(seedOf(initial.stdout));
    const initialUsers = new Set(readFileSync(join(out, 'first_party_data_full.csv'), 'utf8').split('\n').slice(1).map((l) => l.split(',')[0]));
    const returning = readFileSync(join(out, 'first_party_data_inc.csv'), 'utf8')
      .split('\n')
      .slice(1)
      .filter((l) => l !== '' && initialUsers.has(l.split(',')[0]));
    expect(returning).toHaveLength(30);
    const orphan = await run(['generate', '--incremental', '1', '--out', join(root, 'no-full-batch')]);
    expect(orphan.code).toBe(2);
    expect(orphan.stderr).toMatch(/--incremental 1 needs the initial batch: pass its --seed/);
    expect(existsSync(join(root, 'no-full-batch'))).toBe(false);
  });

  it('gives the same bytes for the same seed through the CLI', async () => {
    await run(['generate', '--records', '300', '--seed', '77', '--out', join(root, 's1')]);
    await run(['generate', '--records', '300', '--seed', '77', '--out', join(root, 's2')]);
    for (const file of readdirSync(join(root, 's1'))) {
      expect(readFileSync(join(root, 's1', file)).equals(readFileSync(join(root, 's2', file))), file).toBe(true);
    }
  });

  const badInputs: [string, string[], RegExp][] = [
    ['--records 0', ['--records', '0'], /--records must be an integer from 1 to 10000000, got "0"/],
    ['--records=-5', ['--records=-5'], /--records must be an integer from 1 to 10000000, got "-5"/],
    ['--records abc', ['--records', 'abc'], /--records must be an integer from 1 to 10000000, got "abc"/],
    ['--records 1e3', ['--records', '1e3'], /--records must be an integer from 1 to 10000000/],
    ['--uniqueness 0', ['--uniqueness', '0'], /--uniqueness must be an integer from 1 to 100, got "0"/],
    ['--uniqueness 101', ['--uniqueness', '101'], /--uniqueness must be an integer from 1 to 100, got "101"/],
    ['--incremental 2', ['--incremental', '2'], /--incremental must be 0 or 1/],
    ['--debug yes', ['--debug', 'yes'], /--debug must be 0 or 1/],
    ['--seed -1', ['--seed=-1'], /--seed must be an integer from 0 to 4294967295/],
  ];
  for (const [name, args, message] of badInputs) {
    it(`rejects ${name}: exit code 2, one line naming the flag and the range, nothing written`, async () => {
      const out = join(root, `bad-${name.replace(/\W+/g, '_')}`);
      const result = await run(['generate', ...args, '--out', out]);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(existsSync(out)).toBe(false);
    });
  }

  it('rejects `--records -5` (a value parseArgs reads as a flag) with exit code 2 naming --records', async () => {
    const out = join(root, 'bad-dash');
    const result = await run(['generate', '--records', '-5', '--out', out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--records must be an integer from 1 to 10000000, got "-5"/);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
  });

  it('rejects an unwritable --out: exit code 2, one line naming --out, nothing written', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'not a folder');
    const result = await run(['generate', '--records', '10', '--out', join(file, 'sub')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--out must be a writable folder/);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(readFileSync(file, 'utf8')).toBe('not a folder');
  });

  it('reports progress per dataset up to each total, and prints it on stderr', async () => {
    const seen: GenerateProgress[] = [];
    let stderr = '';
    const printer = createProgressPrinter({ stdout: () => undefined, stderr: (t) => (stderr += t), isTty: false }, 0);
    await generateDatasets({
      records: 2_000,
      uniqueness: 30,
      incremental: false,
      seed: 3,
      outDir: join(root, 'progress'),
      onProgress: (p) => {
        seen.push(p);
        printer(p);
      },
    });
    const last = new Map(seen.map((p) => [p.dataset, p]));
    expect([...last.keys()].sort()).toEqual(['clickstream', 'cookie', 'first_party', 'transactional']);
    expect(last.get('first_party')).toEqual({ dataset: 'first_party', rows: 2_000, totalRows: 2_000 });
    expect(last.get('clickstream')).toEqual({ dataset: 'clickstream', rows: 1_500, totalRows: 1_500 });
    for (const p of seen) expect(p.rows).toBeLessThanOrEqual(p.totalRows);
    expect(stderr).toMatch(/^generate: first_party \d+\/2000 rows \(\d+\.\d s\)$/m);
  });
});
