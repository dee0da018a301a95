import { DeadlineExceededError, InvalidInputError, kitMessage } from '../errors.js';
import { SOURCES_PREFIX, s3Uri } from '../lake/dataset-layout.js';
import type { ObjectInfo, ObjectStore } from '../lake/object-store.js';
import type { GlueColumn, GlueTable } from './catalog-types.js';
import { incrementalTableName, tableName } from './expected-schemas.js';
import { CSV_SAMPLE_BYTES, type CsvClassification, classifyCsvSample, mergeGlueTypes, type GlueCsvType } from './glue-csv-classifier.js';

const NAME = 'crawler';

/** Hive text formats and SerDes a Glue crawler writes for CSV tables. */
const TEXT_INPUT_FORMAT = 'org.apache.hadoop.mapred.TextInputFormat';
const TEXT_OUTPUT_FORMAT = 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat';
const LAZY_SIMPLE_SERDE = 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe';
const OPEN_CSV_SERDE = 'org.apache.hadoop.hive.serde2.OpenCSVSerde';

export interface LocalCrawlOptions {
  store: ObjectStore;
  database: string;
  tablePrefix: string;
  crawlerName: string;
  /** Give up (DeadlineExceededError, nothing written) after this many milliseconds. */
  timeoutMs?: number;
  /** Bytes read from the start of each object (Glue: 2 MB for CSV). */
  sampleBytes?: number;
  now?: () => number;
}

/** One dataset folder the crawler makes a table of. */
interface TableFolder {
  name: string;
  prefix: string;
  objects: ObjectInfo[];
  /** Batch folder values, for the incremental tables' `partition_0`. */
  partitions: Set<string>;
}

/**
 * Which tables the crawler makes of the source layout. The crawler's targets are the dataset
 * folders: `datasets/sources/initial/<dataset>/` becomes `<prefix><dataset>`, and
 * `datasets/sources/incremental/<dataset>/` (batch folders below it) becomes
 * `<prefix>incremental_<dataset>` with the batch as partition column `partition_0` — what a
 * crawler does with a target whose sub-folders share one schema: one table at the target, the
 * folders as partitions named partition_0, partition_1, ... when they are not `key=value`
 * (https://docs.aws.amazon.com/glue/latest/dg/crawler-s3-folder-table-partition.html). The Glue
 * stack (cloudformation-templates/glue.yaml) pins this with two crawlers — one over
 * `datasets/sources/initial/`, one over `datasets/sources/incremental/` with table prefix
 * `<prefix>incremental_` — both at table level 4, i.e. tables at `.../<dataset>/`
 * (https://docs.aws.amazon.com/glue/latest/dg/crawler-table-level.html). Initial and incremental
 * data are kept in separate tables so the initial table and the ETL's full load never silently
 * include later batches. Objects at other depths are not part of any dataset and are skipped.
 */
export function planTableFolders(objects: ObjectInfo[], tablePrefix: string): TableFolder[] {
  const folders = new Map<string, TableFolder>();
  const folder = (name: string, prefix: string): TableFolder => {
    let f = folders.get(name);
    if (!f) folders.set(name, (f = { name, prefix, objects: [], partitions: new Set() }));
    return f;
  };
  for (const object of objects) {
    if (object.key.endsWith('/')) continue; // folder markers made by consoles
    const parts = object.key.slice(SOURCES_PREFIX.length).split('/');
    if (parts[0] === 'initial' && parts.length === 3) {
      folder(tableName(tablePrefix, parts[1]!), `${SOURCES_PREFIX}initial/${parts[1]}/`).objects.push(object);
    } else if (parts[0] === 'incremental' && parts.length === 4) {
      const f = folder(incrementalTableName(tablePrefix, parts[1]!), `${SOURCES_PREFIX}incremental/${parts[1]}/`);
      f.objects.push(object);
      f.partitions.add(parts[2]!);
    }
  }
  return [...folders.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** The first `bytes` of an object, decoded as UTF-8 (a cut multi-byte character is dropped). */
async function readHead(store: ObjectStore, key: string, bytes: number): Promise<{ text: string; truncated: boolean }> {
  const stream = await store.getObjectStream(key);
  const chunks: Buffer[] = [];
  let length = 0;
  let truncated = false;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    chunks.push(buffer);
    length += buffer.length;
    if (length >= bytes) {
      truncated = true;
      break; // leaving the loop destroys the stream: the rest is never downloaded
    }
  }
  const head = Buffer.concat(chunks).subarray(0, bytes);
  return { text: new TextDecoder('utf-8').decode(head, { stream: truncated }), truncated };
}

function mergeClassifications(folder: TableFolder, results: { key: string; result: CsvClassification }[]): CsvClassification {
  const [first, ...rest] = results;
  const merged: CsvClassification = { ...first!.result, columns: first!.result.columns.map((c) => ({ ...c })) };
  for (const { key, result } of rest) {
    if (result.columns.length !== merged.columns.length || result.delimiter !== merged.delimiter) {
      throw new InvalidInputError(
        kitMessage(NAME, `${folder.prefix}: ${first!.key} has ${merged.columns.length} columns but ${key} has ${result.columns.length} — one table cannot hold both`),
      );
    }
    merged.columns.forEach((column, c) => {
      column.Type = mergeGlueTypes(column.Type as GlueCsvType, result.columns[c]!.Type as GlueCsvType)!;
    });
    merged.quoted ||= result.quoted;
    merged.sampledRows += result.sampledRows;
    merged.sampledBytes += result.sampledBytes;
  }
  return merged;
}

/** The table definition a Glue crawler writes for a CSV folder (shape of GetTable's output). */
function buildTable(folder: TableFolder, csv: CsvClassification, options: LocalCrawlOptions, now: Date): GlueTable {
  const sizeKey = folder.objects.reduce((n, o) => n + o.size, 0);
  const averageRecordSize = Math.max(1, Math.round(csv.sampledBytes / csv.sampledRows));
  const parameters: Record<string, string> = {
    CrawlerSchemaDeserializerVersion: '1.0',
    CrawlerSchemaSerializerVersion: '1.0',
    UPDATED_BY_CRAWLER: options.crawlerName,
    areColumnsQuoted: String(csv.quoted),
    averageRecordSize: String(averageRecordSize),
    classification: 'csv',
    columnsOrdered: 'true',
    compressionType: 'none',
    delimiter: csv.delimiter,
    objectCount: String(folder.objects.length),
    recordCount: String(Math.round(sizeKey / averageRecordSize)),
    sizeKey: String(sizeKey),
    typeOfData: 'file',
  };
  if (csv.hasHeader) parameters['skip.header.line.count'] = '1';
  const serde: { SerializationLibrary: string; Parameters: Record<string, string> } = csv.quoted
    ? { SerializationLibrary: OPEN_CSV_SERDE, Parameters: { separatorChar: csv.delimiter, quoteChar: '"' } }
    : { SerializationLibrary: LAZY_SIMPLE_SERDE, Parameters: { 'field.delim': csv.delimiter } };
  const partitionKeys: GlueColumn[] = folder.partitions.size > 0 ? [{ Name: 'partition_0', Type: 'string' }] : [];
  return {
    Name: folder.name,
    DatabaseName: options.database,
    CreateTime: now.toISOString(),
    UpdateTime: now.toISOString(),
    TableType: 'EXTERNAL_TABLE',
    Owner: 'owner',
    Parameters: parameters,
    StorageDescriptor: {
      Columns: csv.columns,
      Location: s3Uri(options.store.bucket, folder.prefix),
      InputFormat: TEXT_INPUT_FORMAT,
      OutputFormat: TEXT_OUTPUT_FORMAT,
      Compressed: false,
      NumberOfBuckets: -1,
      SerdeInfo: serde,
      StoredAsSubDirectories: false,
      Parameters: { ...parameters },
    },
    PartitionKeys: partitionKeys,
  };
}

/**
 * Classifies every dataset folder under `datasets/sources/` and returns the tables a Glue
 * crawler would write — without writing anything, so a bad object or a deadline leaves the
 * catalog as it was. Objects are read through the ObjectStore, so this works on real S3 too.
 */
export async function crawlSourceFolders(options: LocalCrawlOptions): Promise<GlueTable[]> {
  const now = options.now ?? Date.now;
  const started = now();
  const timeoutMs = options.timeoutMs ?? 15 * 60_000;
  const checkDeadline = () => {
    if (now() - started > timeoutMs) {
      throw new DeadlineExceededError(kitMessage(NAME, `crawl did not finish within ${Math.round(timeoutMs / 1000)} s; no table was changed`));
    }
  };
  const folders = planTableFolders(await options.store.listObjects(SOURCES_PREFIX), options.tablePrefix);
  const tables: GlueTable[] = [];
  for (const folder of folders) {
    const results: { key: string; result: CsvClassification }[] = [];
    for (const object of folder.objects) {
      checkDeadline();
      const { text, truncated } = await readHead(options.store, object.key, options.sampleBytes ?? CSV_SAMPLE_BYTES);
      results.push({ key: object.key, result: classifyCsvSample(text, s3Uri(options.store.bucket, object.key), truncated) });
    }
    tables.push(buildTable(folder, mergeClassifications(folder, results), options, new Date(now())));
  }
  checkDeadline();
  return tables;
}
