import { DATASETS, DATASET_COLUMNS, type DatasetName } from '../datagen/dataset-schema.js';
import type { GlueColumn } from './catalog-types.js';

/** Columns the original README's tables type as bigint (counters); every other column is string. */
const BIGINT_COLUMNS: Readonly<Record<DatasetName, readonly string[]>> = {
  first_party: ['postcode', 'loyalty_points'],
  transactional: ['reward_points'],
  cookie: ['session_duration_sec'],
  clickstream: ['events', 'session_duration_sec'],
};

/**
 * The correct Glue schema of each source dataset: column order and names from the generator's
 * `DATASET_COLUMNS` (DESIGN §5), types as the original PoC's README tables — counters bigint,
 * everything else string (dates and timestamps stay strings; the ETL parses them). `postcode` is
 * bigint in the catalog as in the original; the graph model keeps PostCode ids as strings.
 */
export const EXPECTED_SCHEMAS: Readonly<Record<DatasetName, readonly GlueColumn[]>> = Object.fromEntries(
  DATASETS.map((dataset) => [
    dataset,
    DATASET_COLUMNS[dataset].map((Name) => ({ Name, Type: BIGINT_COLUMNS[dataset].includes(Name) ? 'bigint' : 'string' })),
  ]),
) as unknown as Record<DatasetName, readonly GlueColumn[]>;

/** Table of a dataset's initial load: `<prefix><dataset>`. */
export function tableName(tablePrefix: string, dataset: string): string {
  return `${tablePrefix}${dataset}`.toLowerCase();
}

/** Table of a dataset's incremental batches (batch folders are its partitions): `<prefix>incremental_<dataset>`. */
export function incrementalTableName(tablePrefix: string, dataset: string): string {
  return `${tablePrefix}incremental_${dataset}`.toLowerCase();
}
