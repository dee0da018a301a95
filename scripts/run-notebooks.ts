/**
 * `npm run notebooks [names...] [--records N] [--data-dir DIR] [--executed DIR]`
 *
 * Executes the notebooks (all of them in order, or the named ones) headless through Jupyter with
 * the tslab kernel, as a reader would, and prints each failing cell's source and stack.
 * Local mode by default; the kit is imported from the compiled dist/ (run `npm run build` first).
 * Exit code: 0 all passed, 1 a notebook failed, 2 bad usage or Jupyter missing.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  NOTEBOOKS_DIR,
  PROJECT_ROOT,
  checkJupyter,
  formatFailure,
  resolveNotebookPaths,
  runNotebooks,
} from '../test/support/notebook-runner.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    records: { type: 'string' },
    'data-dir': { type: 'string' },
    executed: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  console.log('Usage: npm run notebooks -- [names...] [--records N] [--data-dir DIR] [--executed DIR]');
  process.exit(0);
}

const missing = checkJupyter();
if (missing) {
  console.error(`notebooks: cannot run Jupyter: ${missing}`);
  process.exit(2);
}
if (!existsSync(join(PROJECT_ROOT, 'dist', 'index.js'))) {
  console.error('notebooks: dist/ is missing; notebooks import the compiled kit: run `npm run build` first');
  process.exit(2);
}
if (values.records !== undefined && !/^[1-9]\d*$/.test(values.records)) {
  console.error(`notebooks: --records must be a positive integer, got "${values.records}"`);
  process.exit(2);
}

const names = positionals.length
  ? positionals
  : readdirSync(NOTEBOOKS_DIR).filter((f) => /^\d\d-.*\.ipynb$/.test(f)).sort();
let paths: string[];
try {
  paths = resolveNotebookPaths(names);
} catch (error) {
  console.error(`notebooks: ${(error as Error).message}`);
  process.exit(2);
}

const env: Record<string, string> = {};
if (values.records) env.IDGRAPH_RECORDS = values.records;
if (values['data-dir']) env.IDGRAPH_DATA_DIR = resolve(values['data-dir']);

const started = Date.now();
const results = await runNotebooks(paths, {
  env,
  executedDir: values.executed,
  onResult: (result) => {
    console.log(`${result.ok ? 'ok  ' : 'FAIL'} ${result.name.padEnd(40)} ${result.seconds.toFixed(1).padStart(6)} s`);
    if (!result.ok) console.error(formatFailure(result));
  },
});
const failed = results.filter((r) => !r.ok).length;
console.log(`${results.length - failed}/${results.length} notebooks passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(failed ? 1 : 0);
