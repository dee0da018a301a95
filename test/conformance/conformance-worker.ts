/**
 * Runs the conformance suite in a worker thread for the watchdog in run-conformance.ts: it reports
 * each scenario before and after running it, so a scenario that never returns (a synchronous
 * loop the engine's deadline does not catch) can be killed with its worker and reported.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { executeWithEngine } from './engine-executor.js';
import { runConformance, type ConformanceOptions } from './scenario-runner.js';

type WorkerOptions = Omit<ConformanceOptions, 'execute' | 'onStart' | 'onOutcome'>;

const options = workerData as WorkerOptions;
await runConformance({
  ...options,
  execute: executeWithEngine,
  onStart: (scenario) => parentPort!.postMessage({ type: 'start', scenario }),
  onOutcome: (outcome) => parentPort!.postMessage({ type: 'outcome', outcome }),
});
parentPort!.postMessage({ type: 'done' });
