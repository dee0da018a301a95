import {
  GetCrawlerCommand,
  GetTableCommand,
  GetTablesCommand,
  StartCrawlerCommand,
  UpdateTableCommand,
  type GlueClient,
  type Table,
  type TableInput,
} from '@aws-sdk/client-glue';
import { KitError, NotFoundError, OperationFailedError, kitMessage } from '../errors.js';
import { pollUntil } from '../poll.js';
import type { Catalog, GlueTable } from './catalog-types.js';
import { toTableInput } from './table-input.js';

const NAME = 'glue';

export interface GlueCatalogOptions {
  /** A configured Glue client (passed in, never created here). */
  client: GlueClient;
  /** Glue database the crawler writes to. */
  database: string;
  /** Name of the crawler over `datasets/sources/initial/` (created by the Glue stack). */
  crawlerName: string;
  /**
   * Name of the crawler over `datasets/sources/incremental/` (the Glue stack's
   * `<crawlerName>-incremental`, table prefix `<tablePrefix>incremental_`). When set, `crawl()`
   * runs both, so it covers every source folder as the local crawler does.
   */
  incrementalCrawlerName?: string;
  /** Prefix the crawler gives table names (`poc_identity_graph_`). */
  tablePrefix: string;
  /** First delay between GetCrawler polls (ms). Default 5 s. */
  minDelay?: number;
  /** Largest delay between polls (ms). Default 30 s. */
  maxDelay?: number;
  /** Injectable sleep and clock, so tests need no real waiting. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

function errorName(error: unknown): string | undefined {
  return (error as { name?: string })?.name;
}

function toKitError(error: unknown, action: string): KitError {
  if (error instanceof KitError) return error;
  if (errorName(error) === 'EntityNotFoundException') {
    return new NotFoundError(kitMessage(NAME, `${action}: ${(error as Error).message}`), { cause: error });
  }
  return new OperationFailedError(kitMessage(NAME, `${action} failed: ${errorName(error) ?? ''} ${(error as Error)?.message ?? error}`), {
    cause: error,
  });
}

/** SDK `Table` → the kit's GlueTable (same shape; Columns made present). */
function fromSdkTable(table: Table): GlueTable {
  const result = structuredClone(table) as unknown as GlueTable;
  result.StorageDescriptor = { ...result.StorageDescriptor, Columns: result.StorageDescriptor?.Columns ?? [] };
  return result;
}

/**
 * The `aws` catalog: the Glue Data Catalog and a crawler defined by the Glue stack.
 * Glue has no SDK waiter for crawlers, so the crawl is followed with `pollUntil` on GetCrawler
 * (https://docs.aws.amazon.com/glue/latest/webapi/API_GetCrawler.html): State goes
 * RUNNING → STOPPING → READY, and `LastCrawl.Status` then says SUCCEEDED, CANCELLED or FAILED.
 */
export function createGlueCatalog(options: GlueCatalogOptions): Catalog {
  const { client, database, crawlerName } = options;

  async function listTables(): Promise<GlueTable[]> {
    const tables: GlueTable[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await client.send(new GetTablesCommand({ DatabaseName: database, NextToken: token }));
        tables.push(...(page.TableList ?? []).map(fromSdkTable));
        token = page.NextToken;
      } while (token);
    } catch (error) {
      throw toKitError(error, `GetTables of database "${database}"`);
    }
    return tables.sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
  }

  interface CrawlerRun {
    name: string;
    requested: number;
    /** The crawler was seen busy (or was already running): READY now means our crawl ended. */
    sawRun: boolean;
  }

  async function startCrawler(name: string, requested: number): Promise<CrawlerRun> {
    try {
      await client.send(new StartCrawlerCommand({ Name: name }));
      return { name, requested, sawRun: false };
    } catch (error) {
      // https://docs.aws.amazon.com/glue/latest/webapi/API_StartCrawler.html: a crawl already
      // under way answers CrawlerRunningException; its result is what we wait for.
      if (errorName(error) !== 'CrawlerRunningException') throw toKitError(error, `StartCrawler "${name}"`);
      return { name, requested, sawRun: true };
    }
  }

  /** Polls GetCrawler until READY, then checks LastCrawl.Status (`waitUntil*` semantics: failure throws). */
  async function waitForCrawler(run: CrawlerRun, timeoutMs: number, onProgress: (state: string) => void): Promise<void> {
    onProgress(run.sawRun ? 'RUNNING' : 'STARTING');
    const crawler = await pollUntil(
      async () => {
        let response;
        try {
          response = await client.send(new GetCrawlerCommand({ Name: run.name }));
        } catch (error) {
          throw toKitError(error, `GetCrawler "${run.name}"`);
        }
        const state = response.Crawler?.State ?? 'UNKNOWN';
        if (state !== 'READY') {
          run.sawRun = true;
          return { done: false, value: response.Crawler };
        }
        // READY right after StartCrawler can still be the previous crawl: accept it only once
        // the crawler was seen running, or its last crawl started after our request.
        const lastStart = response.Crawler?.LastCrawl?.StartTime?.getTime() ?? 0;
        return { done: run.sawRun || lastStart >= run.requested, value: response.Crawler };
      },
      {
        minDelay: options.minDelay ?? 5000,
        maxDelay: options.maxDelay ?? 30_000,
        timeout: timeoutMs,
        what: kitMessage(NAME, `crawler "${run.name}"`),
        onPending: (value) => onProgress(String((value as { State?: string } | undefined)?.State ?? 'UNKNOWN')),
        sleep: options.sleep,
        now: options.now,
      },
    );
    onProgress('READY');
    const last = crawler?.LastCrawl;
    const status = last?.Status ?? 'UNKNOWN';
    if (status !== 'SUCCEEDED') {
      const detail = last?.ErrorMessage ? `: ${last.ErrorMessage}` : '';
      const logs = last?.LogGroup ? ` (CloudWatch log group ${last.LogGroup}, stream ${last.LogStream ?? '?'})` : '';
      throw new OperationFailedError(kitMessage(NAME, `crawler "${run.name}" ended ${status}${detail}${logs}`));
    }
  }

  return {
    name: NAME,
    database,
    tablePrefix: options.tablePrefix,

    async crawl(crawlOptions = {}) {
      const now = options.now ?? Date.now;
      const deadline = now() + (crawlOptions.timeoutMs ?? 15 * 60_000);
      const names = [crawlerName, ...(options.incrementalCrawlerName ? [options.incrementalCrawlerName] : [])];
      // Start every crawler first so they run side by side, then wait for each in turn.
      const started = [];
      for (const name of names) started.push(await startCrawler(name, now()));
      for (const [i, run] of started.entries()) {
        const label = (state: string) => (i === 0 ? state : `${run.name}: ${state}`);
        await waitForCrawler(run, Math.max(0, deadline - now()), (state) => crawlOptions.onProgress?.(label(state)));
      }
      return { status: 'SUCCEEDED', tables: await listTables() };
    },

    listTables,

    async getTable(name) {
      try {
        const response = await client.send(new GetTableCommand({ DatabaseName: database, Name: name }));
        return fromSdkTable(response.Table!);
      } catch (error) {
        if (errorName(error) === 'EntityNotFoundException') {
          throw new NotFoundError(kitMessage(NAME, `table "${name}" does not exist in database "${database}"`), { cause: error });
        }
        throw toKitError(error, `GetTable "${name}"`);
      }
    },

    async updateTable(table) {
      try {
        await client.send(
          new UpdateTableCommand({ DatabaseName: database, TableInput: toTableInput(table) as unknown as TableInput }),
        );
      } catch (error) {
        if (errorName(error) === 'EntityNotFoundException') {
          throw new NotFoundError(kitMessage(NAME, `table "${table.Name}" does not exist in database "${database}"`), { cause: error });
        }
        throw toKitError(error, `UpdateTable "${table.Name}"`);
      }
    },
  };
}
