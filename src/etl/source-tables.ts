import type { Catalog, GlueTable } from '../catalog/catalog-types.js';
import { incrementalTableName, tableName } from '../catalog/expected-schemas.js';
import { InvalidInputError, NotFoundError, kitMessage } from '../errors.js';
import { SOURCES_PREFIX, parseS3Uri, s3Uri, sourcePrefix } from '../lake/dataset-layout.js';
import type { ObjectStore } from '../lake/object-store.js';
import type { GraphModel } from './graph-model-types.js';
import { listModelColumns, type SourceColumnType } from './graph-model.js';
import { listLookupDatasets, toKnownViewName, toViewColumnName, toViewName } from './transform-sql.js';

/** The table prefix of the original PoC (KitConfig.tablePrefix's default). */
export const DEFAULT_TABLE_PREFIX = 'poc_identity_graph_';

/** One source dataset as the transform reads it: where its files are and how to parse them. */
export interface SourceTable {
  dataset: string;
  /** SQL view name the statements read. */
  view: string;
  /** Catalog table the schema came from. */
  tableName: string;
  /** Source columns in file order, as the catalog declares them. */
  columns: string[];
  /** The same columns as the SQL views name them (`toViewColumnName`). */
  viewColumns: string[];
  /** How each column is read: what its declared use in the model needs (else String). */
  types: SourceColumnType[];
  /** Lines to skip at the top of each file (`skip.header.line.count`). */
  headerLines: number;
  bucket: string;
  /** Key prefix of the folder whose objects are this table's data. */
  prefix: string;
  /**
   * For datasets that edge endpoint look-ups search: the `<dataset>_known` view to register
   * and the folders of the earlier loads it adds to this run's rows (an incremental batch:
   * the initial folder and every earlier batch; the initial load: none).
   */
  known?: { view: string; earlierPrefixes: string[] };
}

const GENERATED_COLUMN = /^col\d+$/;

function readHeaderLines(table: GlueTable): number {
  const raw =
    table.Parameters?.['skip.header.line.count'] ??
    table.StorageDescriptor.Parameters?.['skip.header.line.count'] ??
    table.StorageDescriptor.SerdeInfo?.Parameters?.['skip.header.line.count'];
  const count = raw === undefined ? 0 : Number(raw);
  if (!Number.isInteger(count) || count < 0) {
    throw new InvalidInputError(kitMessage('etl', `table ${table.Name}: skip.header.line.count "${raw}" is not a whole number`));
  }
  return count;
}

async function getTableOrFallback(catalog: Catalog, names: string[]): Promise<GlueTable> {
  let lastError: unknown;
  for (const name of names) {
    try {
      return await catalog.getTable(name);
    } catch (error) {
      if ((error as Error).name !== 'NotFoundError') throw error;
      lastError = error;
    }
  }
  throw new NotFoundError(
    kitMessage('etl', `catalog ${catalog.name} has no table ${names.join(' or ')}: crawl the source datasets first (idgraph crawl)`),
    { cause: lastError },
  );
}

export interface ResolveSourceTablesOptions {
  model: GraphModel;
  catalog: Catalog;
  /** Prefix of the crawled table names (default: the catalog's). */
  tablePrefix?: string;
  /** Incremental batch id: read `datasets/sources/incremental/<dataset>/<batch>/`. */
  batch?: string;
  /** Lists the earlier loads' folders for endpoint look-ups (needed with `batch`). */
  store?: ObjectStore;
}

/**
 * Folders of the loads before `batch`: the initial folder, then every incremental batch folder
 * whose id sorts before it (ids are `YYYYMMDD_HHmmss`, so they sort in time order).
 */
export async function listEarlierSourcePrefixes(store: ObjectStore, dataset: string, batch: string): Promise<string[]> {
  const root = `${SOURCES_PREFIX}incremental/${dataset}/`;
  const batches = new Set<string>();
  for (const object of await store.listObjects(root)) {
    const folder = object.key.slice(root.length).split('/')[0]!;
    if (folder !== '' && folder < batch && object.key.length > root.length + folder.length + 1) batches.add(folder);
  }
  return [sourcePrefix(dataset), ...[...batches].sort().map((b) => `${root}${b}/`)];
}

/**
 * Looks up the catalog table of every dataset the model reads and checks it before any data is
 * touched: the table has a real header (not Glue's `col0, col1, ...`, the mark of a table
 * whose header the classifier missed — fix it in step 5) and every column the model reads.
 * For a batch, the incremental table's schema is used when the catalog has one, else the
 * initial table's (the columns are the same); the files are the batch folder's.
 */
export async function resolveSourceTables(options: ResolveSourceTablesOptions): Promise<SourceTable[]> {
  const prefix = options.tablePrefix ?? options.catalog.tablePrefix ?? DEFAULT_TABLE_PREFIX;
  const used = listModelColumns(options.model);
  const lookups = new Set(listLookupDatasets(options.model));
  const tables: SourceTable[] = [];
  for (const [dataset, columnTypes] of used) {
    const names = options.batch === undefined ? [tableName(prefix, dataset)] : [incrementalTableName(prefix, dataset), tableName(prefix, dataset)];
    const table = await getTableOrFallback(options.catalog, names);
    const columns = table.StorageDescriptor.Columns.map((c) => c.Name);
    const location = table.StorageDescriptor.Location;
    if (columns.length > 0 && columns.every((c) => GENERATED_COLUMN.test(c))) {
      throw new InvalidInputError(
        kitMessage(
          'etl',
          `table ${table.Name} (${location}) has no header: its columns are ${columns.slice(0, 3).join(', ')}${columns.length > 3 ? ', ...' : ''} ` +
            `(Glue's classifier found no header row); fix the table schemas first (step 5, idgraph fix-schemas)`,
        ),
      );
    }
    const byViewName = new Map(columns.map((c) => [toViewColumnName(c), c]));
    for (const column of columnTypes.keys()) {
      if (!byViewName.has(toViewColumnName(column))) {
        throw new InvalidInputError(
          kitMessage('etl', `table ${table.Name} (${location}) has no column "${column}", which the graph model reads; its columns are ${columns.join(', ')}`),
        );
      }
    }
    const { bucket, key } = parseS3Uri(location);
    const typeOf = new Map([...columnTypes].map(([c, t]) => [toViewColumnName(c), t]));
    let known: SourceTable['known'];
    if (lookups.has(dataset)) {
      let earlierPrefixes: string[] = [];
      if (options.batch !== undefined) {
        if (!options.store) throw new Error('resolveSourceTables: a batch needs the store to find the earlier loads');
        earlierPrefixes = await listEarlierSourcePrefixes(options.store, dataset, options.batch);
      }
      known = { view: toKnownViewName(dataset), earlierPrefixes };
    }
    tables.push({
      ...(known ? { known } : {}),
      dataset,
      view: toViewName(dataset),
      tableName: table.Name,
      columns,
      viewColumns: columns.map(toViewColumnName),
      types: columns.map((c) => typeOf.get(toViewColumnName(c)) ?? 'String'),
      headerLines: readHeaderLines(table),
      bucket,
      prefix: options.batch === undefined ? (key === '' || key.endsWith('/') ? key : `${key}/`) : sourcePrefix(dataset, options.batch),
    });
  }
  if (options.store) await requireSourceFiles(options.store, tables, options.batch);
  return tables;
}

/**
 * A run whose source folders hold no file at all would write 31 empty files, which then load
 * as LOAD_COMPLETED: a batch id that was never uploaded (or a typo in it) would look like
 * success. One dataset may be empty (a batch without cookies); all of them empty is an error
 * naming the folders looked in.
 */
async function requireSourceFiles(store: ObjectStore, tables: readonly SourceTable[], batch: string | undefined): Promise<void> {
  const empty: SourceTable[] = [];
  for (const table of tables) {
    const objects = await store.listObjects(table.prefix);
    if (!objects.some((o) => o.size > 0 && !o.key.endsWith('/'))) empty.push(table);
  }
  if (empty.length < tables.length || tables.length === 0) return;
  const where = empty.map((t) => s3Uri(t.bucket, t.prefix)).join(', ');
  throw new NotFoundError(
    kitMessage(
      'etl',
      batch === undefined
        ? `no source files under ${where}: upload the source datasets first (idgraph upload)`
        : `batch ${batch} has no source files: nothing under ${where}; upload it first (idgraph upload --incremental --batch ${batch}) or give the batch id upload printed`,
    ),
  );
}
