import { createCatalog, describeSchemaFix, fixTableSchemas } from '../../catalog/index.js';
import { loadConfig } from '../../config/index.js';
import { createObjectStore } from '../../lake/index.js';
import type { CliCommand } from '../cli-command.js';

export const fixSchemaCommand: CliCommand = {
  name: 'fix-schema',
  summary: 'set the correct column names and types and the header skip on the crawled tables, and verify',
  usage: `Usage: idgraph fix-schema [--incremental]

For each source table (poc_identity_graph_<dataset>): GetTable, set the column names and types of
the datasets (counters bigint, the rest string) and skip.header.line.count = 1, UpdateTable, then
read the table back to verify. Each table's first data file must start with the expected header
row, or nothing is changed. Tables already right are left alone.

  --incremental   fix the incremental tables (poc_identity_graph_incremental_<dataset>) instead
`,
  options: { incremental: { type: 'boolean' } },
  async run(invocation, io) {
    const config = loadConfig();
    const store = await createObjectStore(config);
    try {
      const report = await fixTableSchemas(createCatalog(config, store), { incremental: invocation.values.incremental === true, store });
      io.stdout(describeSchemaFix(report));
    } finally {
      await store.close();
    }
  },
};
