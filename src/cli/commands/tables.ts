import { createCatalog, describeTableColumns } from '../../catalog/index.js';
import { loadConfig } from '../../config/index.js';
import { createObjectStore } from '../../lake/index.js';
import type { CliCommand } from '../cli-command.js';

export const tablesCommand: CliCommand = {
  name: 'tables',
  summary: "print each catalog table's columns and types",
  usage: `Usage: idgraph tables

Lists every table of the kit's Glue database (local: the file catalog) with its location, header
skip, and columns (position, name, type), partition keys last.
`,
  options: {},
  async run(_invocation, io) {
    const config = loadConfig();
    const store = await createObjectStore(config);
    try {
      const catalog = createCatalog(config, store);
      const tables = await catalog.listTables();
      if (tables.length === 0) {
        io.stdout(`no tables in database ${catalog.database} yet (run "idgraph crawl")\n`);
        return;
      }
      io.stdout(describeTableColumns(tables));
    } finally {
      await store.close();
    }
  },
};
