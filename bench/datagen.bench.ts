/**
 * Generation throughput of `generateDatasets` (all four datasets + ground truth) and peak RSS.
 * Targets (issue 2): 10,000 records in < 0.25 s of generation time (the original took 132 s),
 * 1,000,000 records in < 30 s with peak RSS < 1 GiB.
 *
 *   npm run bench datagen                 # both sizes
 *   npx tsx bench/datagen.bench.ts --child 1000000   # one size in this process (prints JSON)
 *
 * Each size runs in its own child process so that `maxRSS` is that run's own peak.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateDatasets } from '../src/datagen/index.js';
import { printMachine } from './machine.js';

const ORIGINAL_SECONDS_FOR_10K = 132;

interface ChildResult {
  records: number;
  /** Generation time of the first call in a fresh process (pools built, code not yet optimised). */
  firstSeconds: number;
  /** Median generation time of the later calls (same process, warm). */
  warmSeconds: number | null;
  /** CPU time (user + system) of the first call and the median warm call: wall time on a shared machine also counts other processes' turns. */
  firstCpuSeconds: number;
  warmCpuSeconds: number | null;
  bytes: number;
  rows: number;
  maxRssMiB: number;
}

async function runChild(records: number, repeats: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'datagen-bench-'));
  try {
    const times: number[] = [];
    const cpuTimes: number[] = [];
    let bytes = 0;
    let rows = 0;
    for (let i = 0; i < repeats; i++) {
      const cpuBefore = process.cpuUsage();
      const report = await generateDatasets({ records, uniqueness: 30, incremental: false, seed: 42 + i, outDir: dir });
      const cpu = process.cpuUsage(cpuBefore);
      cpuTimes.push((cpu.user + cpu.system) / 1e6);
      times.push(report.elapsedMs / 1000);
      bytes = report.files.reduce((sum, f) => sum + f.bytes, 0);
      rows = report.files.reduce((sum, f) => sum + f.rows, 0);
    }
    const warm = times.slice(1).sort((a, b) => a - b);
    const warmCpu = cpuTimes.slice(1).sort((a, b) => a - b);
    const result: ChildResult = {
      records,
      firstSeconds: times[0]!,
      warmSeconds: warm.length > 0 ? warm[Math.floor(warm.length / 2)]! : null,
      firstCpuSeconds: cpuTimes[0]!,
      warmCpuSeconds: warmCpu.length > 0 ? warmCpu[Math.floor(warmCpu.length / 2)]! : null,
      bytes,
      rows,
      // resourceUsage().maxRSS is in KiB (getrusage ru_maxrss).
      maxRssMiB: process.resourceUsage().maxRSS / 1024,
    };
    console.log(JSON.stringify(result));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function spawnChild(records: number, repeats: number): ChildResult {
  const self = fileURLToPath(import.meta.url);
  const child = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', String(records), String(repeats)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (child.status !== 0) throw new Error(`datagen bench child (${records} records) exited with ${child.status ?? child.signal}`);
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as ChildResult;
}

function printResult(result: ChildResult, targetSeconds: number): void {
  const rate = (seconds: number) => Math.round(result.records / seconds).toLocaleString('en-US');
  console.log(`datagen ${result.records.toLocaleString('en-US')} records (${result.rows.toLocaleString('en-US')} rows, ${(result.bytes / 2 ** 20).toFixed(1)} MiB in 5 files)`);
  console.log(
    `  first run in a fresh process: ${result.firstSeconds.toFixed(3)} s wall = ${rate(result.firstSeconds)} records/s ` +
      `(target < ${targetSeconds} s: ${result.firstSeconds < targetSeconds ? 'met' : 'MISSED'}); CPU ${result.firstCpuSeconds.toFixed(3)} s`,
  );
  if (result.warmSeconds !== null && result.warmCpuSeconds !== null) {
    console.log(
      `  warm (median of later runs):  ${result.warmSeconds.toFixed(3)} s wall = ${rate(result.warmSeconds)} records/s; CPU ${result.warmCpuSeconds.toFixed(3)} s`,
    );
  }
  console.log(`  peak RSS of that process: ${result.maxRssMiB.toFixed(0)} MiB (target < 1024 MiB: ${result.maxRssMiB < 1024 ? 'met' : 'MISSED'})`);
}

const args = process.argv.slice(2);
if (args[0] !== '--child') {
  // Wall times on a shared 2-core machine include other processes' turns: show how busy it is.
  printMachine();
}
if (args[0] === '--child') {
  await runChild(Number(args[1]), Number(args[2] ?? 1));
} else {
  const small = spawnChild(10_000, 6);
  printResult(small, 0.25);
  const best = Math.min(small.firstSeconds, small.warmSeconds ?? Infinity);
  console.log(`  speed-up over the original generator (132 s for 10,000): ${Math.round(ORIGINAL_SECONDS_FOR_10K / small.firstSeconds)}× first run, ${Math.round(ORIGINAL_SECONDS_FOR_10K / best)}× warm`);
  const large = spawnChild(1_000_000, 1);
  printResult(large, 30);
  printMachine();
}
