import { GlueClient } from '@aws-sdk/client-glue';
import { createCatalog } from '../../catalog/index.js';
import { loadConfig } from '../../config/index.js';
import { InvalidInputError, kitMessage } from '../../errors.js';
import { formatTransformReport, runAwsTransform, runLocalTransform } from '../../etl/index.js';
import { checkBatchId, createObjectStore } from '../../lake/index.js';
import type { CliCommand } from '../cli-command.js';

export const transformCommand: CliCommand = {
  name: 'transform',
  summary: 'turn the crawled source tables into Neptune Gremlin CSV vertex and edge files (local: DuckDB; aws: the Glue job)',
  usage: `Usage: idgraph transform [--incremental BATCH]

Runs the graph-model transform (src/etl GRAPH_MODEL) over the catalog's source tables and writes one
Gremlin CSV file per vertex label to datasets/graph/initial/vertices/ and per edge label to
datasets/graph/initial/edges/ (load vertices first). local mode runs it in-process with DuckDB;
aws mode uploads the job spec beside the Glue job script and runs the stack's Glue job, polling
GetJobRun until it ends. Prints the rows written per label.

  --incremental BATCH  transform the incremental batch BATCH (YYYYMMDD_HHmmss, as printed by
                       idgraph upload --incremental) into datasets/graph/incremental/BATCH/
`,
  options: { incremental: { type: 'string' } },
  async run(invocation, io) {
    const config = loadConfig();
    const batchText = invocation.values.incremental;
    const batch = typeof batchText === 'string' ? checkBatchId(batchText) : undefined;
    const store = await createObjectStore(config);
    try {
      const catalog = createCatalog(config, store);
      let report;
      if (config.mode === 'aws') {
        const jobName = config.glueJobName ?? config.stackOutputs.GlueJobName;
        if (!jobName) {
          throw new InvalidInputError(kitMessage('glue', 'no Glue job name: deploy the glue stack first (stack output GlueJobName)'));
        }
        const glue = new GlueClient({ region: config.region });
        try {
          report = await runAwsTransform({
            store,
            catalog,
            glue,
            jobName,
            batch,
            onProgress: (state, elapsed) => io.stderr(`transform: Glue job ${jobName} ${state} (${Math.round(elapsed / 1000)} s)\n`),
          });
        } finally {
          glue.destroy();
        }
      } else {
        report = await runLocalTransform({
          store,
          catalog,
          batch,
          onProgress: (p) => io.stderr(`transform: ${p.phase} ${p.done}/${p.total} ${p.detail}\n`),
        });
      }
      io.stdout(formatTransformReport(report));
    } finally {
      await store.close();
    }
  },
};
