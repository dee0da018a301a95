import { mkdir, mkdtemp, open, rm, stat } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { Catalog } from '../catalog/catalog-types.js';
import { parseCsv } from '../csv/csv-parser.js';
import { InvalidInputError, KitError, OperationFailedError, kitMessage } from '../errors.js';
import { graphPrefix, s3Uri } from '../lake/dataset-layout.js';
import type { ObjectStore } from '../lake/object-store.js';
import type { GraphModel } from './graph-model-types.js';
import { GRAPH_MODEL, type SourceColumnType } from './graph-model.js';
import { checkGremlinCsvHeader } from './gremlin-csv-header.js';
import { resolveSourceTables, type SourceTable } from './source-tables.js';
import type { TransformFileReport, TransformReport, TransformSourceReport } from './transform-report.js';
import { buildTransformSql, toViewColumnName, type TransformStatement } from './transform-sql.js';

export interface TransformProgress {
  phase: 'read' | 'transform' | 'upload';
  /** What was just done, e.g. the key read or the file written. */
  detail: string;
  done: number;
  total: number;
}

export interface LocalTransformOptions {
  store: ObjectStore;
  catalog: Catalog;
  /** Incremental batch id (`YYYYMMDD_HHmmss`); omitted for the initial load. */
  batch?: string;
  /** The declaration to run (default GRAPH_MODEL). */
  model?: GraphModel;
  /** Prefix of the crawled table names (default: the catalog's). */
  tablePrefix?: string;
  /** Statements run at once, each on one DuckDB thread (default: the machine's cores). */
  concurrency?: number;
  /** Parent folder of the run's scratch folder (default the OS temp folder). */
  tempDir?: string;
  onProgress?: (progress: TransformProgress) => void;
}

const DUCKDB_TYPES: Record<SourceColumnType, string> = {
  String: 'VARCHAR',
  Long: 'BIGINT',
  Date: 'DATE',
  Timestamp: 'TIMESTAMP',
};

const sqlString = (text: string) => `'${text.replace(/'/g, "''")}'`;

/**
 * Runs the graph-model transform in-process with DuckDB: downloads every source table's
 * objects to a scratch folder (DuckDB cannot reach S3 here), loads them with the catalog's
 * column names and the model's types, writes one Gremlin CSV file per label, checks each
 * header, and only when every statement succeeded uploads them under `graphPrefix(batch)` and
 * deletes the files an earlier run left there that this run no longer produces. A failure
 * leaves the target prefix untouched.
 */
export async function runLocalTransform(options: LocalTransformOptions): Promise<TransformReport> {
  const started = performance.now();
  const { store, batch } = options;
  const model = options.model ?? GRAPH_MODEL;
  const statements = buildTransformSql(model);
  const tables = await resolveSourceTables({ model, catalog: options.catalog, tablePrefix: options.tablePrefix, batch, store });
  const prefix = graphPrefix(batch);
  const progress = (phase: TransformProgress['phase'], detail: string, done: number, total: number) =>
    options.onProgress?.({ phase, detail, done, total });

  const work = await mkdtemp(join(options.tempDir ?? tmpdir(), 'idgraph-etl-'));
  let instance: DuckDBInstance | undefined;
  let connection: DuckDBConnection | undefined;
  const connections: DuckDBConnection[] = [];
  try {
    // One thread per statement and several statements at once: measured on the 2-core machine,
    // this spends 40 % less CPU than DuckDB's intra-query parallelism over the same statements
    // (bench/etl.bench.ts), and the statements are independent of each other.
    instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    connection = await instance.connect();
    const parallel = Math.max(1, options.concurrency ?? availableParallelism());
    connections.push(connection);
    while (connections.length < parallel) connections.push(await instance.connect());

    // The tables are independent: load them side by side, one connection each.
    const sources: TransformSourceReport[] = new Array(tables.length);
    let read = 0;
    const readTotal = tables.length;
    await forEachConcurrently([...tables.entries()], parallel, async ([index, table], worker) => {
      sources[index] = await loadSourceTable(connections[worker]!, store, table, join(work, 'sources'), (detail) => progress('read', detail, read, readTotal));
      progress('read', table.tableName, ++read, readTotal);
    });

    const outDir = join(work, 'graph');
    await mkdir(join(outDir, 'vertices'), { recursive: true });
    await mkdir(join(outDir, 'edges'), { recursive: true });
    const written: (TransformFileReport & { path: string })[] = new Array(statements.length);
    // Issue 4's rule: after a failure no partial output is left under the target prefix, and
    // nothing already stored there is lost. When the prefix holds no object at all (the first
    // run, every new batch), each file is uploaded as soon as its statement has finished, while
    // the other statements still run, and a failure deletes every key this run started to
    // upload: the prefix is as empty as it was. When it already holds output (a re-run),
    // replacing files one by one would leave two runs' files mixed after a failure, so nothing
    // is uploaded before every statement has succeeded. On the 1M-record bench (2 cores, shared)
    // the early upload leaves ~0.4 s of upload after the last statement instead of ~8 s.
    const uploadEarly = (await store.listObjects(prefix)).length === 0;
    const uploads = createTaskQueue(UPLOAD_CONCURRENCY);
    const startedKeys: string[] = [];
    let uploaded = 0;
    const upload = (file: TransformFileReport & { path: string }) =>
      uploads.add(async () => {
        startedKeys.push(file.key);
        // Streamed from disk: the local store sends each file as one PutObject (the embedded
        // server's multipart path costs twice the CPU), without holding it in memory.
        await store.putFile(file.key, file.path);
        progress('upload', file.key, ++uploaded, statements.length);
      });
    try {
      let done = 0;
      await forEachConcurrently([...statements.entries()], parallel, async ([index, statement], worker) => {
        const path = join(outDir, statement.key);
        const rows = await writeStatement(connections[worker]!, statement, path);
        await checkOutputHeader(path, statement);
        const file = { kind: statement.kind, label: statement.label, key: prefix + statement.key, rows, bytes: (await stat(path)).size, path };
        written[index] = file;
        progress('transform', `${statement.key}: ${rows} rows`, ++done, statements.length);
        if (uploadEarly) upload(file);
      });
      // Everything is on disk and checked: the rest of the files go up now, a few at a time
      // (the network, or the embedded server's disk, stays busy while one file is being read).
      if (!uploadEarly) for (const file of written) upload(file);
      await uploads.settle();
    } catch (error) {
      uploads.stop();
      await uploads.settle().catch(() => undefined);
      if (uploadEarly) await removeUploaded(store, startedKeys, prefix, error);
      throw error;
    }
    const produced = new Set(written.map((f) => f.key));
    const deletedKeys: string[] = [];
    for (const object of await store.listObjects(prefix)) {
      const stale = !produced.has(object.key) && /^(vertices|edges)\/[^/]+\.csv$/.test(object.key.slice(prefix.length));
      if (stale) {
        await store.deleteObjects(object.key);
        deletedKeys.push(object.key);
      }
    }
    const report: TransformReport = {
      runner: 'local',
      prefix,
      sources,
      files: written.map(({ path: _path, ...file }) => file),
      deletedKeys,
      elapsedMs: performance.now() - started,
    };
    if (batch !== undefined) report.batch = batch;
    return report;
  } finally {
    for (const open of connections.length > 0 ? connections : connection ? [connection] : []) open.closeSync();
    instance?.closeSync();
    await rm(work, { recursive: true, force: true });
  }
}

const UPLOAD_CONCURRENCY = 4;

/**
 * Rolls an early upload back: deletes the keys a failed run started to upload under a prefix
 * that was empty when it began. If that fails too, the error says which keys may be left.
 */
async function removeUploaded(store: ObjectStore, keys: readonly string[], prefix: string, failure: unknown): Promise<void> {
  try {
    for (const key of keys) await store.deleteObjects(key);
  } catch (cause) {
    const reason = failure instanceof Error ? failure.message : String(failure);
    throw new OperationFailedError(
      kitMessage('etl', `${reason}; removing the files this run had already uploaded under ${prefix} failed as well, delete them by hand: ${keys.join(', ')}`),
      { cause },
    );
  }
}

interface TaskQueue {
  /** Starts `task` now if fewer than the limit are running, else when one finishes. */
  add(task: () => Promise<void>): void;
  /** No queued task starts any more. */
  stop(): void;
  /** Resolves once nothing runs; rejects with the first failure (which also stops the queue). */
  settle(): Promise<void>;
}

/** Tasks added over time, at most `limit` running at once. */
function createTaskQueue(limit: number): TaskQueue {
  const waiting: (() => Promise<void>)[] = [];
  let running = 0;
  let stopped = false;
  let failure: { error: unknown } | undefined;
  let onIdle: (() => void) | undefined;
  const pump = () => {
    while (!stopped && running < limit && waiting.length > 0) {
      const task = waiting.shift()!;
      running++;
      task()
        .catch((error: unknown) => {
          failure ??= { error };
          stopped = true;
        })
        .finally(() => {
          running--;
          pump();
          if (running === 0) onIdle?.();
        });
    }
  };
  return {
    add(task) {
      waiting.push(task);
      pump();
    },
    stop() {
      stopped = true;
    },
    async settle() {
      while (running > 0 || (!stopped && waiting.length > 0)) await new Promise<void>((resolve) => (onIdle = resolve));
      if (failure) throw failure.error;
    },
  };
}

/**
 * Runs `work` over `items`, at most `limit` at a time. After a failure no new item starts, and
 * the first failure is thrown once every running item has settled (nothing is left running on
 * resources the caller is about to release).
 */
async function forEachConcurrently<T>(items: readonly T[], limit: number, work: (item: T, worker: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const run = async (worker: number) => {
    while (!failed && next < items.length) {
      try {
        await work(items[next++]!, worker);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, (_, worker) => run(worker)));
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
}

/** Downloads a table's objects and loads them into a DuckDB table named after the view. */
async function loadSourceTable(
  connection: DuckDBConnection,
  store: ObjectStore,
  table: SourceTable,
  dir: string,
  progress: (detail: string) => void,
): Promise<TransformSourceReport> {
  await mkdir(dir, { recursive: true });
  const objects = (await store.listObjects(table.prefix)).filter((o) => !o.key.endsWith('/') && o.size > 0);
  const columns = table.viewColumns.map((c, i) => `${c} ${DUCKDB_TYPES[table.types[i]!]}`).join(', ');
  await connection.run(`CREATE TABLE ${table.view} (${columns})`);
  const columnSpec = `{${table.viewColumns.map((c, i) => `${sqlString(c)}: ${sqlString(DUCKDB_TYPES[table.types[i]!])}`).join(', ')}}`;
  const headerOptions = table.headerLines === 0 ? 'header=false' : `header=true, skip=${table.headerLines - 1}`;
  // Explicit columns and types, no sniffing: RFC 4180 quoting, and a row of the wrong width is
  // an error rather than padded.
  const readOptions = `columns=${columnSpec}, ${headerOptions}, auto_detect=false, delim=',', quote='"', escape='"', strict_mode=true, null_padding=false`;
  for (const [index, object] of objects.entries()) {
    const path = join(dir, `${table.dataset}-${index}.csv`);
    const uri = s3Uri(store.bucket, object.key);
    await store.downloadFile(object.key, path);
    await checkSourceHeader(path, table, uri);
    try {
      await connection.run(`INSERT INTO ${table.view} SELECT * FROM read_csv(${sqlString(path)}, ${readOptions})`);
    } catch (error) {
      throw new InvalidInputError(kitMessage('etl', `table ${table.tableName}: ${uri} ${describeCsvError(error, table)}`), { cause: error });
    }
    await rm(path, { force: true }); // loaded: free the disk for the output files
    progress(uri);
  }
  const count = (await connection.runAndReadAll(`SELECT count(*) FROM ${table.view}`)).getRows()[0]![0];
  if (table.known) {
    // Endpoint look-ups search this run's rows plus the earlier loads' (whose vertices are
    // already in the graph).
    if (table.known.earlierPrefixes.length === 0) {
      await connection.run(`CREATE VIEW ${table.known.view} AS SELECT * FROM ${table.view}`);
    } else {
      await connection.run(`CREATE TABLE ${table.known.view} AS SELECT * FROM ${table.view}`);
      for (const prefix of table.known.earlierPrefixes) {
        const earlier = (await store.listObjects(prefix)).filter((o) => !o.key.endsWith('/') && o.size > 0);
        for (const [index, object] of earlier.entries()) {
          const path = join(dir, `${table.dataset}-known-${prefix.replace(/[^A-Za-z0-9]/g, '_')}-${index}.csv`);
          const uri = s3Uri(store.bucket, object.key);
          await store.downloadFile(object.key, path);
          await checkSourceHeader(path, table, uri);
          try {
            await connection.run(`INSERT INTO ${table.known.view} SELECT * FROM read_csv(${sqlString(path)}, ${readOptions})`);
          } catch (error) {
            throw new InvalidInputError(kitMessage('etl', `table ${table.tableName}: ${uri} ${describeCsvError(error, table)}`), { cause: error });
          }
          await rm(path, { force: true });
        }
      }
    }
  }
  return { dataset: table.dataset, tableName: table.tableName, files: objects.map((o) => o.key), rows: Number(count) };
}

/**
 * A file's first line must agree with the table: the catalog's column names when the table
 * skips a header line; not those names when it skips none (else the header would be read as
 * data — a table whose header Glue's classifier missed).
 */
async function checkSourceHeader(path: string, table: SourceTable, uri: string): Promise<void> {
  const first = await readFirstLine(path);
  if (first === undefined) return;
  let fields: string[];
  try {
    fields = parseCsv(first)[0]?.fields ?? [];
  } catch (cause) {
    throw new InvalidInputError(kitMessage('etl', `table ${table.tableName}: ${uri} line 1 does not parse as CSV`), { cause });
  }
  const names = fields.map(toViewColumnName);
  const looksLikeHeader = names.length === table.viewColumns.length && names.every((n, i) => n === table.viewColumns[i]);
  if (table.headerLines === 0) {
    if (looksLikeHeader) {
      throw new InvalidInputError(
        kitMessage('etl', `table ${table.tableName}: ${uri} line 1 is a header row but the table skips no header line (skip.header.line.count): fix the table schema first (step 5)`),
      );
    }
    return;
  }
  if (table.headerLines === 1 && !looksLikeHeader) {
    const at = table.viewColumns.findIndex((c, i) => names[i] !== c);
    const column = at === -1 ? `(${names.length} columns, table has ${table.viewColumns.length})` : `"${table.columns[at]}" (found "${fields[at] ?? ''}")`;
    throw new InvalidInputError(kitMessage('etl', `table ${table.tableName}: ${uri} line 1, column ${at + 1} ${column}: the file's header does not match the table's columns`));
  }
}

async function readFirstLine(path: string): Promise<string | undefined> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead === 0) return undefined;
    // A UTF-8 byte-order mark is not part of the first column's name (DuckDB skips it too).
    const text = buffer.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '');
    const end = text.search(/\r?\n/);
    return end === -1 ? text : text.slice(0, end);
  } finally {
    await handle.close();
  }
}

/** DuckDB's CSV errors, cut to what a reader needs: the line, the column, the reason. */
function describeCsvError(error: unknown, table: SourceTable): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = /CSV Error on Line: (\d+)/.exec(message)?.[1];
  const column = /converting column "([^"]+)"/.exec(message)?.[1];
  const reason =
    /(Could not convert [^\n]*)/.exec(message)?.[1] ??
    /(Expected Number of Columns: \d+ Found: \d+)/.exec(message)?.[1] ??
    /\n\n([^\n]+)\n/.exec(message)?.[1] ??
    message.split('\n')[0];
  const sourceColumn = column === undefined ? undefined : table.columns[table.viewColumns.indexOf(column)] ?? column;
  return [line && `line ${line}`, sourceColumn && `column "${sourceColumn}"`, `does not parse: ${reason}`].filter(Boolean).join(', ');
}

/** Runs one statement into a Gremlin CSV file (RFC 4180: quotes doubled, never backslashed). */
async function writeStatement(connection: DuckDBConnection, statement: TransformStatement, path: string): Promise<number> {
  const renamed = statement.header.map((h, i) => `c${i} AS "${h.replace(/"/g, '""')}"`).join(', ');
  try {
    const result = await connection.runAndReadAll(
      // No ORDER BY here: the statement sorts, and DuckDB keeps that order through this
      // projection (preserve_insertion_order, on by default).
      `COPY (SELECT ${renamed} FROM (${statement.sql}) q) TO ${sqlString(path)} (FORMAT csv, HEADER, DELIMITER ',', QUOTE '"', ESCAPE '"')`,
    );
    return Number(result.getRows()[0]![0]);
  } catch (error) {
    if (error instanceof KitError) throw error;
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new OperationFailedError(kitMessage('etl', `writing ${statement.key} failed: ${reason}`), { cause: error });
  }
}

async function checkOutputHeader(path: string, statement: TransformStatement): Promise<void> {
  const first = (await readFirstLine(path)) ?? '';
  const header = parseCsv(first)[0]?.fields ?? [];
  if (header.join('\u0000') !== statement.header.join('\u0000')) {
    throw new OperationFailedError(kitMessage('etl', `${statement.key}: wrote header "${first}", expected "${statement.header.join(',')}"`));
  }
  checkGremlinCsvHeader(header, statement.kind, statement.key);
}
