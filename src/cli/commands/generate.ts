import { loadConfig } from '../../config/index.js';
import { MAX_RECORDS, MAX_UNIQUENESS, MIN_RECORDS, MIN_UNIQUENESS, generateDatasets, type GenerateProgress } from '../../datagen/index.js';
import { parseIntegerFlag, parseSwitchFlag } from '../../datagen/generate-options.js';
import type { CliCommand, CliInvocation, CliIo } from '../cli-command.js';

const DEFAULT_RECORDS = 10_000;
const DEFAULT_UNIQUENESS = 30;
/** Progress lines start after this long and repeat at this interval: short runs stay quiet. */
const PROGRESS_INTERVAL_MS = 1_000;

function flagText(invocation: CliInvocation, name: string): string | undefined {
  const value = invocation.values[name];
  if (value === undefined) return undefined;
  return String(Array.isArray(value) ? value[value.length - 1] : value);
}

function formatTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  '))
    .join('\n');
}

/**
 * Prints "generate: clickstream 120000/750000 rows (3.0 s)" on stderr, first after `intervalMs`
 * and then at most once per `intervalMs`, so short runs stay quiet; on a terminal it redraws
 * one line.
 */
export function createProgressPrinter(io: CliIo, intervalMs = PROGRESS_INTERVAL_MS): (progress: GenerateProgress) => void {
  const started = Date.now();
  let lastPrinted = started;
  return (progress) => {
    const now = Date.now();
    if (now - lastPrinted < intervalMs) return;
    lastPrinted = now;
    const text = `generate: ${progress.dataset} ${progress.rows}/${progress.totalRows} rows (${((now - started) / 1000).toFixed(1)} s)`;
    io.stderr(io.isTty ? `\r${text}\u001b[K` : `${text}\n`);
  };
}

export const generateCommand: CliCommand = {
  name: 'generate',
  summary: 'generate the four source datasets (first-party, transactional, cookie, clickstream) and their ground truth',
  usage: `Usage: idgraph generate [--records N] [--uniqueness P] [--incremental 0|1] [--seed N] [--out DIR] [--debug 0|1]

Writes first_party, transactional, cookie and clickstream CSV files (<dataset>_data_full.csv, or
<dataset>_data_inc.csv with --incremental 1) plus ground_truth_data_*.csv, which names the person
and household behind every session, cookie and device.

  --records N       people in the batch, ${MIN_RECORDS}..${MAX_RECORDS} (default ${DEFAULT_RECORDS}): about N first-party and
                    N transactional rows, N/4 cookie rows, 3N/4 clickstream rows
  --uniqueness P    distinct IPv4 addresses and device ids as a percent of N, ${MIN_UNIQUENESS}..${MAX_UNIQUENESS} (default ${DEFAULT_UNIQUENESS})
  --incremental 0|1 1: an update batch (N rows) of returning people of the full batch, with changed
                    loyalty and phones, and new people; new sessions and purchases. Without --seed it
                    builds on the full batch last written to --out (seed, size and date from its manifest)
  --seed N          0..4294967295; same seed and flags give byte-identical files (dates relative to
                    2026-01-01T00:00:00Z). Without it: a random seed (printed) and today's date.
  --out DIR         output folder (default: <data dir>/generated)
  --debug 0|1       1: print the population sizes and the first rows of every file on stderr
`,
  options: {
    records: { type: 'string' },
    uniqueness: { type: 'string' },
    incremental: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    debug: { type: 'string' },
  },
  async run(invocation, io) {
    const recordsText = flagText(invocation, 'records');
    const uniquenessText = flagText(invocation, 'uniqueness');
    const seedText = flagText(invocation, 'seed');
    const records = recordsText === undefined ? DEFAULT_RECORDS : parseIntegerFlag('--records', recordsText, MIN_RECORDS, MAX_RECORDS);
    const uniqueness =
      uniquenessText === undefined
        ? DEFAULT_UNIQUENESS
        : parseIntegerFlag('--uniqueness', uniquenessText, MIN_UNIQUENESS, MAX_UNIQUENESS);
    const incremental = parseSwitchFlag('--incremental', flagText(invocation, 'incremental') ?? '0');
    const debug = parseSwitchFlag('--debug', flagText(invocation, 'debug') ?? '0');
    const seed = seedText === undefined ? undefined : parseIntegerFlag('--seed', seedText, 0, 0xffffffff);
    const outDir = flagText(invocation, 'out') ?? loadConfig().generatedDir;

    const report = await generateDatasets({
      records,
      uniqueness,
      incremental,
      seed,
      outDir,
      debug,
      onProgress: createProgressPrinter(io),
    });
    if (io.isTty) io.stderr('\r\u001b[K');

    const table = formatTable([
      ['file', 'rows', 'bytes'],
      ...report.files.map((file) => [file.path, String(file.rows), String(file.bytes)]),
    ]);
    io.stdout(
      `${table}\n` +
        `generated ${records} records (${incremental ? 'incremental' : 'full'} batch, uniqueness ${uniqueness}%) ` +
        `in ${(report.elapsedMs / 1000).toFixed(3)} s — seed ${report.seed}, reference date ${report.referenceDate}\n`,
    );
    if (debug) {
      io.stderr(`generate: population ${JSON.stringify(report.population)}\n`);
      for (const [dataset, lines] of Object.entries(report.samples ?? {})) {
        io.stderr(`generate: first rows of ${dataset}:\n${lines.map((line) => `  ${line}`).join('\n')}\n`);
      }
    }
    return 0;
  },
};
