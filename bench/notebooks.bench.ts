/**
 * Time to execute every notebook headless (Jupyter + tslab, local mode) on 10,000 records — target
 * under 90 s on a 2-core machine — and the time of `idgraph demo` on the same number of records.
 * Needs dist/ (npm run build) and Debian's Jupyter; prints figures, fails nothing on time.
 * IDGRAPH_BENCH_RECORDS overrides the record count.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { NOTEBOOKS_DIR, PROJECT_ROOT, checkJupyter, formatFailure, resolveNotebookPaths, runNotebooks } from '../test/support/notebook-runner.js';
import { printMachine } from './machine.js';

const records = Number(process.env.IDGRAPH_BENCH_RECORDS ?? 10_000);
const TARGET_SECONDS = 90;

if (!existsSync(join(PROJECT_ROOT, 'dist', 'cli', 'main.js'))) {
  console.error('notebooks bench: dist/ is missing (npm run build)');
  process.exit(1);
}
const missing = checkJupyter();
console.log(`machine load average (1 min) at start: ${loadavg()[0].toFixed(2)}`);

const work = mkdtempSync(join(tmpdir(), 'idgraph-bench-notebooks-'));
try {
  if (missing) {
    console.log(`notebooks: skipped (${missing})`);
  } else {
    const names = readdirSync(NOTEBOOKS_DIR).filter((f) => /^\d\d-.*\.ipynb$/.test(f)).sort();
    const started = performance.now();
    const results = await runNotebooks(resolveNotebookPaths(names), {
      env: { IDGRAPH_MODE: 'local', IDGRAPH_DATA_DIR: join(work, 'notebooks'), IDGRAPH_RECORDS: String(records) },
      cellTimeout: 600,
      onResult: (r) => console.log(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.name.padEnd(40)} ${r.seconds.toFixed(1).padStart(6)} s`),
    });
    const seconds = (performance.now() - started) / 1000;
    const failed = results.filter((r) => !r.ok);
    for (const f of failed) console.log(formatFailure(f));
    console.log(
      `notebooks: ${results.length - failed.length}/${names.length} passed, all executed in ${seconds.toFixed(1)} s on ${records.toLocaleString('en-US')} records ` +
        `(target < ${TARGET_SECONDS} s: ${seconds < TARGET_SECONDS ? 'met' : 'NOT met'}; ${(seconds / names.length).toFixed(1)} s per notebook; ${(seconds / TARGET_SECONDS).toFixed(2)}x of target)`,
    );
  }

  const started = performance.now();
  const demo = spawnSync(process.execPath, [join(PROJECT_ROOT, 'dist', 'cli', 'main.js'), 'demo', '--records', String(records), '--data-dir', join(work, 'demo')], {
    encoding: 'utf8',
    cwd: PROJECT_ROOT,
  });
  const seconds = (performance.now() - started) / 1000;
  if (demo.status !== 0) {
    console.log(`demo: FAILED (exit ${demo.status})\n${demo.stderr}`);
    process.exitCode = 1;
  } else {
    const timings = demo.stdout.slice(demo.stdout.indexOf('Timings'));
    console.log(timings.split('\n').filter((l) => l && !l.startsWith('report:')).map((l) => `  ${l}`).join('\n'));
    console.log(`demo: whole pipeline on ${records.toLocaleString('en-US')} records in ${seconds.toFixed(1)} s (${Math.round(records / seconds).toLocaleString('en-US')} records/s, process start included)`);
  }
  printMachine();
} finally {
  rmSync(work, { recursive: true, force: true });
}
