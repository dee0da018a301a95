/**
 * `npm run conformance [-- [featuresDir] [dataDir] [--verbose] [--report] [--filter text]]`
 *
 * Runs TinkerPop's Gherkin suite (default ../shared/conformance/tinkerpop/features and its sibling
 * data/, resolved from the repository root) against the embedded engine and prints the pass rate
 * per feature file and in total, the skipped categories and the failures; the last line is
 * `conformance: P passed, F failed, S skipped`. `--report` rewrites test/conformance/FAILURES.md.
 */
import { writeFileSync, renameSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { executeToDriver } from '../../src/engine/execute.js';
import { formatConformanceReport, formatFailuresMarkdown } from './conformance-report.js';
import { runConformance, type BytecodeExecutor, type ConformanceReport } from './scenario-runner.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root (two levels above this file). */
export const REPOSITORY_ROOT = resolve(here, '..', '..');
export const DEFAULT_FEATURES_DIR = resolve(REPOSITORY_ROOT, '..', 'shared', 'conformance', 'tinkerpop', 'features');

/** Runs bytecode with the embedded engine; results are driver values, bulk expanded. */
export const executeWithEngine: BytecodeExecutor = async (graph, bytecode, options) => {
  const traversers = (await executeToDriver(graph, bytecode as unknown as Parameters<typeof executeToDriver>[1], options)) as unknown as Array<{
    object: unknown;
    bulk: number;
  }>;
  const results: unknown[] = [];
  for (const traverser of traversers) {
    for (let i = 0; i < Number(traverser.bulk); i++) results.push(traverser.object);
  }
  return results;
};

/** Runs the suite with the engine; used by the CLI below and by test/conformance.test.ts. */
export function runEngineConformance(options: {
  featuresDir?: string;
  dataDir?: string;
  filter?: string;
  timeoutMs?: number;
}): Promise<ConformanceReport> {
  const featuresDir = resolve(REPOSITORY_ROOT, options.featuresDir ?? DEFAULT_FEATURES_DIR);
  const dataDir = resolve(REPOSITORY_ROOT, options.dataDir ?? join(featuresDir, '..', 'data'));
  return runConformance({
    featuresDir,
    dataDir,
    execute: executeWithEngine,
    ...(options.filter !== undefined ? { filter: options.filter } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
}

async function main(argv: string[]): Promise<void> {
  const positional: string[] = [];
  let verbose = false;
  let report = false;
  let filter: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--verbose' || arg === '-v') verbose = true;
    else if (arg === '--report') report = true;
    else if (arg === '--filter') filter = argv[++i];
    else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}`);
    else positional.push(arg);
  }
  const result = await runEngineConformance({
    ...(positional[0] !== undefined ? { featuresDir: positional[0] } : {}),
    ...(positional[1] !== undefined ? { dataDir: positional[1] } : {}),
    ...(filter !== undefined ? { filter } : {}),
  });
  if (report) {
    const path = join(here, 'FAILURES.md');
    // Write a temporary file, then rename: a crash never leaves a half-written report.
    writeFileSync(`${path}.tmp`, formatFailuresMarkdown(result, 'npm run conformance -- --report'));
    renameSync(`${path}.tmp`, path);
  }
  console.log(formatConformanceReport(result, verbose));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
