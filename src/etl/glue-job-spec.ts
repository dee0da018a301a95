import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Catalog } from '../catalog/catalog-types.js';
import { graphPrefix, s3Uri } from '../lake/dataset-layout.js';
import type { ObjectStore } from '../lake/object-store.js';
import type { GraphModel } from './graph-model-types.js';
import { GRAPH_MODEL } from './graph-model.js';
import { resolveSourceTables, type SourceTable } from './source-tables.js';
import { buildTransformSql, type TransformStatement } from './transform-sql.js';

/** Where the Glue stack expects the job script and the default spec (glue.yaml ScriptKey/ModelKey). */
export const GLUE_SCRIPT_KEY = 'glue-jobs/transform_to_gremlin_csv.py';
export const GLUE_MODEL_KEY = 'glue-jobs/graph-model.json';
/** The report the Glue job writes beside its output files. */
export const GLUE_REPORT_NAME = '_transform-report.json';

/** One source view of the Glue job: the files to read and the names to give their columns. */
export interface GlueJobView {
  name: string;
  tableName: string;
  /** s3:// folder URIs (Spark reads every file under them). */
  paths: string[];
  columns: string[];
  viewColumns: string[];
  headerLines: number;
}

/**
 * Everything `glue-jobs/transform_to_gremlin_csv.py` needs, as JSON: the declaration (for the
 * record), the views, and the very statements the local runner runs.
 */
export interface GlueJobSpec {
  version: 1;
  /** Incremental batch id, echoed into the job's report. */
  batch?: string;
  model: GraphModel;
  /** s3://bucket/prefix/ the job writes to unless `--output_s3_path` says otherwise. */
  outputPrefix: string;
  views: GlueJobView[];
  outputs: TransformStatement[];
}

/**
 * The job spec for these tables. `withData`: the folders known to hold data; when given, the
 * others are left out (Spark fails on a folder that does not exist).
 */
export function buildGlueJobSpec(options: {
  model: GraphModel;
  tables: SourceTable[];
  bucket: string;
  batch?: string;
  withData?: ReadonlySet<string>;
}): GlueJobSpec {
  const uris = (prefixes: string[], bucket: string) =>
    prefixes.filter((p) => options.withData === undefined || options.withData.has(p)).map((p) => s3Uri(bucket, p));
  return {
    version: 1,
    ...(options.batch !== undefined ? { batch: options.batch } : {}),
    model: options.model,
    outputPrefix: s3Uri(options.bucket, graphPrefix(options.batch)),
    views: options.tables.flatMap((t) => {
      const view = { name: t.view, tableName: t.tableName, paths: uris([t.prefix], t.bucket), columns: t.columns, viewColumns: t.viewColumns, headerLines: t.headerLines };
      // The look-up view: this run's folder plus the earlier loads' (same columns, same header).
      const known = t.known ? [{ ...view, name: t.known.view, paths: uris([t.prefix, ...t.known.earlierPrefixes], t.bucket) }] : [];
      return [view, ...known];
    }),
    outputs: buildTransformSql(options.model),
  };
}

/** The job script shipped with the package (`glue-jobs/` sits beside `src/` and `dist/`). */
export function glueScriptPath(): string {
  return fileURLToPath(new URL('../../glue-jobs/transform_to_gremlin_csv.py', import.meta.url));
}

export interface PrepareGlueTransformOptions {
  store: ObjectStore;
  catalog: Catalog;
  batch?: string;
  model?: GraphModel;
  tablePrefix?: string;
}

export interface PreparedGlueTransform {
  spec: GlueJobSpec;
  specKey: string;
  /** Job arguments for StartJobRun: `--model_s3_path` and `--output_s3_path`. */
  arguments: Record<string, string>;
}

/**
 * Checks the catalog tables (same checks as the local run), uploads the job script and the
 * job spec beside it, and returns the job arguments pointing at them. The initial load's spec
 * goes to the key the stack's default arguments name; a batch gets its own key.
 */
export async function prepareGlueTransform(options: PrepareGlueTransformOptions): Promise<PreparedGlueTransform> {
  const model = options.model ?? GRAPH_MODEL;
  const tables = await resolveSourceTables({
    model,
    catalog: options.catalog,
    tablePrefix: options.tablePrefix,
    batch: options.batch,
    store: options.store,
  });
  // Spark fails on a folder that does not exist, where the local run reads no rows: list only
  // folders that hold data (a view with no folder is registered empty by the job).
  const prefixes = new Set(tables.flatMap((t) => [t.prefix, ...(t.known?.earlierPrefixes ?? [])]));
  const withData = new Set<string>();
  for (const prefix of prefixes) {
    if ((await options.store.listObjects(prefix)).some((o) => o.size > 0 && !o.key.endsWith('/'))) withData.add(prefix);
  }
  const spec = buildGlueJobSpec({ model, tables, bucket: options.store.bucket, batch: options.batch, withData });
  const specKey = options.batch === undefined ? GLUE_MODEL_KEY : `glue-jobs/graph-model-${options.batch}.json`;
  await options.store.putObject(GLUE_SCRIPT_KEY, await readFile(glueScriptPath()));
  await options.store.putObject(specKey, JSON.stringify(spec, null, 2));
  return {
    spec,
    specKey,
    arguments: { '--model_s3_path': s3Uri(options.store.bucket, specKey), '--output_s3_path': spec.outputPrefix },
  };
}
