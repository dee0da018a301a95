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
import { Worker } from 'node:worker_threads';
import { formatConformanceReport, formatFailuresMarkdown } from './conformance-report.js';
import { executeWithEngine } from './engine-executor.js';
import { runConformance, summarizeOutcomes, type ConformanceReport, type ScenarioOutcome } from './scenario-runner.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root (two levels above this file). */
export const REPOSITORY_ROOT = resolve(here, '..', '..');
export { executeWithEngine };
export const DEFAULT_FEATURES_DIR = resolve(REPOSITORY_ROOT, '..', 'shared', 'conformance', 'tinkerpop', 'features');

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

/**
 * Runs the suite in a worker thread under a watchdog: when a scenario gives no sign of life for
 * `hardTimeoutMs` (it is stuck where the engine's own deadline cannot stop it), the worker is
 * terminated, the scenario recorded as failed, and a new worker resumes with the next scenario.
 */
export async function runIsolatedConformance(options: {
  featuresDir: string;
  dataDir: string;
  filter?: string;
  timeoutMs: number;
  hardTimeoutMs: number;
}): Promise<ConformanceReport> {
  const outcomes: ScenarioOutcome[] = [];
  for (;;) {
    const progressAtStart = outcomes.length;
    const done = await new Promise<boolean>((resolveRun, rejectRun) => {
      let current: { feature: string; scenario: string; line: number } | undefined;
      // The worker is TypeScript too: it registers tsx's loader itself (hooks do not cross threads).
      const entry = new URL('./conformance-worker.ts', import.meta.url).href;
      const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;
      const worker = new Worker(bootstrap, {
        eval: true,
        workerData: { featuresDir: options.featuresDir, dataDir: options.dataDir, filter: options.filter, timeoutMs: options.timeoutMs, skip: outcomes.length },
      });
      let timer: NodeJS.Timeout | undefined;
      let stopped = false;
      // Starting a worker (loading the engine and the TypeScript loader) takes a while: the first
      // scenario gets a start-up allowance on top of its limit.
      const arm = (allowance = 0): void => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          if (current) {
            outcomes.push({ ...current, status: 'failed', reason: `timed out: no result after ${options.hardTimeoutMs} ms, worker stopped` });
            current = undefined;
          }
          stopped = true;
          void worker.terminate();
          resolveRun(false);
        }, options.hardTimeoutMs + allowance);
      };
      arm(60_000);
      worker.on('message', (message: { type: string; scenario?: typeof current; outcome?: ScenarioOutcome }) => {
        if (message.type === 'start') {
          current = message.scenario;
          arm();
        } else if (message.type === 'outcome') {
          outcomes.push(message.outcome!);
          current = undefined;
        } else if (message.type === 'done') {
          clearTimeout(timer);
          resolveRun(true);
        }
      });
      // A scenario that crashes its worker (an uncaught error, running out of memory) is recorded
      // as failed and the run resumes; a worker that cannot even start ends the run.
      const onCrash = (reason: string): void => {
        clearTimeout(timer);
        if (!current) {
          rejectRun(new Error(`conformance worker failed before running a scenario: ${reason}`));
          return;
        }
        outcomes.push({ ...current, status: 'failed', reason: `worker crashed: ${reason}` });
        current = undefined;
        resolveRun(false);
      };
      let finished = false;
      worker.on('message', (message: { type: string }) => {
        if (message.type === 'done') finished = true;
      });
      worker.on('error', (error) => onCrash(error.message));
      worker.on('exit', (code) => {
        if (!finished && !stopped && code !== 0) onCrash(`exit code ${code}`);
      });
    });
    if (done) return summarizeOutcomes(outcomes);
    // A restart must make progress (the stuck scenario was recorded); otherwise stop, not loop.
    if (outcomes.length === progressAtStart) throw new Error('conformance worker stopped without progress');
  }
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
  const featuresDir = resolve(REPOSITORY_ROOT, positional[0] ?? DEFAULT_FEATURES_DIR);
  const dataDir = resolve(REPOSITORY_ROOT, positional[1] ?? join(featuresDir, '..', 'data'));
  const result = await runIsolatedConformance({
    featuresDir,
    dataDir,
    timeoutMs: 10_000,
    hardTimeoutMs: 30_000,
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
