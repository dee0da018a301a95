/**
 * The Glue job's Spark work (configure_session, register_views, write_outputs of
 * glue-jobs/transform_to_gremlin_csv.py) on a real local Spark 3.5 — Glue 5.0's — against local
 * copies of the golden sources, compared file by file with the DuckDB run: the initial load and
 * an incremental batch in which a returning customer changes loyalty level. The golden sources
 * hold values with leading and trailing spaces, which Spark's CSV writer trims unless told not to.
 *
 * Needs the Python env `.venv/spark` (`bash .ci/python-env.sh spark`: pyspark from
 * .ci/requirements-spark.txt) and a JDK; skipped with a notice without them, unless CI=true.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../src/csv/csv-parser.js';
import { GRAPH_MODEL, glueScriptPath, prepareGlueTransform, runLocalTransform, type GlueJobSpec } from '../src/etl/index.js';
import { sourceKey } from '../src/lake/dataset-layout.js';
import { readTree, startGoldenEtlTestKit, type EtlTestKit } from './fixtures/etl/etl-test-kit.js';

const PYTHON = join(import.meta.dirname, '..', '.venv', 'spark', 'bin', 'python');
const required = process.env.CI === 'true';
const missing = existsSync(PYTHON) ? undefined : `${PYTHON} not found (bash .ci/python-env.sh spark)`;
if (missing && !required) console.warn(`[etl-spark.test] SKIPPED running the Glue job on Spark: ${missing}`);

const BATCH = '20260301_000000';
const FIRST_PARTY_LABELS = new Set(
  [...GRAPH_MODEL.vertices.filter((v) => v.sources.some((s) => s.dataset === 'first_party')), ...GRAPH_MODEL.edges.filter((e) => e.dataset === 'first_party')].map((d) => d.label),
);

/** Runs the job's Spark functions over each spec; returns each output file's text per spec. */
const RUNNER = `
import json, os, sys, time
sys.path.insert(0, os.environ["GLUE_JOB_DIR"])
import transform_to_gremlin_csv as job
from pyspark.sql import SparkSession

request = json.load(sys.stdin)
spark = (SparkSession.builder.master("local[1]").appName("idgraph-etl-test")
         .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "1")
         .config("spark.default.parallelism", "1").config("spark.ui.showConsoleProgress", "false").getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
job.configure_session(spark)
result = {}
for name, spec in request["specs"].items():
    job.register_views(spark, spec)
    root = os.path.join(request["out"], name) + "/"
    started = time.time()
    job.write_outputs(spark, spec, "file://" + root)
    print("%s: %d outputs in %.1f s" % (name, len(spec["outputs"]), time.time() - started), file=sys.stderr)
    files = {}
    for output in spec["outputs"]:
        folder = root + output["key"][: -len(".csv")]
        part = job.pick_part_file([folder + "/" + f for f in os.listdir(folder)])
        if part is None:
            files[output["key"]] = job.header_line(output["header"])
        else:
            with open(part, encoding="utf-8") as handle:
                files[output["key"]] = handle.read()
    result[name] = files
spark.stop()
print(json.dumps(result))
`;

describe.skipIf(Boolean(missing) && !required)('the Glue job on a local Spark matches the DuckDB run', () => {
  let kit: EtlTestKit;
  let work: string;
  let spark: Record<string, Record<string, string>>;
  const duckdb: Record<string, Record<string, string>> = {};

  beforeAll(async () => {
    if (missing) throw new Error(`CI=true: ${missing}`);
    kit = await startGoldenEtlTestKit();
    work = await mkdtemp(join(tmpdir(), 'idgraph-spark-'));
    // The batch: bob22 returns at level silver with a phone, carol3 moves up to gold.
    await kit.store.putObject(
      sourceKey('first_party', 'first_party_data_inc.csv', BATCH),
      'user_name,email,phone_number,external_id,street_address,postcode,city,country,birthday,loyalty_points,loyalty_level\n' +
        'bob22,bob@example.com,+1-555-0222,EXT-0002,9 Elm Rd,30301,Georgia,Georgia,1985-12-31,75,silver\n' +
        'carol3,,+1-555-0199,EXT-0003,  7 Pine Ct ,,Atlanta,Georgia,,900,gold\n',
    );
    const specs: Record<string, GlueJobSpec> = {
      initial: (await prepareGlueTransform({ store: kit.store, catalog: kit.catalog })).spec,
      batch: (await prepareGlueTransform({ store: kit.store, catalog: kit.catalog, batch: BATCH })).spec,
    };
    // Of the batch, the files built from its first-party rows (the rest is covered by the initial
    // run): Spark takes 2-3 s a statement on the shared 2-core machine.
    specs.batch!.outputs = specs.batch!.outputs.filter((o) => FIRST_PARTY_LABELS.has(o.label));
    // Spark reads local copies of the objects the spec names (s3://bucket/key -> file://dir/key).
    const local = join(work, 'lake');
    for (const spec of Object.values(specs)) {
      for (const view of spec.views) {
        view.paths = await Promise.all(
          view.paths.map(async (uri) => {
            const prefix = uri.slice(`s3://${kit.store.bucket}/`.length);
            for (const object of await kit.store.listObjects(prefix)) {
              const path = join(local, object.key);
              await mkdir(dirname(path), { recursive: true });
              await writeFile(path, await kit.store.getObject(object.key));
            }
            return `file://${join(local, prefix)}`;
          }),
        );
      }
    }
    const output = execFileSync(PYTHON, ['-B', '-c', RUNNER], {
      input: JSON.stringify({ specs, out: join(work, 'out') }),
      env: { ...process.env, GLUE_JOB_DIR: dirname(glueScriptPath()), PYSPARK_PYTHON: PYTHON },
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'inherit'],
      maxBuffer: 64 << 20,
      timeout: 280_000,
    });
    spark = JSON.parse(output) as typeof spark;
    for (const [name, batch] of [['initial', undefined], ['batch', BATCH]] as const) {
      const report = await runLocalTransform({ store: kit.store, catalog: kit.catalog, batch });
      duckdb[name] = await readTree(kit.store, report.prefix);
    }
  }, 300_000);

  afterAll(async () => {
    await kit?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('writes the same records as DuckDB for every file of the initial load and of the batch', () => {
    for (const name of ['initial', 'batch']) {
      const keys = Object.keys(spark[name]!).sort();
      expect(keys, name).toEqual(Object.keys(duckdb[name]!).filter((k) => name === 'initial' || keys.includes(k)).sort());
      if (name === 'batch') expect(keys).toEqual(expect.arrayContaining(['vertices/User.csv', 'edges/hasLoyaltyLevel.csv', 'edges/hasPhone.csv']));
      for (const key of keys) {
        const text = duckdb[name]![key]!;
        expect(parseCsv(spark[name]![key]!).map((r) => r.fields), `${name} ${key}`).toEqual(parseCsv(text).map((r) => r.fields));
      }
    }
  });

  it('keeps the leading and trailing spaces of values', () => {
    const rows = (name: string, key: string) => parseCsv(spark[name]![key]!).map((r) => r.fields);
    expect(rows('initial', 'vertices/User.csv')).toContainEqual(['user:carol3', 'User', '  7 Pine Ct ', '']);
    expect(rows('initial', 'vertices/Cookie.csv')).toContainEqual(['cookie:ck-2', 'Cookie', ' browse  ', '', '45']);
  });

  it('keeps one loyalty level per user, in a batch and across batches, as DuckDB does', () => {
    const levels = (name: string) => parseCsv(spark[name]!['edges/hasLoyaltyLevel.csv']!).slice(1).map((r) => [r.fields[1], r.fields[2], r.fields[4]]);
    // The golden sources name bob22 twice, at bronze and at silver: the smallest level id stays.
    expect(levels('initial')).toEqual([
      ['user:alice01', 'loyaltylevel:gold', '120'],
      ['user:bob22', 'loyaltylevel:bronze', '0'],
    ]);
    // The batch's new levels are new edges (their ids name both ends); the loader drops the old.
    expect(levels('batch')).toEqual([
      ['user:bob22', 'loyaltylevel:silver', '75'],
      ['user:carol3', 'loyaltylevel:gold', '900'],
    ]);
  });
});
