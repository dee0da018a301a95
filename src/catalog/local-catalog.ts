import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidInputError, KitError, NotFoundError, OperationFailedError, kitMessage } from '../errors.js';
import type { ObjectStore } from '../lake/object-store.js';
import { pollUntil } from '../poll.js';
import { SOURCES_PREFIX, s3Uri } from '../lake/dataset-layout.js';
import type { Catalog, GlueTable } from './catalog-types.js';
import { applyCrawlerPolicy, readCrawlerPolicies, type CrawlerPolicies } from './crawler-policy.js';
import { crawlSourceFolders } from './local-crawler.js';
import { toTableInput } from './table-input.js';

const NAME = 'local-glue';
/** A lock older than this belongs to a crawl that died; it is taken over. */
const STALE_LOCK_MS = 30 * 60_000;

export interface LocalCatalogOptions {
  /** Root of the file catalog: tables live in `<directory>/<database>/<table>.json`. */
  directory: string;
  /** The object store the crawler reads the dataset folders from. */
  store: ObjectStore;
  /** Glue database name (a folder here). */
  database: string;
  /** Prefix of crawled table names (`poc_identity_graph_`). */
  tablePrefix: string;
  /** Crawler name written into `UPDATED_BY_CRAWLER`, as a real crawler does. */
  crawlerName?: string;
  /**
   * What a crawl does to tables that exist (SchemaChangePolicy and friends). Default: read from
   * the Glue stack's crawlers in cloudformation-templates/glue.yaml at every crawl, so the local
   * crawler does what the deployed ones do.
   */
  crawlerPolicies?: CrawlerPolicies;
  /** Receives what a crawl found changed but did not write (UpdateBehavior LOG), as Glue logs it. */
  onLog?: (message: string) => void;
  /** Injectable clock (milliseconds), so deadline tests need no real waiting. */
  now?: () => number;
  /** Injectable sleep, for waiting on a crawl another process runs. */
  sleep?: (ms: number) => Promise<void>;
}

/** Table names become file names: allow what Glue allows minus path characters. */
function tableFile(dir: string, name: string): string {
  if (!/^[a-z0-9_][a-z0-9_.-]*$/.test(name) || name.length > 255) {
    throw new InvalidInputError(kitMessage(NAME, `"${name}" is not a valid table name (lower-case letters, digits, _ . -)`));
  }
  return join(dir, `${name}.json`);
}

/** Writes beside the target, then renames: readers see the old or the new table, never half. */
async function writeAtomically(path: string, text: string): Promise<void> {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, text);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * The `local` catalog: Glue's `Table` shape kept as JSON files, and a crawler applying Glue's
 * built-in CSV classifier to the dataset folders of the object store. Separate processes
 * (notebook kernels, the CLI) share it through the files; a crawl holds a lock directory so a
 * second crawl waits for the first, as StartCrawler on a running Glue crawler does here.
 */
export function createLocalCatalog(options: LocalCatalogOptions): Catalog {
  const dir = join(options.directory, options.database);
  const now = options.now ?? Date.now;
  const crawlerName = options.crawlerName ?? `${options.tablePrefix}crawler`;
  const lockDir = join(dir, '.crawl.lock');

  async function readTable(name: string): Promise<GlueTable> {
    const path = tableFile(dir, name);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new NotFoundError(kitMessage(NAME, `table "${name}" does not exist in database "${options.database}"`), { cause });
      }
      throw cause;
    }
    try {
      return JSON.parse(text) as GlueTable;
    } catch (cause) {
      throw new OperationFailedError(kitMessage(NAME, `${path} is not valid JSON`), { cause });
    }
  }

  async function writeTable(table: GlueTable): Promise<void> {
    await mkdir(dir, { recursive: true });
    await writeAtomically(tableFile(dir, table.Name), JSON.stringify(table, null, 2) + '\n');
  }

  /** Takes the crawl lock, waiting (with back-off, up to the deadline) while another crawl holds it. */
  async function lock(timeoutMs: number, onProgress?: (state: string) => void): Promise<void> {
    await mkdir(dir, { recursive: true });
    await pollUntil(
      async () => {
        try {
          await mkdir(lockDir);
          return { done: true, value: 'RUNNING' };
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
          const age = Date.now() - (await stat(lockDir).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
          if (age > STALE_LOCK_MS) await rm(lockDir, { recursive: true, force: true });
          return { done: false, value: 'RUNNING' };
        }
      },
      {
        minDelay: 200,
        maxDelay: 5000,
        timeout: timeoutMs,
        what: `[kit] [${NAME}] crawler "${crawlerName}" (running in another process)`,
        onPending: (state) => onProgress?.(String(state)),
        sleep: options.sleep,
        now,
      },
    );
  }

  return {
    name: NAME,
    database: options.database,
    tablePrefix: options.tablePrefix,

    async crawl(crawlOptions = {}) {
      const timeoutMs = crawlOptions.timeoutMs ?? 15 * 60_000;
      await lock(timeoutMs, crawlOptions.onProgress);
      try {
        crawlOptions.onProgress?.('RUNNING');
        const policies = options.crawlerPolicies ?? readCrawlerPolicies();
        const crawled = await crawlSourceFolders({
          store: options.store,
          database: options.database,
          tablePrefix: options.tablePrefix,
          crawlerName,
          timeoutMs,
          now,
        });
        crawlOptions.onProgress?.('STOPPING');
        // Each table follows the policy of the crawler whose target holds its folder: the
        // incremental crawler's is datasets/sources/incremental/, the other's the rest.
        const incrementalTarget = s3Uri(options.store.bucket, `${SOURCES_PREFIX}incremental/`);
        const stored: GlueTable[] = [];
        for (const table of crawled) {
          const existing = await readTable(table.Name).catch((error) => {
            if (error instanceof NotFoundError) return undefined;
            throw error;
          });
          const policy = table.StorageDescriptor.Location.startsWith(incrementalTarget) ? policies.incremental : policies.initial;
          const outcome = applyCrawlerPolicy(table, existing, policy);
          if (outcome.action !== 'kept') await writeTable(outcome.table);
          if (outcome.logged) options.onLog?.(kitMessage(NAME, `crawler "${crawlerName}": ${outcome.logged}`));
          stored.push(outcome.table);
        }
        crawlOptions.onProgress?.('READY');
        return { status: 'SUCCEEDED', tables: stored };
      } catch (error) {
        if (error instanceof KitError) throw error;
        throw new OperationFailedError(kitMessage(NAME, `crawl failed: ${(error as Error).message}`), { cause: error });
      } finally {
        await rm(lockDir, { recursive: true, force: true });
      }
    },

    async listTables() {
      let names: string[];
      try {
        names = (await readdir(dir)).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
      return Promise.all(names.sort().map((name) => readTable(name)));
    },

    getTable: readTable,

    async updateTable(table) {
      const input = toTableInput(table);
      const previous = await readTable(input.Name);
      const columns = input.StorageDescriptor?.Columns;
      if (!Array.isArray(columns) || columns.length === 0) {
        throw new InvalidInputError(kitMessage(NAME, `updateTable "${input.Name}": StorageDescriptor.Columns must list at least one column`));
      }
      columns.forEach((column, index) => {
        if (!column.Name || !column.Type) {
          throw new InvalidInputError(kitMessage(NAME, `updateTable "${input.Name}": column ${index} needs a Name and a Type`));
        }
      });
      await writeTable({
        ...input,
        DatabaseName: options.database,
        CreateTime: previous.CreateTime,
        UpdateTime: new Date(now()).toISOString(),
      } as GlueTable);
    },
  };
}
