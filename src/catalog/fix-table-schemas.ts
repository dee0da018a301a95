import { parseCsv } from '../csv/csv-parser.js';
import { InvalidInputError, OperationFailedError, kitMessage } from '../errors.js';
import { parseS3Uri } from '../lake/dataset-layout.js';
import type { ObjectStore } from '../lake/object-store.js';
import type { Catalog, GlueColumn, GlueTable } from './catalog-types.js';
import { EXPECTED_SCHEMAS, incrementalTableName, tableName } from './expected-schemas.js';

/** Hive's table property that makes readers skip the header row (set by crawlers on CSV with a header). */
export const HEADER_SKIP_PARAMETER = 'skip.header.line.count';

export interface ColumnChange {
  index: number;
  from: GlueColumn;
  to: GlueColumn;
}

export interface TableSchemaFix {
  dataset: string;
  table: string;
  /** The crawler did not take the first row as the header (columns came out as col0, col1, ...). */
  lostHeader: boolean;
  /** Columns whose name or type the fix changed. */
  changedColumns: ColumnChange[];
  /** `skip.header.line.count` before the fix (undefined: not set). */
  headerSkipBefore?: string;
  /** Whether UpdateTable was sent (false: the table was already right). */
  updated: boolean;
  /** The object whose first row was checked against the expected names (when a store was given). */
  headerRowCheckedIn?: string;
}

export interface SchemaFixReport {
  tables: TableSchemaFix[];
  /** Every table was read back after the update and matched the expected schema. */
  verified: boolean;
}

export interface FixTableSchemasOptions {
  /** Fix the incremental tables (`<prefix>incremental_<dataset>`) instead of the initial ones. */
  incremental?: boolean;
  /** Datasets to fix; default every dataset of EXPECTED_SCHEMAS. */
  datasets?: readonly string[];
  /**
   * When given, the first row of the first object under each table's Location must be exactly
   * the expected column names — the row `skip.header.line.count = 1` will skip — or nothing is
   * changed. Catches files whose columns are in another order than the schema about to be set.
   */
  store?: ObjectStore;
}

/** Bytes read to find an object's first line (a header is far shorter). */
const HEADER_PROBE_BYTES = 64 * 1024;

/** First row of the first object under `location`, or undefined when the folder is empty. */
async function readFirstRow(store: ObjectStore, location: string): Promise<{ key: string; fields: string[] } | undefined> {
  const { key: prefix } = parseS3Uri(location);
  const first = (await store.listObjects(prefix)).find((o) => !o.key.endsWith('/') && o.size > 0);
  if (!first) return undefined;
  const stream = await store.getObjectStream(first.key);
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.from(chunk as Uint8Array);
    chunks.push(buffer);
    length += buffer.length;
    if (buffer.includes(10) || length >= HEADER_PROBE_BYTES) break;
  }
  const text = Buffer.concat(chunks).toString('utf8').replace(/^\uFEFF/, '');
  const line = text.split(/\r?\n/, 1)[0]!;
  return { key: first.key, fields: parseCsv(line)[0]?.fields ?? [] };
}

function sameColumn(a: GlueColumn | undefined, b: GlueColumn): boolean {
  return a !== undefined && a.Name === b.Name && a.Type.toLowerCase() === b.Type.toLowerCase();
}

/** Whether a table's columns and header skip are exactly the expected ones. */
function matchesExpected(table: GlueTable, expected: readonly GlueColumn[]): boolean {
  const columns = table.StorageDescriptor.Columns;
  return (
    columns.length === expected.length &&
    expected.every((column, i) => sameColumn(columns[i], column)) &&
    table.Parameters?.[HEADER_SKIP_PARAMETER] === '1'
  );
}

/**
 * Step 5 of the pipeline: gives each crawled source table the column names and types of
 * DESIGN §5 (EXPECTED_SCHEMAS) and `skip.header.line.count = 1` — the crawler names columns
 * `col0, col1, ...` and keeps the header as a data row whenever it cannot tell the header from
 * the data (every column a string) — then reads every table back to verify. All tables are
 * read and checked before the first update, so a missing table or a table of the wrong width
 * changes nothing. Tables already right are left alone (running it twice is harmless). With
 * `store`, each table's data is checked too: its header row must carry the expected names.
 */
export async function fixTableSchemas(catalog: Catalog, options: FixTableSchemasOptions = {}): Promise<SchemaFixReport> {
  const datasets = options.datasets ?? Object.keys(EXPECTED_SCHEMAS);
  const name = (dataset: string) =>
    options.incremental ? incrementalTableName(catalog.tablePrefix, dataset) : tableName(catalog.tablePrefix, dataset);

  const plans: { fix: TableSchemaFix; table: GlueTable; expected: readonly GlueColumn[] }[] = [];
  for (const dataset of datasets) {
    const expected = (EXPECTED_SCHEMAS as Record<string, readonly GlueColumn[] | undefined>)[dataset];
    if (!expected) {
      throw new InvalidInputError(kitMessage(catalog.name, `no expected schema for dataset "${dataset}" (known: ${Object.keys(EXPECTED_SCHEMAS).join(', ')})`));
    }
    const table = await catalog.getTable(name(dataset));
    const columns = table.StorageDescriptor.Columns;
    if (columns.length !== expected.length) {
      throw new InvalidInputError(
        kitMessage(catalog.name, `table "${table.Name}" has ${columns.length} columns, dataset "${dataset}" has ${expected.length}: the crawled files are not the generator's; nothing was changed`),
      );
    }
    let headerRowCheckedIn: string | undefined;
    if (options.store) {
      const row = await readFirstRow(options.store, table.StorageDescriptor.Location);
      const names = expected.map((c) => c.Name);
      if (row && row.fields.map((f) => f.trim().toLowerCase()).join(',') !== names.join(',')) {
        throw new InvalidInputError(
          kitMessage(catalog.name, `table "${table.Name}": the first row of s3://${options.store.bucket}/${row.key} is "${row.fields.join(',')}", expected the header "${names.join(',')}"; nothing was changed`),
        );
      }
      headerRowCheckedIn = row?.key;
    }
    const changedColumns: ColumnChange[] = [];
    expected.forEach((column, index) => {
      if (!sameColumn(columns[index], column)) changedColumns.push({ index, from: { ...columns[index]! }, to: { ...column } });
    });
    plans.push({
      table,
      expected,
      fix: {
        dataset,
        table: table.Name,
        lostHeader: columns.every((c, i) => c.Name === `col${i}`),
        changedColumns,
        headerSkipBefore: table.Parameters?.[HEADER_SKIP_PARAMETER],
        updated: !matchesExpected(table, expected),
        headerRowCheckedIn,
      },
    });
  }

  for (const { table, expected, fix } of plans) {
    if (!fix.updated) continue;
    const corrected: GlueTable = structuredClone(table);
    corrected.StorageDescriptor.Columns = expected.map((column, i) => ({ ...table.StorageDescriptor.Columns[i], Name: column.Name, Type: column.Type }));
    corrected.Parameters = { ...table.Parameters, [HEADER_SKIP_PARAMETER]: '1' };
    await catalog.updateTable(corrected);
  }

  for (const { expected, fix } of plans) {
    const readBack = await catalog.getTable(fix.table);
    if (!matchesExpected(readBack, expected)) {
      const got = readBack.StorageDescriptor.Columns.map((c) => `${c.Name}:${c.Type}`).join(', ');
      throw new OperationFailedError(kitMessage(catalog.name, `table "${fix.table}" read back after the fix does not match: ${got}; ${HEADER_SKIP_PARAMETER}=${readBack.Parameters?.[HEADER_SKIP_PARAMETER]}`));
    }
  }
  return { tables: plans.map((p) => p.fix), verified: true };
}
