import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InvalidInputError, kitMessage } from '../../errors.js';
import { MAX_RECORDS, parseIntegerFlag } from '../../datagen/generate-options.js';
import { createKit } from '../../kit.js';
import { formatTextTable } from '../../notebook/html-table.js';
import { renderDemoReport, type DemoReportInput } from '../../notebook/demo-report.js';
import type { CliCommand, CliIo } from '../cli-command.js';

/** Marks a folder as the demo's own, so a re-run may wipe it and nothing else. */
const DEMO_MARKER = '.idgraph-demo';
/** Inside the kit's default data dir, which .gitignore already keeps out of the repository. */
export const DEFAULT_DEMO_DIR = '.idgraph/demo';

export interface DemoOptions {
  dataDir: string;
  records: number;
  seed?: number;
  /** Progress lines (one per step start and end). */
  log: (line: string) => void;
}

/** What the demo measured: the report's input, less what only the page needs, plus where it is. */
export type DemoResult = Omit<DemoReportInput, 'records' | 'neighbourhood' | 'generatedAt'> & { reportPath: string };

/**
 * Empties the demo folder, refusing a folder that has files but is not the demo's own (no marker):
 * the demo never deletes what it did not create.
 */
function prepareFreshDir(dir: string): void {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    if (!existsSync(join(dir, DEMO_MARKER))) {
      throw new InvalidInputError(kitMessage('demo', `${dir} exists and is not a demo folder: choose another --data-dir`));
    }
    rmSync(dir, { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, DEMO_MARKER), 'created by idgraph demo; deleted by the next demo run\n');
}

/**
 * The whole pipeline offline, from nothing: generate, upload, provision (template validation),
 * crawl, fix the schemas, transform, load, query — timing each step — then scores the stitching
 * rules against the ground truth and writes `<dataDir>/report.html` with the pictures.
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const dataDir = resolve(options.dataDir);
  prepareFreshDir(dataDir);
  const lines: string[] = [];
  const kit = await createKit(
    { mode: 'local', dataDir, records: options.records, ...(options.seed !== undefined ? { seed: options.seed } : {}) },
    { show: { display: null, write: (text) => lines.push(text) } },
  );
  const timings: DemoResult['timings'] = [];
  const steps = ['generate', 'upload', 'provision', 'crawl', 'fix schemas', 'transform', 'load', 'query'];
  const step = async <T>(name: string, run: () => Promise<T>, describe: (result: T) => string): Promise<T> => {
    const index = steps.indexOf(name) + 1;
    options.log(`[${index}/${steps.length}] ${name} ...`);
    const started = performance.now();
    const result = await run();
    const seconds = (performance.now() - started) / 1000;
    const detail = describe(result);
    timings.push({ step: name, seconds, detail });
    options.log(`[${index}/${steps.length}] ${name} done in ${seconds.toFixed(1)} s: ${detail}`);
    return result;
  };
  const n = (value: number) => value.toLocaleString('en-US');
  try {
    await step('generate', () => kit.generate(), (r) => r.files.map((f) => `${f.path.split('/').pop()} ${n(f.rows)}`).join(', '));
    await step('upload', () => kit.upload(), (r) => `${r.objects.length} objects, ${n(r.totalBytes)} bytes`);
    await step('provision', () => kit.provision(), (r) => `templates valid, ${Object.keys(r.outputs).length} outputs`);
    await step('crawl', () => kit.crawl(), (r) => `${r.status}, ${r.tables.length} tables`);
    await step('fix schemas', () => kit.fixSchemas(), (r) => `${r.tables.filter((t) => t.updated).length} tables updated, verified ${r.verified}`);
    await step('transform', () => kit.transform(), (r) => `${r.files.length} files, ${n(r.files.reduce((s, f) => s + f.rows, 0))} rows`);
    await step(
      'load',
      () => kit.load(),
      (r) => `${r.overallStatus.status}, ${n(r.overallStatus.totalRecords)} records`,
    );
    const queried = await step(
      'query',
      async () => {
        const queries = await kit.queries();
        const counts = await queries.countByLabel();
        const scores = await queries.scoreIdentityRules(await kit.groundTruth());
        const [example] = await queries.listMostActiveUsers(1);
        const neighbourhood = example ? await queries.fetchNeighbourhood(example.user) : undefined;
        return { counts, scores, exampleUser: example?.user, neighbourhood };
      },
      (r) => `${n(r.counts.totalVertices)} vertices, ${n(r.counts.totalEdges)} edges`,
    );
    const result: DemoResult = {
      dataDir,
      reportPath: join(dataDir, 'report.html'),
      timings,
      vertices: queried.counts.vertices,
      edges: queried.counts.edges,
      rules: queried.scores.rules,
      households: queried.scores.households,
      exampleUser: queried.exampleUser,
    };
    const html = renderDemoReport({ ...result, records: options.records, neighbourhood: queried.neighbourhood, generatedAt: new Date() });
    writeFileSync(`${result.reportPath}.tmp`, html);
    renameSync(`${result.reportPath}.tmp`, result.reportPath);
    return result;
  } finally {
    await kit.close();
  }
}

/** The summary the demo prints on stdout (and the README shows). */
export function formatDemoSummary(result: DemoResult): string {
  const total = result.timings.reduce((s, t) => s + t.seconds, 0);
  const counts = Object.entries(result.vertices).map(([label, vertices]) => ({ label, vertices }));
  const edges = Object.entries(result.edges).map(([label, count]) => ({ label, edges: count }));
  const scores = result.rules.map((r) => ({
    rule: r.rule,
    linked: r.linked,
    correct: r.correct,
    precision: Number(r.precision.toFixed(3)),
    recall: Number(r.recall.toFixed(3)),
  }));
  const h = result.households;
  return [
    formatTextTable(counts, { caption: 'Vertices per label' }),
    '',
    formatTextTable(edges, { caption: 'Edges per label' }),
    '',
    formatTextTable(scores, { caption: `Session stitching vs ground truth (${result.rules[0]?.anonymousSessions.toLocaleString('en-US') ?? 0} anonymous sessions)` }),
    `households (shared home IP): ${h.predictedPairs} user pairs, precision ${h.precision.toFixed(3)}, recall ${h.recall.toFixed(3)}`,
    '',
    formatTextTable(
      result.timings.map((t) => ({ step: t.step, seconds: Number(t.seconds.toFixed(2)) })),
      { caption: 'Timings' },
    ),
    `total ${total.toFixed(1)} s`,
    '',
    `report: ${result.reportPath}`,
  ].join('\n');
}

function writeLine(io: CliIo) {
  return (line: string) => io.stderr(`${line}\n`);
}

export const demoCommand: CliCommand = {
  name: 'demo',
  summary: 'run the whole pipeline offline from nothing (generate → load → query) and write an HTML report',
  usage: `Usage: idgraph demo [--records N] [--seed N] [--data-dir DIR]

Runs every step in local mode in a fresh folder — generate, upload, provision (template
validation), crawl, fix schemas, transform, load, query — printing progress per step, then a
summary (vertices and edges per label, stitching precision/recall, timings) and writes
<data dir>/report.html with the pictures.

  --records N     people to generate, 1..${MAX_RECORDS} (default 10000)
  --seed N        generator seed (default 42)
  --data-dir DIR  the demo's folder (default ./${DEFAULT_DEMO_DIR}); emptied first if it is a demo folder
`,
  options: {
    records: { type: 'string' },
    seed: { type: 'string' },
    'data-dir': { type: 'string' },
  },
  async run(invocation, io) {
    const text = (name: string) => {
      const value = invocation.values[name];
      return value === undefined ? undefined : String(Array.isArray(value) ? value[value.length - 1] : value);
    };
    const records = text('records') === undefined ? 10_000 : parseIntegerFlag('--records', text('records')!, 1, MAX_RECORDS);
    const seed = text('seed') === undefined ? undefined : parseIntegerFlag('--seed', text('seed')!, 0, 4_294_967_295);
    const result = await runDemo({ dataDir: text('data-dir') ?? DEFAULT_DEMO_DIR, records, seed, log: writeLine(io) });
    io.stdout(formatDemoSummary(result) + '\n');
    return 0;
  },
};
