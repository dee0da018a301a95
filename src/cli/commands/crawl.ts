import { createCatalog, describeTableList } from '../../catalog/index.js';
import { loadConfig } from '../../config/index.js';
import { createObjectStore } from '../../lake/index.js';
import type { CliCommand } from '../cli-command.js';

export const crawlCommand: CliCommand = {
  name: 'crawl',
  summary: 'crawl the source datasets into the Glue Data Catalog (local: the file catalog, same CSV classifier rules)',
  usage: `Usage: idgraph crawl [--timeout SECONDS]

aws mode: StartCrawler on the kit's crawler (one already running is waited for), polls GetCrawler
until READY and lists the tables. local mode: classifies every dataset folder with Glue's built-in
CSV classifier rules and writes the new tables to <data dir>/catalog/. Either way a table that
exists is never changed (the crawlers' SchemaChangePolicy in glue.yaml, UpdateBehavior LOG), so a
fixed schema survives later crawls. Prints each table and whether the crawler found its header —
a table whose columns all parse as strings loses it.

  --timeout SECONDS  give up waiting after this long (default 900)
`,
  options: { timeout: { type: 'string' } },
  async run(invocation, io) {
    const config = loadConfig();
    const timeoutText = invocation.values.timeout;
    const timeoutSeconds = typeof timeoutText === 'string' ? Number(timeoutText) : 900;
    if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
      io.stderr(`idgraph crawl: --timeout must be a positive number of seconds, got "${String(timeoutText)}"\n`);
      return 2;
    }
    const store = await createObjectStore(config);
    try {
      const catalog = createCatalog(config, store);
      const result = await catalog.crawl({
        timeoutMs: timeoutSeconds * 1000,
        onProgress: (state) => io.stderr(`crawl: ${state}\n`),
      });
      io.stdout(describeTableList(result.tables));
      io.stdout(`crawl ${result.status}: ${result.tables.length} tables in database ${catalog.database} (${catalog.name})\n`);
    } finally {
      await store.close();
    }
  },
};
