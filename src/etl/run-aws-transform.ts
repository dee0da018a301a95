import type { GlueClient } from '@aws-sdk/client-glue';
import type { Catalog } from '../catalog/catalog-types.js';
import { OperationFailedError, kitMessage } from '../errors.js';
import type { PollOptions } from '../poll.js';
import type { ObjectStore } from '../lake/object-store.js';
import { parseS3Uri } from '../lake/dataset-layout.js';
import type { GraphModel } from './graph-model-types.js';
import { GLUE_REPORT_NAME, prepareGlueTransform } from './glue-job-spec.js';
import { runGlueTransform } from './run-glue-transform.js';
import type { TransformReport } from './transform-report.js';

export interface AwsTransformOptions {
  store: ObjectStore;
  catalog: Catalog;
  glue: GlueClient;
  /** The stack's Glue job (stack output GlueJobName). */
  jobName: string;
  batch?: string;
  model?: GraphModel;
  pollOptions?: PollOptions;
  onProgress?: (state: string, elapsedMs: number) => void;
}

/**
 * The `aws` runner end to end: uploads the job script and spec (prepareGlueTransform), runs
 * the Glue job (runGlueTransform), then reads the report the job leaves beside its files and
 * returns it in the local runner's shape.
 */
export async function runAwsTransform(options: AwsTransformOptions): Promise<TransformReport> {
  const started = performance.now();
  const prepared = await prepareGlueTransform(options);
  await runGlueTransform({
    glue: options.glue,
    jobName: options.jobName,
    arguments: prepared.arguments,
    pollOptions: options.pollOptions,
    onProgress: options.onProgress,
  });
  const prefix = parseS3Uri(prepared.spec.outputPrefix).key;
  let written: TransformReport;
  try {
    written = JSON.parse((await options.store.getObject(prefix + GLUE_REPORT_NAME)).toString('utf8')) as TransformReport;
  } catch (cause) {
    throw new OperationFailedError(kitMessage('glue', `job ${options.jobName} succeeded but left no readable ${prefix}${GLUE_REPORT_NAME}`), { cause });
  }
  // Trust the report only as far as the bucket confirms it: every output file is there.
  const reported = new Map((written.files ?? []).map((f) => [f.key, f]));
  const files = await Promise.all(
    prepared.spec.outputs.map(async (o) => {
      const key = prefix + o.key;
      const info = await options.store.headObject(key);
      const file = reported.get(key);
      if (!info || !file) throw new OperationFailedError(kitMessage('glue', `job ${options.jobName} did not write ${key}`));
      return { kind: o.kind, label: o.label, key, rows: file.rows, bytes: info.size };
    }),
  );
  const report: TransformReport = {
    runner: 'glue',
    prefix,
    sources: written.sources ?? [],
    files,
    deletedKeys: written.deletedKeys ?? [],
    elapsedMs: performance.now() - started,
  };
  if (options.batch !== undefined) report.batch = options.batch;
  return report;
}
